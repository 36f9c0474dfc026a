import { App, Chart } from 'cdk8s';
import { GatewayCanaryChart } from '../../examples/gateway-canary';
import { GatewayRoutingChart, InventoryChart } from '../../examples/gateway-routing';
import { SHOP_EDGE_NAMESPACE, ShopGatewayChart } from '../../examples/gateway-shop';
import { GatewayTcpChart } from '../../examples/gateway-tcp';
import { IngressEdgeChart } from '../../examples/ingress-edge';
import { GatewayRendering, IGatewayRendering, Manifest } from '../../lib';
import { synthObjects } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';
import { ensureNamespaces, expectAcceptedAndLive } from './apply-checked';
import { applyServerSide, deleteNamespace, getLive, liveResourceVersion, resourceType } from './kubectl';

/** Every gateway example as the charts a user would apply, backends first. */
function exampleCharts(rendering: IGatewayRendering): Array<[string, () => Chart[]]> {
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
const cases = [
  ...RENDERINGS.flatMap((rendering) => exampleCharts(rendering).map(([name, charts]) => [rendering, name, charts] as const)),
  // The Ingress rendering refuses the other examples' weights, header matches and filters.
  [GatewayRendering.ingress(), 'a site behind an Ingress', () => [new IngressEdgeChart(new App(), 'ingress-edge')]] as const,
];
const namespaces = new Set<string>();
/** The kinds whose fields a structural CRD would silently drop if it did not know them, and the Ingress. */
const KEPT_GROUPS = ['gateway.networking.k8s.io/', 'networking.istio.io/', 'cert-manager.io/', 'networking.k8s.io/v1'];

function objectsOf(charts: readonly Chart[]): Manifest[] {
  return charts.flatMap((chart) => synthObjects(chart));
}

afterAll(() => {
  for (const namespace of namespaces) {
    deleteNamespace(namespace);
  }
});

describe('every gateway example is accepted by the real API server (Gateway API, Istio and cert-manager CRDs installed; Ingress built in)', () => {
  test('the CRDs of every kind the gateway emits are installed and established', () => {
    for (const crd of [
      'gateways.gateway.networking.k8s.io',
      'httproutes.gateway.networking.k8s.io',
      'grpcroutes.gateway.networking.k8s.io',
      'tcproutes.gateway.networking.k8s.io',
      'tlsroutes.gateway.networking.k8s.io',
      'referencegrants.gateway.networking.k8s.io',
      'gateways.networking.istio.io',
      'virtualservices.networking.istio.io',
      'certificates.cert-manager.io',
    ]) {
      expect({ crd, established: getLive('crd', crd)?.status?.conditions?.find((c: any) => c.type === 'Established')?.status }).toEqual({
        crd,
        established: 'True',
      });
    }
  });

  test.each(cases)('%s: %s: server-side dry run (strict field validation), then applied, every field kept', (_, __, makeCharts) => {
    const objects = objectsOf(makeCharts());
    ensureNamespaces(objects.filter((o) => o.kind !== 'Namespace'), namespaces);
    expectAcceptedAndLive(objects);

    for (const object of objects) {
      const live = getLive(resourceType(object), object.metadata.name!, object.metadata.namespace);
      if (KEPT_GROUPS.some((group) => object.apiVersion.startsWith(group))) {
        expect({ object: `${object.kind}/${object.metadata.name}`, spec: live!.spec }).toMatchObject({
          object: `${object.kind}/${object.metadata.name}`,
          spec: object.spec as Record<string, unknown>,
        });
      }
    }
  });

  test.each(cases)('%s: %s: applying the same synthesis again changes nothing', (_, __, makeCharts) => {
    const objects = objectsOf(makeCharts());
    // The Gateway CRD defaults status.conditions, which the API server stores on the first write
    // after create (a new resourceVersion, same spec); from then on an apply is a no-op.
    expect(applyServerSide(objects).status).toBe(0);
    const versions = () => objects.map((o) => `${o.kind}/${o.metadata.name} ${liveResourceVersion(o)}`);
    const before = versions();
    const applied = applyServerSide(objects);
    expect(applied.status).toBe(0);
    expect(versions()).toEqual(before);
  });

  test('the API server refuses what the Gateway API rendering refuses: a retry on an HTTPRoute rule', () => {
    const [, routing] = exampleCharts(GatewayRendering.gatewayApi())[2];
    const route = objectsOf(routing()).find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'api-catalog')!;
    const spec = route.spec as any;
    const retried = { ...route, metadata: { ...route.metadata, name: 'retried' }, spec: { ...spec, rules: [{ ...spec.rules[0], retry: { attempts: 2 } }] } };
    const result = applyServerSide([retried], { dryRun: true });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/retry: field not declared in schema/);
  });

  test('the API server refuses what the Ingress rendering refuses: an encoded / in a path', () => {
    const ingress = objectsOf([new IngressEdgeChart(new App(), 'ingress-edge')]).find((o) => o.kind === 'Ingress')!;
    ensureNamespaces([ingress], namespaces);
    const spec = ingress.spec as any;
    const [rule] = spec.rules;
    const encoded = { ...rule, http: { paths: [{ ...rule.http.paths[0], path: '/api%2Fv1' }] } };
    const result = applyServerSide([{ ...ingress, metadata: { ...ingress.metadata, name: 'encoded' }, spec: { ...spec, rules: [encoded] } }], { dryRun: true });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/must not contain '%2F'/);
  });
});
