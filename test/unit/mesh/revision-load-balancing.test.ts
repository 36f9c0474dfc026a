import { Duration } from 'cdk8s';
import {
  LabelKeys, LoadBalancing, LoadBalancingAlgorithm, Mesh, MeshProvider, Microservice, ServiceRoutes, ServiceRoutesProps, ValidationError,
} from '../../../lib';
import { findObject, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, synthProblemMessages, validationErrorOf } from '../../fixtures';
import { istioCrdProblems } from './istio-crd-schema';

// A revision's own load balancing (ServiceRoutes.addRevisionLoadBalancing):
// Istio's DestinationRule subset, and the refusals of every other backend.

type Provider = 'istio' | 'istio-gateway-api' | 'linkerd' | 'consul';

function provider(name: Provider) {
  switch (name) {
    case 'istio':
      return MeshProvider.istio();
    case 'istio-gateway-api':
      return MeshProvider.istio({ routes: 'gateway-api' });
    case 'linkerd':
      return MeshProvider.linkerd();
    case 'consul':
      return MeshProvider.consul();
  }
}

/** Service 'cart' with a stable and a canary revision, and its routing table. */
function table(name: Provider, props: Omit<ServiceRoutesProps, 'service'> = {}) {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: provider(name) });
  const cart = new Microservice(chart, 'cart', { image: digestImage(), ports: [{ name: 'http', port: 80, containerPort: 8080 }], mesh });
  const stable = cart.revisions[0];
  const canary = cart.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
  const routes = new ServiceRoutes(chart, 'routes', { service: cart, ...props });
  return { chart, cart, stable, canary, routes };
}

/** The DestinationRule's spec, once checked against Istio's CRD schema. */
function destinationRule(chart: ReturnType<typeof newChart>): any {
  const rule = findObject(synthObjects(chart), { kind: 'DestinationRule', name: 'cart' });
  expect(istioCrdProblems(rule)).toEqual([]);
  return rule.spec;
}

describe('Istio: a revision with load balancing of its own', () => {
  test.each<[string, LoadBalancing, Record<string, unknown>]>([
    ['slow start', { slowStart: Duration.seconds(45) }, { warmup: { duration: '45s' } }],
    ['round robin warmed up', { algorithm: LoadBalancingAlgorithm.ROUND_ROBIN, slowStart: Duration.seconds(30) }, { simple: 'ROUND_ROBIN', warmup: { duration: '30s' } }],
    ['cookie affinity', { sessionAffinity: { cookie: { name: 'cart', ttl: Duration.hours(1) } } }, { consistentHash: { httpCookie: { name: 'cart', ttl: '3600s' } } }],
  ])("%s: the revision's subset gets trafficPolicy.loadBalancer, the other subsets none", (_, lb, loadBalancer) => {
    const { chart, routes, stable, canary } = table('istio');
    routes.addRevisionLoadBalancing(canary, lb);
    routes.addRoute('default', { backends: [{ revision: stable, weight: 90 }, { revision: canary, weight: 10 }] });
    const spec = destinationRule(chart);
    expect(spec.trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
    expect(spec.subsets).toEqual([
      { name: 'stable', labels: { [LabelKeys.REVISION]: stable.revisionId } },
      { name: 'canary', labels: { [LabelKeys.REVISION]: canary.revisionId }, trafficPolicy: { loadBalancer } },
    ]);
  });

  test("the subset's loadBalancer replaces the service's as a whole, and carries the service's locality failover", () => {
    const { chart, routes, stable, canary } = table('istio', {
      loadBalancing: { sessionAffinity: { header: 'x-user' } },
      localityFailover: { failoverPriority: ['topology.kubernetes.io/region'] },
      circuitBreaker: { outlierDetection: { consecutiveErrors: 5 } },
    });
    routes.addRevisionLoadBalancing(canary, { algorithm: LoadBalancingAlgorithm.LEAST_REQUEST, slowStart: Duration.seconds(20) });
    routes.addRoute('default', { backends: [{ revision: stable }, { revision: canary }] });
    const spec = destinationRule(chart);
    const locality = { enabled: true, failoverPriority: ['topology.kubernetes.io/region'] };
    expect(spec.trafficPolicy.loadBalancer).toEqual({ consistentHash: { httpHeaderName: 'x-user' }, localityLbSetting: locality });
    expect(spec.trafficPolicy.outlierDetection).toEqual({ consecutive5xxErrors: 5 });
    expect(spec.subsets[1].trafficPolicy).toEqual({
      loadBalancer: { simple: 'LEAST_REQUEST', warmup: { duration: '20s' }, localityLbSetting: locality },
    });
  });

  test('fails at synth when no route sends to the revision, since Istio applies a subset policy only to traffic routed to the subset', () => {
    const { chart, routes, stable, canary } = table('istio');
    routes.addRevisionLoadBalancing(canary, { slowStart: Duration.seconds(30) });
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(synthProblemMessages(chart)).toEqual([
      "revision 'canary' of cart has load balancing of its own, but no route sends to it, and istio applies a subset's policy only to the " +
        "requests a route sends to that subset (the others go to the service's host with its top-level policy); add a route with revision " +
        "'canary' as a backend, or drop addRevisionLoadBalancing",
    ]);
  });

  test('a mirror sends to the revision too: its subset policy applies', () => {
    const { chart, routes, stable, canary } = table('istio');
    routes.addRevisionLoadBalancing(canary, { slowStart: Duration.seconds(30) });
    routes.addRoute('default', { backends: [{ revision: stable }], mirror: { revision: canary, percentage: 10 } });
    expect(synthProblemMessages(chart)).toEqual([]);
    expect(destinationRule(chart).subsets[1].trafficPolicy).toEqual({ loadBalancer: { warmup: { duration: '30s' } } });
  });

  test.each<[string, LoadBalancing, RegExp]>([
    ['slow start with random balancing', { algorithm: LoadBalancingAlgorithm.RANDOM, slowStart: Duration.seconds(10) },
      /^loadBalancing\.slowStart of revision 'canary' of cart comes with algorithm 'random', which istio does not warm up .*; drop slowStart/],
    ['slow start with session affinity', { sessionAffinity: { sourceIp: true }, slowStart: Duration.seconds(10) },
      /^loadBalancing\.slowStart of revision 'canary' of cart comes with sessionAffinity, which istio does not warm up/],
  ])('fails at synth when the revision asks for %s (the service-level check, per revision)', (_, lb, message) => {
    const { chart, routes, canary } = table('istio');
    routes.addRevisionLoadBalancing(canary, lb);
    routes.addRoute('default', { backends: [{ revision: canary }] });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(message)]);
  });
});

