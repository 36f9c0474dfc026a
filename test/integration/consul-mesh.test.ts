import { App, Chart, Duration } from 'cdk8s';
import { ConsulMeshChart } from '../../examples/consul-mesh';
import { MESH_SCENARIOS, MeshScenario, MeshTrafficChart } from '../../examples/mesh-traffic';
import { IngressPeer, Manifest, Mesh, MeshProvider, Microservice, ServiceRoutes } from '../../lib';
import { synthObjects } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';
import { ensureNamespaces, expectAcceptedAndLive } from './apply-checked';
import { applyServerSide, deleteNamespace, getLive, liveResourceVersion, resourceType } from './kubectl';

/**
 * The Consul provider against the real API server with Consul's CRDs
 * installed (consul.hashicorp.com, from ../shared/crds/consul through
 * ENGINES_LOCAL_CRDS, see .ci/run): the reference shop, the mesh-traffic
 * scenarios Consul takes, in release order, and the consul-mesh example. No
 * Consul control plane runs here (its module is not served by the proxy), so
 * what is proven is the API server's verdict on every object, with strict
 * field validation, and that nothing is pruned; not Consul's own checks.
 */

const CONSUL_KINDS = ['ProxyDefaults', 'Mesh', 'ServiceDefaults', 'ServiceIntentions', 'ServiceResolver', 'ServiceRouter', 'ServiceSplitter', 'JWTProvider'];
/** The mesh-traffic scenarios Consul refuses at synth (see test/snapshot/consul-mesh.test.ts). */
const CONSUL_REFUSES: readonly MeshScenario[] = ['faults', 'circuit-breaker', 'mirror-v3', 'jwt-rate-limit'];

const isConsul = (o: Manifest) => o.apiVersion === 'consul.hashicorp.com/v1alpha1';
const shop = () => synthObjects(new ShopChart(new App(), 'shop-consul', { environment: 'prod', meshProvider: MeshProvider.consul() }));
const bookstore = () => synthObjects(new ConsulMeshChart(new App(), 'consul-mesh'));
/** What the provider writes for Consul Enterprise only: a local rate limit and locality failover. */
const enterprise = () => {
  const chart = new Chart(new App(), 'consul-enterprise', { namespace: 'consul-enterprise' });
  const mesh = new Mesh(chart, 'Mesh', { provider: MeshProvider.consul({ enterprise: true }) });
  const image = `ghcr.io/immutable-infra/bookstore/catalog@sha256:${'1d2e3f40'.repeat(8)}`;
  const api = new Microservice(chart, 'api', { image, ports: [{ name: 'http', port: 80 }], mesh, allowIngressFrom: [IngressPeer.anywhere()] });
  new ServiceRoutes(chart, 'ApiRoutes', {
    service: api,
    rateLimit: { requests: 100, interval: Duration.seconds(1), burst: 200 },
    localityFailover: { failoverPriority: ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'] },
  });
  return synthObjects(chart);
};
const bookinfo = (scenario: MeshScenario) => synthObjects(new MeshTrafficChart(new App(), 'bookinfo', { mesh: 'consul', scenario, namespace: 'bookinfo-consul' }));

const namespaces = new Set<string>();

afterAll(() => {
  for (const namespace of namespaces) {
    deleteNamespace(namespace);
  }
});

describe('the Consul mesh provider against the real API server (Consul CRDs installed)', () => {
  test('the Consul CRDs are installed and established, so the objects are validated against their schemas', () => {
    for (const plural of ['proxydefaults', 'meshes', 'servicedefaults', 'serviceintentions', 'serviceresolvers', 'servicerouters', 'servicesplitters', 'jwtproviders']) {
      expect({ plural, established: getLive('crd', `${plural}.consul.hashicorp.com`)?.status?.conditions?.find((c: any) => c.type === 'Established')?.status })
        .toEqual({ plural, established: 'True' });
    }
  });

  test.each([
    ['the reference shop (prod)', shop],
    ['the consul-mesh example (a JWTProvider, JWT intentions, a split service)', bookstore],
    ['the Consul Enterprise renderings (a rate limit, prioritizeByLocality)', enterprise],
  ])('%s: every object passes a server-side dry run with strict field validation, then is applied and live', (_, build) => {
    const objects = build();
    // the shop routes no request by content: ServiceDefaults, ServiceIntentions, ServiceResolver, ProxyDefaults and Mesh
    expect(new Set(objects.filter(isConsul).map((o) => o.kind)).size).toBeGreaterThanOrEqual(5);
    // the shop declares its Namespace: created first, as apply-all does, so the dry run has it
    ensureNamespaces(objects.filter((o) => o.kind !== 'Namespace'), namespaces);
    expectAcceptedAndLive(objects);
  });

  test('the mesh-traffic scenarios Consul takes are accepted as releases in order, each updating the last', () => {
    for (const scenario of MESH_SCENARIOS.filter((s) => !CONSUL_REFUSES.includes(s))) {
      const objects = bookinfo(scenario);
      ensureNamespaces(objects, namespaces);
      expectAcceptedAndLive(objects);
    }
  });

  test('the live Consul objects keep every field the provider wrote (nothing pruned as unknown), of every kind', () => {
    const objects = [...shop(), ...bookstore(), ...enterprise()].filter(isConsul);
    expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(CONSUL_KINDS));
    for (const object of objects) {
      const live = getLive(resourceType(object), object.metadata.name!, object.metadata.namespace)!;
      const id = `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
      expect({ id, spec: live.spec }).toMatchObject({ id, spec: object.spec as Record<string, unknown> });
    }
  });

  test('the Deployments carry the injection and revision annotations consul-k8s reads', () => {
    for (const deployment of bookstore().filter((o) => o.kind === 'Deployment')) {
      const live = getLive('deployment', deployment.metadata.name!, deployment.metadata.namespace)!;
      const revision = live.metadata.labels['immutable-infra.dev/revision'];
      expect(live.spec.template.metadata.annotations).toEqual({
        'consul.hashicorp.com/connect-inject': 'true',
        'consul.hashicorp.com/transparent-proxy': 'true',
        'consul.hashicorp.com/service-meta-revision': revision,
      });
    }
  });

  test('applying the same synthesis again changes nothing (deterministic output, no drift)', () => {
    const again = bookstore();
    const before = again.map((o) => liveResourceVersion(o));
    expect(applyServerSide(again).status).toBe(0);
    expect(again.map((o) => liveResourceVersion(o))).toEqual(before);
  });

  test('the API server refuses what the CRDs lack, which the provider never writes: a mirror on a router destination', () => {
    const router = bookstore().find((o) => o.kind === 'ServiceRouter')!;
    const spec = router.spec as any;
    const mirrored = {
      ...router,
      metadata: { name: 'mirrored', namespace: router.metadata.namespace },
      spec: { routes: [{ ...spec.routes[0], destination: { ...spec.routes[0].destination, mirror: { serviceSubset: 'v2' } } }] },
    };
    const result = applyServerSide([mirrored], { dryRun: true });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\.spec\.routes\[0\]\.destination\.mirror: field not declared in schema/);
  });
});
