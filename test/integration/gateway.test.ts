import { App, Chart } from 'cdk8s';
import { IngressEdgeChart } from '../../examples/ingress-edge';
import { GatewayRendering, Manifest } from '../../lib';
import { synthObjects } from '../../lib/testing';
import { ensureNamespaces, expectAcceptedAndLive } from './apply-checked';
import { exampleCharts, GATEWAY_CASES as cases } from './gateway-cases';
import { applyServerSide, deleteNamespace, getLive, liveResourceVersion, resourceType } from './kubectl';

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