describe('what the other backends refuse, at synth', () => {
  test.each<[Provider, RegExp]>([
    ['linkerd', /^revision 'canary' of cart has load balancing of its own, which cannot be expressed in linkerd: linkerd balances every service by EWMA .*; drop addRevisionLoadBalancing$/],
    ['consul', /^revision 'canary' of cart has load balancing of its own, which cannot be expressed in consul: a ServiceResolver has one loadBalancer for the service, which every subset \(revision\) shares/],
    ['istio-gateway-api', /^revision 'canary' of cart has load balancing of its own, which istio \(gateway-api routes\) cannot apply: .*per-revision Services/],
  ])('%s refuses a revision with load balancing of its own', (name, message) => {
    const { chart, routes, canary } = table(name);
    routes.addRevisionLoadBalancing(canary, { algorithm: LoadBalancingAlgorithm.ROUND_ROBIN });
    expect(synthProblemMessages(chart)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });
});

describe('addRevisionLoadBalancing: what it refuses at once', () => {
  test.each<[string, (t: ReturnType<typeof table>) => unknown, RegExp]>([
    ['a revision of another service', (t) => {
      const other = new Microservice(t.chart, 'other', { image: digestImage(), ports: [{ port: 80 }], mesh: t.cart.mesh as Mesh });
      t.routes.addRevisionLoadBalancing(other.revisions[0], { slowStart: Duration.seconds(5) });
    }, /addRevisionLoadBalancing revision '.*other\/stable' is not a live revision of cart \(live: stable, canary\)/],
    ['no revision at all', (t) => t.routes.addRevisionLoadBalancing(undefined as never, { slowStart: Duration.seconds(5) }),
      /addRevisionLoadBalancing revision must be a Revision \(from cart\.revisions or addRevision\), got undefined/],
    ['a revision twice', (t) => {
      t.routes.addRevisionLoadBalancing(t.canary, { slowStart: Duration.seconds(5) });
      t.routes.addRevisionLoadBalancing(t.canary, { algorithm: LoadBalancingAlgorithm.RANDOM });
    }, /revision 'canary' of cart has load balancing already; give each revision one policy with all its fields/],
    ['an empty policy', (t) => t.routes.addRevisionLoadBalancing(t.canary, {}), /revision 'canary' loadBalancing is empty; set algorithm, sessionAffinity or slowStart/],
    ['an algorithm beside affinity', (t) => t.routes.addRevisionLoadBalancing(t.canary, { algorithm: LoadBalancingAlgorithm.RANDOM, sessionAffinity: { sourceIp: true } }),
      /revision 'canary' loadBalancing sets algorithm 'random' and sessionAffinity/],
    ['an unknown key', (t) => t.routes.addRevisionLoadBalancing(t.canary, { slowstart: Duration.seconds(5) } as never), /revision 'canary' loadBalancing slowstart/],
  ])('fails when given %s', (_, build, message) => {
    const t = table('istio');
    const error = validationErrorOf(() => build(t));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.detail).toMatch(message);
  });
});
