import { App } from 'cdk8s';
import { FunctionSplitChart } from '../../../examples/function-traffic-split';
import { GatewayCanaryChart } from '../../../examples/gateway-canary';
import { IngressEdgeChart } from '../../../examples/ingress-edge';
import { MeshScenario, MeshTrafficChart } from '../../../examples/mesh-traffic';
import { NightlyCronChart } from '../../../examples/nightly-cron';
import { QueueWorkerChart } from '../../../examples/queue-worker';
import { ThumbnailEventsChart } from '../../../examples/thumbnail-events';
import { TwoRevisionsChart } from '../../../examples/two-revisions';
import { GatewayRendering, Manifest, MeshProvider, readTopology, Topology, TopologyEdge } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { ShopChart } from '../../../stacks/shop/shop-chart';
import { digestImage } from '../../fixtures';
import { deploymentOf, meshCanary } from './graph-fixtures';

/** The edges of a topology as `kind from -> to [label]`, node ids shortened to `kind:name`. */
function edgeLines(topology: Topology, filter: (edge: TopologyEdge) => boolean = () => true): string[] {
  const short = (id: string) => id.replace(/:[^/]*\//, ':');
  return topology.edges.filter(filter).map((e) => `${e.kind} ${short(e.from)} -> ${short(e.to)}${e.label === undefined ? '' : ` [${e.label}]`}`);
}

function node(topology: Topology, id: string) {
  const found = topology.nodes.find((n) => n.id === id);
  if (found === undefined) {
    throw new Error(`no node ${id}; nodes: ${topology.nodes.map((n) => n.id).join(', ')}`);
  }
  return found;
}

const bookinfo = (mesh: 'istio' | 'linkerd', scenario: MeshScenario) => synthObjects(new MeshTrafficChart(new App(), 'bookinfo', { mesh, scenario }));

describe('readTopology: gateways, routes, services, revisions', () => {
  const objects = meshCanary();
  const stable = deploymentOf(objects, 'checkout', digestImage('ghcr.io/acme/checkout', 'a'));
  const canary = deploymentOf(objects, 'checkout', digestImage('ghcr.io/acme/checkout', 'b'));
  const topology = readTopology(objects);

  test('a gateway → its route → the service → its two revisions at 90% and 10% (Istio subsets)', () => {
    expect(edgeLines(topology, (e) => e.kind !== 'dependency')).toEqual([
      'route gateway:edge -> route:edge-checkout [https]',
      'route route:edge-checkout -> service:checkout',
      'traffic service:checkout -> revision:' + canary + ' [10%]',
      'traffic service:checkout -> revision:' + stable + ' [90%]',
      'traffic service:payments -> revision:' + deploymentOf(objects, 'payments', digestImage('ghcr.io/acme/payments', 'c')) + ' [100%]',
    ]);
    expect(topology.edges.find((e) => e.to === `revision:shop/${stable}`)!.percent).toBe(90);
  });

  test('nodes say what they are: listeners of the gateway, the route kind, replicas and subset of a revision', () => {
    expect(node(topology, 'gateway:shop/edge')).toEqual({ id: 'gateway:shop/edge', kind: 'gateway', name: 'edge', namespace: 'shop', type: 'Gateway', details: ['HTTPS :443 shop.example.com'] });
    expect(node(topology, 'route:shop/edge-checkout').type).toBe('HTTPRoute');
    expect(node(topology, `revision:shop/${canary}`).details).toEqual(['1 replica', 'subset canary']);
  });

  test('the same split through Linkerd: its HTTPRoute to the revision Services', () => {
    const linkerd = meshCanary({ provider: MeshProvider.linkerd() });
    const [s, c] = [digestImage('ghcr.io/acme/checkout', 'a'), digestImage('ghcr.io/acme/checkout', 'b')].map((image) => deploymentOf(linkerd, 'checkout', image));
    expect(edgeLines(readTopology(linkerd), (e) => e.from === 'service:shop/checkout' && e.kind === 'traffic')).toEqual([
      `traffic service:checkout -> revision:${c} [10%]`,
      `traffic service:checkout -> revision:${s} [90%]`,
    ]);
  });

  test('an Ingress: a gateway with a line per host, an edge to each Service labelled with its paths', () => {
    const ingress = readTopology(synthObjects(new IngressEdgeChart(new App(), 'ingress-edge')));
    expect(node(ingress, 'gateway:site/edge')).toEqual({ id: 'gateway:site/edge', kind: 'gateway', name: 'edge', namespace: 'site', type: 'Ingress', details: ['HTTPS www.example.com'] });
    expect(edgeLines(ingress, (e) => e.from === 'gateway:site/edge')).toEqual([
      'route gateway:edge -> service:api [/api]',
      'route gateway:edge -> service:web [/healthz | /]',
    ]);
  });

  test('a gateway that splits between revision Services goes to the revisions; the Service alone spreads by replicas', () => {
    for (const rendering of [GatewayRendering.gatewayApi(), GatewayRendering.istio()]) {
      const canaryTopology = readTopology(synthObjects(new GatewayCanaryChart(new App(), 'canary', { rendering })));
      // A revision by its replicas: the stable one runs 3, the canary 1.
      const lines = edgeLines(canaryTopology).map((l) => l.replace(/revision:(\S+)/, (_, name) => `revision(${node(canaryTopology, `revision:edge-canary/${name}`).details[0]})`));
      const route = rendering.kind === 'istio' ? 'route:edge-checkout.example.com' : 'route:edge-checkout';
      expect(lines.sort()).toEqual([
        `route gateway:edge -> ${route}${rendering.kind === 'istio' ? '' : ' [https]'}`,
        `route ${route} -> revision(1 replica) [10%]`,
        `route ${route} -> revision(3 replicas) [90%]`,
        'traffic service:checkout -> revision(1 replica) [25% by replicas]',
        'traffic service:checkout -> revision(3 replicas) [75% by replicas]',
      ]);
    }
  });

  test('one revision without a mesh route gets 100%; a replica-weighted canary a share by replicas', () => {
    const twoRevisions = readTopology(synthObjects(new TwoRevisionsChart(new App(), 'two')));
    expect(twoRevisions.edges.map((e) => [e.label, e.percent]).sort()).toEqual([['25% by replicas', 25], ['75% by replicas', 75]]);
    const single = readTopology(synthObjects(new ShopChart(new App(), 'shop-prod', { environment: 'prod' })));
    expect(single.edges.filter((e) => e.from === 'service:shop-prod/cart' && e.kind === 'traffic').map((e) => [e.label, e.percent])).toEqual([['100%', 100]]);
  });

  test('rules of a user route are named on the edges; a revision no rule reaches gets 0%', () => {
    const lines = edgeLines(readTopology(bookinfo('istio', 'user-v2')), (e) => e.from === 'service:bookinfo/reviews' && e.kind === 'traffic');
    expect(lines.map((l) => l.replace(/reviews-[0-9a-f]{10}/, 'reviews-<rev>')).sort()).toEqual([
      'traffic service:reviews -> revision:reviews-<rev> [0%]',
      'traffic service:reviews -> revision:reviews-<rev> [default: 100%]',
      'traffic service:reviews -> revision:reviews-<rev> [users-v2: 100%]',
    ]);
    const linkerd = edgeLines(readTopology(bookinfo('linkerd', 'user-v2')), (e) => e.from === 'service:bookinfo/reviews' && e.kind === 'traffic');
    expect(linkerd.map((l) => l.replace(/.*\[/, '[')).sort()).toEqual(['[0%]', '[end-user=jason: 100%]', '[otherwise: 100%]']);
  });

  test('a mirror is labelled as such', () => {
    const labels = readTopology(bookinfo('istio', 'mirror-v3')).edges.filter((e) => e.from === 'service:bookinfo/reviews').map((e) => e.label).sort();
    expect(labels).toEqual(['0%', '100%', 'mirror 100%']);
  });
});

describe('readTopology: functions', () => {
  test('a Knative Service → its revisions with their percents; tags on the revisions', () => {
    const chart = new FunctionSplitChart(new App(), 'split');
    const topology = readTopology(synthObjects(chart));
    const traffic = topology.edges.filter((e) => e.from === 'function:pricing/pricing');
    expect(traffic.map((e) => [e.kind, e.label, e.percent])).toEqual(expect.arrayContaining([['traffic', '80%', 80], ['traffic', '20%', 20]]));
    expect(traffic).toHaveLength(2);
    const canary = node(topology, traffic.find((e) => e.percent === 20)!.to);
    expect(canary).toMatchObject({ kind: 'revision', type: 'Knative revision', details: ['tag canary'], name: chart.canary.name });
  });
});

describe('readTopology: events and scaling', () => {
  test('a Broker → its trigger\'s subscriber, labelled with the trigger and its filter; the dead-letter sink', () => {
    const topology = readTopology(synthObjects(new ThumbnailEventsChart(new App(), 'thumbs')));
    expect(edgeLines(topology, (e) => e.kind === 'event')).toEqual([
      'event broker:media -> function:failed-events [thumbnails dead letters]',
      'event broker:media -> function:thumbnail [thumbnails: source=uploads type=image.uploaded]',
    ]);
  });

  test('a PingSource with its schedule → its sink', () => {
    const topology = readTopology(synthObjects(new NightlyCronChart(new App(), 'cron')));
    expect(node(topology, 'source:reports/every-night')).toMatchObject({ type: 'PingSource', details: ['30 2 * * * (Europe/Berlin)'] });
    expect(edgeLines(topology, (e) => e.kind === 'event')).toEqual(['event source:every-night -> function:nightly-report']);
  });

  test('a KEDA ScaledObject with its trigger types → the Deployment it scales', () => {
    const topology = readTopology(synthObjects(new QueueWorkerChart(new App(), 'queue')));
    const scaling = topology.edges.filter((e) => e.kind === 'scaling');
    expect(scaling).toHaveLength(1);
    expect(node(topology, scaling[0].from)).toMatchObject({ kind: 'scaler', type: 'ScaledObject', details: ['rabbitmq', '0–30 replicas'] });
    expect(node(topology, scaling[0].to)).toMatchObject({ kind: 'revision', type: 'Deployment' });
  });

  test('a publisher\'s egress to the broker ingress is an event edge to the brokers of its namespace', () => {
    const topology = readTopology(synthObjects(new ShopChart(new App(), 'shop-prod', { environment: 'prod' })));
    expect(edgeLines(topology, (e) => e.kind === 'event')).toEqual([
      'event broker:shop-events -> function:order-confirmation [order-placed: type=order.placed]',
      'event service:orders -> broker:shop-events [publishes]',
    ]);
  });
});

describe('readTopology: declared dependencies', () => {
  const expected = [
    'dependency service:frontend -> service:cart',
    'dependency service:frontend -> service:catalog',
    'dependency service:frontend -> service:orders',
    'dependency service:orders -> service:cart',
    'dependency service:orders -> service:orders-db',
    'dependency service:orders -> service:payments',
    'dependency service:orders -> service:shipping',
  ];
  const shop = (meshProvider: ConstructorParameters<typeof ShopChart>[2]['meshProvider']) =>
    readTopology(synthObjects(new ShopChart(new App(), 'shop-prod', { environment: 'prod', meshProvider })));

  test('caller → callee, the same from Istio, Linkerd and plain NetworkPolicies', () => {
    expect(edgeLines(shop(MeshProvider.istio()), (e) => e.kind === 'dependency')).toEqual([...expected, 'dependency service:payments -> external:payments.example.com']);
    expect(edgeLines(shop(MeshProvider.linkerd()), (e) => e.kind === 'dependency')).toEqual(expected);
    expect(edgeLines(shop(false), (e) => e.kind === 'dependency')).toEqual(expected);
  });

  test('the same from Consul\'s ServiceIntentions alone (NetworkPolicies left out)', () => {
    const objects = synthObjects(new ShopChart(new App(), 'shop-prod', { environment: 'prod', meshProvider: MeshProvider.consul() }));
    expect(edgeLines(readTopology(objects.filter((o) => o.kind !== 'NetworkPolicy')), (e) => e.kind === 'dependency')).toEqual(expected);
  });

  test('each source alone gives the dependencies (a dist with only one kind of policy)', () => {
    const objects = synthObjects(new ShopChart(new App(), 'shop-prod', { environment: 'prod' }));
    const only = (kind: string) => objects.filter((o) => !['NetworkPolicy', 'AuthorizationPolicy', 'Sidecar'].includes(o.kind) || o.kind === kind);
    for (const kind of ['NetworkPolicy', 'AuthorizationPolicy']) {
      expect(edgeLines(readTopology(only(kind)), (e) => e.kind === 'dependency')).toEqual(expected);
    }
    expect(edgeLines(readTopology(only('Sidecar')), (e) => e.kind === 'dependency')).toEqual([...expected, 'dependency service:payments -> external:payments.example.com']);
  });
});

describe('readTopology: determinism and scope', () => {
  test('the same objects in another order give the same topology', () => {
    const objects = meshCanary();
    const shuffled: Manifest[] = objects.map((o, i) => ({ o, k: (i * 7919) % objects.length })).sort((a, b) => a.k - b.k).map((x) => x.o);
    expect(shuffled).not.toEqual(objects);
    expect(readTopology(shuffled)).toEqual(readTopology(objects));
  });

  test('namespace: only that namespace\'s objects', () => {
    const app = new App();
    const objects = [...synthObjects(new NightlyCronChart(app, 'cron')), ...synthObjects(new ThumbnailEventsChart(app, 'thumbs'))];
    expect([...new Set(readTopology(objects, { namespace: 'media' }).nodes.map((n) => n.namespace))]).toEqual(['media']);
    expect(readTopology(objects, { namespace: 'elsewhere' })).toEqual({ nodes: [], edges: [] });
  });
});
