import { App, Chart } from 'cdk8s';
import { GatewayCanaryChart } from '../../examples/gateway-canary';
import { GatewayRoutingChart, InventoryChart } from '../../examples/gateway-routing';
import { SHOP_EDGE_NAMESPACE, ShopGatewayChart } from '../../examples/gateway-shop';
import { GatewayTcpChart } from '../../examples/gateway-tcp';
import { IngressEdgeChart } from '../../examples/ingress-edge';
import { GatewayRendering, IGatewayRendering } from '../../lib';
import { ShopChart } from '../../stacks/shop/shop-chart';

/** Every gateway example as the charts a user would apply, backends first. */
export function exampleCharts(rendering: IGatewayRendering): Array<[string, () => Chart[]]> {
  return [
    ['shop behind one HTTPS gateway', () => {
      const app = new App();
      const shop = new ShopChart(app, 'gw-shop', { environment: 'dev', gatewayNamespace: SHOP_EDGE_NAMESPACE });
      return [shop, new ShopGatewayChart(app, 'shop-edge', { shop, rendering })];
    }],
    ['canary at the edge', () => [new GatewayCanaryChart(new App(), 'gateway-canary', { rendering })]],
    ['routing (headers, rewrites, redirect, external, cross-namespace, gRPC)', () => {
      const app = new App();
      const inventory = new InventoryChart(app, 'inventory');
      return [inventory, new GatewayRoutingChart(app, 'gateway-routing', { inventory: inventory.inventory, rendering })];
    }],
    ['TCP and TLS passthrough routes', () => [new GatewayTcpChart(new App(), 'gateway-tcp', { rendering })]],
  ];
}

const RENDERINGS = [GatewayRendering.gatewayApi(), GatewayRendering.istio()];

/** `[rendering, example, charts]` of every gateway example in both renderings, and the Ingress example. */
export const GATEWAY_CASES = [
  ...RENDERINGS.flatMap((rendering) => exampleCharts(rendering).map(([name, charts]) => [rendering, name, charts] as const)),
  // The Ingress rendering refuses the other examples' weights, header matches and filters.
  [GatewayRendering.ingress(), 'a site behind an Ingress', () => [new IngressEdgeChart(new App(), 'ingress-edge')]] as const,
];
