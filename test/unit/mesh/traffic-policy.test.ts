import { Chart, Duration } from 'cdk8s';
import {
  LabelKeys, LoadBalancing, LoadBalancingAlgorithm, LocalityFailover, Mesh, MESH_DEFAULT_RETRIES, MeshProvider, Microservice, RetryOn, RouteRetries,
  ServiceRoutes, ServiceRoutesProps,
} from '../../../lib';
import { findObject, findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, synthProblemMessages } from '../../fixtures';
import { istioCrdProblems } from './istio-crd-schema';

// Load balancing, locality failover, a circuit breaker alone and the mesh's
// default retries, on each mesh: what Istio writes, what Linkerd writes or refuses.

type Provider = 'istio' | 'linkerd';

function table(provider: Provider, props: Omit<ServiceRoutesProps, 'service'> = {}) {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: provider === 'istio' ? MeshProvider.istio() : MeshProvider.linkerd() });
  const cart = new Microservice(chart, 'cart', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], mesh });
  const stable = cart.revisions[0];
  const routes = new ServiceRoutes(chart, 'routes', { service: cart, ...props });
  return { chart, cart, stable, routes };
}

/** The DestinationRule's traffic policy, once the rule is checked against Istio's CRD schema. */
function trafficPolicy(chart: Chart): any {
  const rule = findObject(synthObjects(chart), { kind: 'DestinationRule', name: 'cart' });
  expect(istioCrdProblems(rule)).toEqual([]);
  return (rule.spec as any).trafficPolicy;
}
const outlierDetection = { consecutiveErrors: 5 };

