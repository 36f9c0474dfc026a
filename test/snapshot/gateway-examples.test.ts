import { App } from 'cdk8s';
import { EdgePoliciesChart } from '../../examples/edge-policies';
import { GatewayCanaryChart } from '../../examples/gateway-canary';
import { GatewayRoutingChart, InventoryChart } from '../../examples/gateway-routing';
import { shopBehindGateway } from '../../examples/gateway-shop';
import { GatewayTcpChart } from '../../examples/gateway-tcp';
import { IngressEdgeChart } from '../../examples/ingress-edge';
import { GatewayRendering, IGatewayRendering } from '../../lib';
import { snapshotOf, synthObjects } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';

const RENDERINGS = [GatewayRendering.gatewayApi(), GatewayRendering.istio()];

function routing(rendering: IGatewayRendering) {
  const app = new App();
  const inventory = new InventoryChart(app, 'inventory');
  const edge = new GatewayRoutingChart(app, 'gateway-routing', { inventory: inventory.inventory, rendering });
  return { inventory, edge };
}

describe.each(RENDERINGS)('gateway examples rendered for %s', (rendering) => {
  test('gateway-shop: the shop behind one HTTPS gateway', () => {
    const [shop, edge] = shopBehindGateway(new App(), rendering);
    expect(snapshotOf(edge)).toMatchSnapshot('edge');
    const shopObjects = synthObjects(shop);
    expect(shopObjects.filter((o) => o.kind === 'ReferenceGrant')).toMatchSnapshot('grants in the shop namespace');
  });

  test('gateway-canary: 90/10 between two revisions at the edge', () => {
    expect(snapshotOf(new GatewayCanaryChart(new App(), 'gateway-canary', { rendering }))).toMatchSnapshot();
  });

  test('gateway-tcp: a TCP route split across revisions and a TLS passthrough route by SNI', () => {
    expect(snapshotOf(new GatewayTcpChart(new App(), 'gateway-tcp', { rendering }))).toMatchSnapshot();
  });

  test('gateway-routing: headers, rewrites, redirect, external, cross-namespace and gRPC routes', () => {
    const { inventory, edge } = routing(rendering);
    expect(snapshotOf(edge)).toMatchSnapshot('edge');
    expect(snapshotOf(inventory)).toMatchSnapshot('inventory');
  });
});

test('ingress-edge: a site behind a Kubernetes Ingress (GatewayRendering.ingress())', () => {
  expect(snapshotOf(new IngressEdgeChart(new App(), 'ingress-edge'))).toMatchSnapshot();
});

describe('the gateway in front of the shop', () => {
  test('changes the shop only where the gateway needs it: orders and cart admit its namespace; with the Gateway API, a ReferenceGrant', () => {
    const plain = synthObjects(new ShopChart(new App(), 'shop-prod', { environment: 'prod' }));
    for (const rendering of RENDERINGS) {
      const fronted = synthObjects(shopBehindGateway(new App(), rendering)[0]);
      const key = (o: (typeof plain)[number]) => `${o.kind}/${o.metadata.name}`;
      const changed = fronted.filter((o) => !plain.some((p) => key(p) === key(o) && JSON.stringify(p) === JSON.stringify(o))).map(key).sort();
      expect({ rendering, changed }).toEqual({
        rendering,
        changed: [
          'AuthorizationPolicy/cart',
          'AuthorizationPolicy/orders',
          'NetworkPolicy/cart',
          'NetworkPolicy/orders',
          ...(rendering.kind === 'gateway-api' ? ['ReferenceGrant/shop-edge-gateway-routes'] : []),
        ],
      });
      expect(fronted.length - plain.length).toBe(rendering.kind === 'gateway-api' ? 1 : 0);
    }
  });

  test('the routes reach the three services and nothing else: frontend for the rest, orders and cart by path prefix', () => {
    const edge = synthObjects(shopBehindGateway(new App(), GatewayRendering.gatewayApi())[1]);
    const backends = edge
      .filter((o) => o.kind === 'HTTPRoute')
      .map((o) => [o.metadata.name, (o.spec as any).rules[0].matches?.[0]?.path?.value, (o.spec as any).rules[0].backendRefs?.[0]?.name]);
    expect(backends).toEqual([
      ['shop-http-redirect', undefined, undefined],
      ['shop-orders', '/api/orders', 'orders'],
      ['shop-cart', '/api/cart', 'cart'],
      ['shop-frontend', undefined, 'frontend'],
    ]);
  });
});

describe('edge-policies', () => {
  test('end-user authentication on a whole listener and on a function, a rate limit on a gateway route', () => {
    expect(snapshotOf(new EdgePoliciesChart(new App(), 'edge-policies'))).toMatchSnapshot();
  });
});
