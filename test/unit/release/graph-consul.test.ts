import { App, Chart } from 'cdk8s';
import { ConsulMeshChart } from '../../../examples/consul-mesh';
import { MESH_SCENARIOS, MeshTrafficChart } from '../../../examples/mesh-traffic';
import { Manifest, Mesh, MeshProvider, Microservice, PathMatch, readTopology, renderMermaid, ServiceRoutes, Topology } from '../../../lib';
import { consulMatchLabel } from '../../../lib/release/graph/route-labels';
import { synthObjects } from '../../../lib/testing';
import { digestImage } from '../../fixtures';

/** The edges of a topology as `kind from -> to [label]`, node ids shortened to `kind:name`. */
function edgeLines(topology: Topology, kind: string): string[] {
  const short = (id: string) => id.replace(/:[^/]*\//, ':');
  return topology.edges.filter((e) => e.kind === kind).map((e) => `${e.kind} ${short(e.from)} -> ${short(e.to)}${e.label === undefined ? '' : ` [${e.label}]`}`);
}

/** The name of the Deployment of a service whose pods run this image. */
function deploymentOf(objects: readonly Manifest[], image: string): string {
  const found = objects.filter((o) => o.kind === 'Deployment' && JSON.stringify((o as any).spec.template.spec.containers).includes(image));
  expect(found).toHaveLength(1);
  return found[0].metadata.name!;
}

describe('readTopology: the Consul mesh (examples/consul-mesh.ts)', () => {
  const objects = synthObjects(new ConsulMeshChart(new App(), 'consul-mesh'));
  const catalog = (digest: string) => deploymentOf(objects, `catalog@sha256:${digest}`);
  const v1 = catalog('1d2e3f40');
  const v2 = catalog('2e3f4051');
  const topology = readTopology(objects);

  test('each revision gets its shares: the testers\' 80/20 through their split service, the others\' 90/10 from the ServiceSplitter', () => {
    expect(edgeLines(topology, 'traffic')).toEqual([
      `traffic service:books-db -> revision:${deploymentOf(objects, 'books@')} [100%]`,
      `traffic service:cart -> revision:${deploymentOf(objects, 'cart@')} [100%]`,
      `traffic service:catalog -> revision:${v1} [x-tester=yes: 20%, otherwise: 90%]`,
      `traffic service:catalog -> revision:${v2} [x-tester=yes: 80%, otherwise: 10%]`,
      `traffic service:storefront -> revision:${deploymentOf(objects, 'storefront@')} [100%]`,
    ]);
    expect(topology.edges.filter((e) => e.from === 'service:bookstore/catalog' && e.kind === 'traffic').map((e) => e.percent)).toEqual(
      v1 < v2 ? [90, 80] : [80, 90],
    );
  });

  test('the revisions name their ServiceResolver subsets; the split service is no service of its own', () => {
    expect(topology.nodes.find((n) => n.id === `revision:bookstore/${v2}`)!.details).toEqual(['1 replica', 'subset v2']);
    expect(topology.nodes.find((n) => n.id === `revision:bookstore/${deploymentOf(objects, 'books@')}`)!.details).toEqual(['1 replica', 'subset stable']);
    expect(topology.nodes.filter((n) => n.name.includes('split'))).toEqual([]);
    expect(topology.nodes.filter((n) => n.kind === 'service').map((n) => n.name)).toEqual(['books-db', 'cart', 'catalog', 'storefront']);
  });

  test('the callers come from the ServiceIntentions alone (without NetworkPolicies); none without them', () => {
    const expected = [
      'dependency service:catalog -> service:books-db',
      'dependency service:storefront -> service:cart',
      'dependency service:storefront -> service:catalog',
    ];
    expect(edgeLines(topology, 'dependency')).toEqual(expected);
    const withoutNetworkPolicies = objects.filter((o) => o.kind !== 'NetworkPolicy');
    expect(edgeLines(readTopology(withoutNetworkPolicies), 'dependency')).toEqual(expected);
    expect(edgeLines(readTopology(withoutNetworkPolicies.filter((o) => o.kind !== 'ServiceIntentions')), 'dependency')).toEqual([]);
  });

  test('the mermaid picture shows the shares and the callers', () => {
    const mermaid = renderMermaid(topology);
    const id = (name: string) => name.replace(/-/g, '_');
    expect(mermaid).toContain(`service_bookstore_catalog-->|"x-tester=yes: 80%, otherwise: 10%"|revision_bookstore_${id(v2)}\n`);
    expect(mermaid).toContain(`service_bookstore_catalog-->|"x-tester=yes: 20%, otherwise: 90%"|revision_bookstore_${id(v1)}\n`);
    expect(mermaid).toContain('service_bookstore_storefront-.->service_bookstore_cart\n');
    expect(mermaid).toContain('service_bookstore_catalog-.->service_bookstore_books_db\n');
    expect(mermaid).toContain('subset v2');
    expect(mermaid).not.toContain('split');
  });

  test('splitters that send to each other end: the chain stops at a splitter already on the way, reaching no subset (shares by replicas)', () => {
    const looped = objects.map((o) => (o.kind !== 'ServiceSplitter' ? o : {
      ...o,
      spec: { splits: [{ weight: 100, service: o.metadata.name === 'catalog' ? 'catalog-split-testers' : 'catalog' }] },
    }));
    expect(edgeLines(readTopology(looped), 'traffic').filter((l) => l.includes('service:catalog '))).toEqual([
      `traffic service:catalog -> revision:${v1} [66.7% by replicas]`,
      `traffic service:catalog -> revision:${v2} [33.3% by replicas]`,
    ].sort());
  });

  test('the same objects in another order give the same topology', () => {
    expect(readTopology([...objects].reverse())).toEqual(topology);
  });
});

describe('readTopology: Consul routes', () => {
  test('a path route splitting through its split service: its exact and prefix routes are one rule, labelled by the path', () => {
    const chart = new Chart(new App(), 'shop', { namespace: 'shop' });
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.consul() });
    const ports = [{ name: 'http', port: 80, containerPort: 8080 }];
    const orders = new Microservice(chart, 'orders', { image: digestImage('ghcr.io/acme/orders', 'a'), ports, mesh, track: 'stable' });
    const beta = orders.addRevision('beta', { image: digestImage('ghcr.io/acme/orders', 'b') });
    const routes = new ServiceRoutes(chart, 'OrdersRoutes', { service: orders });
    routes.addRoute('beta', { matches: [{ path: PathMatch.prefix('/beta') }], backends: [{ revision: beta, weight: 70 }, { revision: orders.revisions[0], weight: 30 }] });
    routes.addRoute('default', { backends: [{ revision: orders.revisions[0] }] });
    const objects = synthObjects(chart);
    const [stable, canary] = ['a', 'b'].map((d) => deploymentOf(objects, digestImage('ghcr.io/acme/orders', d)));
    expect(edgeLines(readTopology(objects), 'traffic')).toEqual([
      `traffic service:orders -> revision:${canary} [/beta: 70%]`,
      `traffic service:orders -> revision:${stable} [/beta: 30%, otherwise: 100%]`,
    ].sort());
  });

  test('bookinfo on Consul has the shares Linkerd gives it in every scenario both can express', () => {
    const labels = (mesh: 'linkerd' | 'consul', scenario: (typeof MESH_SCENARIOS)[number]) =>
      edgeLines(readTopology(synthObjects(new MeshTrafficChart(new App(), 'bookinfo', { mesh, scenario }))), 'traffic').map((l) => l.replace(/-[0-9a-f]{10} /, ' ')).sort();
    for (const scenario of ['all-v1', 'user-v2', 'split-v1-v3', 'all-v3'] as const) {
      expect(labels('consul', scenario)).toEqual(labels('linkerd', scenario));
    }
    expect(labels('consul', 'user-v2')).toContain('traffic service:reviews -> revision:reviews [end-user=jason: 100%]');
  });

  test('a ServiceRouter match, short', () => {
    const route = (http: object) => ({ match: { http } });
    expect(consulMatchLabel([route({ pathExact: '/api' }), route({ pathPrefix: '/api/' })])).toBe('/api');
    expect(consulMatchLabel([route({ methods: ['GET', 'HEAD'], pathRegex: '/v[0-9]+' })])).toBe('GET,HEAD ~/v[0-9]+');
    expect(consulMatchLabel([route({ header: [{ name: 'a', prefix: 'x' }, { name: 'b', suffix: 'y' }, { name: 'c', regex: 'z.*' }, { name: 'd', present: true, invert: true }] })]))
      .toBe('a=x* b=*y c~z.* !d');
    expect(consulMatchLabel([route({ queryParam: [{ name: 'q', exact: '1' }] }), route({ pathPrefix: '/x/' })])).toBe('?q=1 | /x');
    expect(consulMatchLabel([route({ pathPrefix: '/x/' }), {}])).toBe('');
  });
});