describe('Istio: load balancing on the DestinationRule', () => {
  test.each<[string, LoadBalancing, unknown]>([
    ['round robin', { algorithm: LoadBalancingAlgorithm.ROUND_ROBIN }, { simple: 'ROUND_ROBIN' }],
    ['least request with slow start', { algorithm: LoadBalancingAlgorithm.LEAST_REQUEST, slowStart: Duration.seconds(30) }, { simple: 'LEAST_REQUEST', warmup: { duration: '30s' } }],
    ['random', { algorithm: LoadBalancingAlgorithm.RANDOM }, { simple: 'RANDOM' }],
    ['slow start alone', { slowStart: Duration.millis(1500) }, { warmup: { duration: '1500ms' } }],
    ['affinity by header (lower-cased)', { sessionAffinity: { header: 'X-User' } }, { consistentHash: { httpHeaderName: 'x-user' } }],
    [
      'affinity by cookie with TTL and path',
      { sessionAffinity: { cookie: { name: 'cart-session', ttl: Duration.hours(1), path: '/' } } },
      { consistentHash: { httpCookie: { name: 'cart-session', ttl: '3600s', path: '/' } } },
    ],
    ['affinity by session cookie', { sessionAffinity: { cookie: { name: 'sid', ttl: Duration.seconds(0) } } }, { consistentHash: { httpCookie: { name: 'sid', ttl: '0s' } } }],
    ['affinity by source IP', { sessionAffinity: { sourceIp: true } }, { consistentHash: { useSourceIp: true } }],
    ['affinity by query parameter', { sessionAffinity: { queryParameter: 'user' } }, { consistentHash: { httpQueryParameterName: 'user' } }],
  ])('%s', (_, loadBalancing, loadBalancer) => {
    const { chart, routes, stable } = table('istio', { loadBalancing });
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(trafficPolicy(chart)).toEqual({ tls: { mode: 'ISTIO_MUTUAL' }, loadBalancer });
  });

  test('locality failover with the outlier detection it needs: localityLbSetting beside the ejection', () => {
    const localityFailover: LocalityFailover = {
      failover: [{ from: 'us-east1', to: 'us-west1' }],
      failoverPriority: ['example.com/rack'],
    };
    const { chart, routes, stable } = table('istio', { localityFailover, circuitBreaker: { outlierDetection } });
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(trafficPolicy(chart)).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      outlierDetection: { consecutive5xxErrors: 5 },
      loadBalancer: {
        localityLbSetting: {
          enabled: true,
          failover: [{ from: 'us-east1', to: 'us-west1' }],
          failoverPriority: ['example.com/rack'],
        },
      },
    });
  });

  test('a locality distribution needs no outlier detection, and sits beside session affinity', () => {
    const { chart, routes, stable } = table('istio', {
      loadBalancing: { sessionAffinity: { sourceIp: true } },
      localityFailover: { distribute: [{ from: 'us-east1/*', to: { 'us-east1/*': 80, 'us-west1/*': 20 } }] },
    });
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(trafficPolicy(chart).loadBalancer).toEqual({
      consistentHash: { useSourceIp: true },
      localityLbSetting: { enabled: true, distribute: [{ from: 'us-east1/*', to: { 'us-east1/*': 80, 'us-west1/*': 20 } }] },
    });
  });

  test.each<[string, Omit<ServiceRoutesProps, 'service'>, RegExp]>([
    [
      'slow start comes with random balancing',
      { loadBalancing: { algorithm: LoadBalancingAlgorithm.RANDOM, slowStart: Duration.seconds(10) } },
      /^loadBalancing\.slowStart of cart comes with algorithm 'random', which istio does not warm up .*; drop slowStart or balance by round robin or least request$/,
    ],
    [
      'slow start comes with session affinity',
      { loadBalancing: { sessionAffinity: { header: 'x-user' }, slowStart: Duration.seconds(10) } },
      /^loadBalancing\.slowStart of cart comes with sessionAffinity, which istio does not warm up/,
    ],
    [
      'a failover has no outlier detection',
      { localityFailover: { failover: [{ from: 'us-east1', to: 'us-west1' }] } },
      /^localityFailover of cart fails over without circuitBreaker\.outlierDetection, which istio ignores .*; add circuitBreaker: \{ outlierDetection/,
    ],
    [
      'a region failover comes with a locality label in the failover priority',
      { localityFailover: { failover: [{ from: 'a', to: 'b' }], failoverPriority: ['example.com/rack', 'topology.kubernetes.io/zone'] }, circuitBreaker: { outlierDetection } },
      /^localityFailover of cart sets failover beside failoverPriority 'topology\.kubernetes\.io\/zone', which istio refuses .*; drop/,
    ],
    [
      'a failover priority has no outlier detection',
      { localityFailover: { failoverPriority: ['topology.kubernetes.io/zone'] }, circuitBreaker: { maxConnections: 10 } },
      /^localityFailover of cart fails over without circuitBreaker\.outlierDetection/,
    ],
  ])('fails when %s', (_, props, message) => {
    const { chart, routes, stable } = table('istio', props);
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(message)]);
  });
});

describe('a circuit breaker on a service without routes', () => {
  test('Istio: the DestinationRule alone, no VirtualService, so Istio keeps its own retries', () => {
    const { chart, stable } = table('istio', { circuitBreaker: { maxConnections: 100, outlierDetection } });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'VirtualService' })).toEqual([]);
    const rule = findObject(objects, { kind: 'DestinationRule', name: 'cart' }).spec as any;
    expect(rule.trafficPolicy).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      connectionPool: { tcp: { maxConnections: 100 } },
      outlierDetection: { consecutive5xxErrors: 5 },
    });
    expect(rule.subsets).toEqual([{ name: stable.track, labels: { [LabelKeys.REVISION]: stable.revisionId } }]);
  });

  test('Istio: the first route brings the VirtualService', () => {
    const { chart, routes, stable } = table('istio', { loadBalancing: { algorithm: LoadBalancingAlgorithm.ROUND_ROBIN } });
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(findObjects(synthObjects(chart), { kind: 'VirtualService', name: 'cart' })).toHaveLength(1);
  });

  test('Linkerd: the failure accrual annotations alone, no HTTPRoute', () => {
    const { chart } = table('linkerd', { circuitBreaker: { outlierDetection } });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'HTTPRoute' })).toEqual([]);
    expect(findObject(objects, { kind: 'Service', name: 'cart' }).metadata.annotations).toEqual({
      'balancer.linkerd.io/failure-accrual': 'consecutive',
      'balancer.linkerd.io/failure-accrual-consecutive-max-failures': '5',
    });
  });
});

