import { readFileSync } from 'fs';
import { join } from 'path';
import { App } from 'cdk8s';
import { drawTopology, GraphFormat } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { ShopChart } from '../../../stacks/shop/shop-chart';

const SHOP = join(__dirname, '..', '..', '..', 'stacks', 'shop');

/**
 * The README shows the reference shop's picture (prod). It is committed, so
 * it must be what `npm run graph:shop` makes of today's shop, byte for byte.
 */
describe('the shop picture (stacks/shop/topology.*)', () => {
  const objects = synthObjects(new ShopChart(new App(), 'shop-prod', { environment: 'prod' }));

  test.each([
    ['topology.svg', 'svg'],
    ['topology.mmd', 'mermaid'],
  ] as Array<[string, GraphFormat]>)('%s is what the shop synthesizes to', (file, format) => {
    const committed = readFileSync(join(SHOP, file), 'utf8');
    const fresh = drawTopology(objects, { format, namespace: 'shop-prod' });
    expect(committed === fresh ? 'up to date' : `stacks/shop/${file} is stale: run npm run graph:shop and commit it`).toBe('up to date');
  });
});
