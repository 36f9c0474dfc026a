/**
 * Redraws the README's picture of the reference shop behind its gateway
 * (`examples/gateway-shop.ts`): `stacks/shop/topology.svg` and `.mmd`, as
 * `immutable-infra graph` draws them. `npm run graph:shop`; a unit test fails
 * while the committed files differ from what this writes.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { shopPicture, SHOP_PICTURES } from './shop-picture';

for (const [file, format] of SHOP_PICTURES) {
  writeFileSync(join(__dirname, '..', 'stacks', 'shop', file), shopPicture(format));
  console.log(`wrote stacks/shop/${file}`);
}
