/**
 * The promotion entry (`npm run promote:shop`): synthesizes the shop's
 * staging environment alone and writes what passed there as prod's promotion
 * lock, `shop/promotion.prod.json` (what `immutable-infra promote --from
 * <staging dist> --to prod` writes). Run it when staging has passed with a
 * change that prod should run; until then prod's synthesis refuses it.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { App } from 'cdk8s';
import { promoteSynthesis, promotionLockJson } from '../lib';
import { synthObjects } from '../lib/testing';
import { ShopChart } from './shop/shop-chart';

const staging = new ShopChart(new App(), 'shop-staging', { environment: 'staging' });
const lock = promoteSynthesis(synthObjects(staging), { to: 'prod' });
const file = join(__dirname, 'shop', 'promotion.prod.json');
writeFileSync(file, promotionLockJson(lock));
process.stdout.write(`Promoted ${Object.keys(lock.services).length} services from ${lock.from} to ${lock.to}: ${file}\n`);
