import { App } from 'cdk8s';
import { shopBehindGateway } from '../examples/gateway-shop';
import { drawTopology, GraphFormat } from '../lib';
import { synthObjects } from '../lib/testing';

/** The committed pictures of the shop, by file name in `stacks/shop/`. */
export const SHOP_PICTURES: ReadonlyArray<readonly [string, GraphFormat]> = [
  ['topology.svg', 'svg'],
  ['topology.mmd', 'mermaid'],
];

/** The prod shop behind its edge gateway, drawn as `immutable-infra graph` draws its dist. */
export function shopPicture(format: GraphFormat): string {
  const app = new App();
  const charts = shopBehindGateway(app);
  return drawTopology(charts.flatMap((chart) => synthObjects(chart)), { format });
}