describe('retries as users write them', () => {
  const istioRetries = (retries: RouteRetries | undefined) => {
    const { chart, routes, stable } = table('istio');
    routes.addRoute('default', { backends: [{ revision: stable }], retries });
    return (findObject(synthObjects(chart), { kind: 'VirtualService', name: 'cart' }).spec as any).http[0];
  };

  test("Istio: MESH_DEFAULT_RETRIES writes no retries, so Istio's default applies; none at all turns them off", () => {
    expect(istioRetries(MESH_DEFAULT_RETRIES)).not.toHaveProperty('retries');
    expect(istioRetries(undefined).retries).toEqual({ attempts: 0 });
  });

  test("Istio: every Envoy condition, gRPC's included, and statuses as retriable status codes", () => {
    const route = istioRetries({
      attempts: 2,
      retryOn: [RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM, RetryOn.GRPC_UNAVAILABLE, RetryOn.GRPC_CANCELLED, RetryOn.RETRIABLE_STATUS_CODES,
        RetryOn.GRPC_RESOURCE_EXHAUSTED, RetryOn.GRPC_DEADLINE_EXCEEDED],
      statusCodes: [503, 429, 503],
    });
    expect(route.retries).toEqual({
      attempts: 2,
      retryOn: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes,resource-exhausted,deadline-exceeded,503,429',
    });
  });

  test('Istio: a fault beside MESH_DEFAULT_RETRIES is refused as retries beside a fault are (Istio retries nothing while faults are on)', () => {
    const { chart, routes, stable } = table('istio');
    routes.addRoute('default', { backends: [{ revision: stable }], retries: MESH_DEFAULT_RETRIES, fault: { abort: { httpStatus: 503, percentage: 1 } } });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(/^route 'default' of cart injects faults and also sets a timeout or retries/)]);
  });

  test('Linkerd: MESH_DEFAULT_RETRIES is no retries (no annotation); statuses join retry.linkerd.io/http', () => {
    const annotations = (retries: RouteRetries) => {
      const { chart, routes, stable } = table('linkerd');
      routes.addRoute('default', { backends: [{ revision: stable }], retries });
      return findObject(synthObjects(chart), { kind: 'HTTPRoute' }).metadata.annotations ?? {};
    };
    expect(annotations(MESH_DEFAULT_RETRIES)).toEqual({});
    expect(annotations({ attempts: 3, statusCodes: [503, 429] })).toEqual({ 'retry.linkerd.io/http': '503,429', 'retry.linkerd.io/limit': '3' });
    expect(annotations({ attempts: 3, retryOn: [RetryOn.GATEWAY_ERROR], statusCodes: [429] })).toEqual({
      'retry.linkerd.io/http': 'gateway-error,429',
      'retry.linkerd.io/limit': '3',
    });
  });
});

describe('Linkerd refuses what its EWMA balancer cannot do', () => {
  test.each<[string, Omit<ServiceRoutesProps, 'service'>, RegExp]>([
    ['an algorithm is chosen', { loadBalancing: { algorithm: LoadBalancingAlgorithm.ROUND_ROBIN } }, /^loadBalancing\.algorithm 'round-robin' of cart cannot be expressed in linkerd: linkerd balances every service by EWMA \(latency-weighted\) only; drop the algorithm$/],
    ['a session affinity is asked for', { loadBalancing: { sessionAffinity: { cookie: { name: 'sid' } } } }, /^loadBalancing\.sessionAffinity of cart cannot be expressed in linkerd: .*EWMA.*no consistent hashing/],
    ['a slow start is asked for', { loadBalancing: { slowStart: Duration.seconds(5) } }, /^loadBalancing\.slowStart of cart cannot be expressed in linkerd: .*no warm-up/],
    ['a locality distribution is asked for', { localityFailover: { distribute: [{ from: 'a', to: { a: 100 } }] } }, /^localityFailover of cart cannot be expressed in linkerd, which has no locality failover/],
  ])('fails when %s', (_, props, message) => {
    const { chart, routes, stable } = table('linkerd', props);
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(message)]);
  });
});
