import { readFileSync } from 'fs';
import { join } from 'path';
import { shopPicture, SHOP_PICTURES } from '../../../scripts/shop-picture';

const SHOP = join(__dirname, '..', '..', '..', 'stacks', 'shop');

/**
 * The README shows the reference shop's picture (prod, behind its gateway).
 * It is committed, so it must be what `npm run graph:shop` makes of today's
 * shop, byte for byte.
 */
describe('the shop picture (stacks/shop/topology.*)', () => {
  test.each(SHOP_PICTURES)('%s is what the shop synthesizes to', (file, format) => {
    const committed = readFileSync(join(SHOP, file), 'utf8');
    expect(committed === shopPicture(format) ? 'up to date' : `stacks/shop/${file} is stale: run npm run graph:shop and commit it`).toBe('up to date');
  });
});
