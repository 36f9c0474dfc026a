import { Chart, Duration } from 'cdk8s';
import { CircuitBreaker, HeaderMatch, LabelKeys, Mesh, MeshProvider, Microservice, MicroserviceProps, PathMatch, QueryParamMatch, RetryOn, RouteProps, ServiceRoutes } from '../../../lib';
import { schemaErrors } from '../../../lib/internal';
import { findObject, findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, synthProblems, validationErrorOf } from '../../fixtures';

const web: MicroserviceProps = { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }] };
const HOST = 'reviews.test.svc.cluster.local';

/** `reviews` with revisions stable, canary and preview in an Istio mesh, and its routing table at test/routes. */
function reviewsRoutes(circuitBreaker?: CircuitBreaker) {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
  const reviews = new Microservice(chart, 'reviews', { ...web, mesh });
  const stable = reviews.revisions[0];
  const canary = reviews.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
  const preview = reviews.addRevision('preview', { image: digestImage('ghcr.io/acme/app', 'c') });
  const routes = new ServiceRoutes(chart, 'routes', { service: reviews, circuitBreaker });
  return { chart, mesh, reviews, stable, canary, preview, routes };
}

const destinationRule = (chart: Chart) => findObject(synthObjects(chart), { kind: 'DestinationRule', name: 'reviews' });
const virtualService = (chart: Chart) => findObject(synthObjects(chart), { kind: 'VirtualService', name: 'reviews' });
const httpRoutes = (chart: Chart): any[] => (virtualService(chart).spec as any).http;
const to = (subset: string, weight: number) => ({ destination: { host: HOST, subset }, weight });

/** The one compiled route of a table with one catch-all route built from `props`. */
function compiled(props: (shop: ReturnType<typeof reviewsRoutes>) => RouteProps): any {
  const shop = reviewsRoutes();
  shop.routes.addRoute('default', props(shop));
  return httpRoutes(shop.chart)[0];
}

/** The `match` of a route with these matches (plus a catch-all after it). */
function istioMatch(matches: RouteProps['matches']): any[] {
  const { chart, routes, stable } = reviewsRoutes();
  routes.addRoute('r', { matches, backends: [{ revision: stable }] });
  routes.addRoute('default', { backends: [{ revision: stable }] });
  return httpRoutes(chart)[0].match;
}

describe('Istio DestinationRule', () => {
  test('one subset per live revision, selected by its revision id and named by its track; mTLS to every subset', () => {
    const { chart, reviews, stable, canary, preview, routes } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable }] });
    const rule = destinationRule(chart);
    expect(rule.apiVersion).toBe('networking.istio.io/v1beta1');
    expect(rule.metadata).toEqual({ name: 'reviews', namespace: 'test', labels: reviews.labels });
    expect(rule.spec).toEqual({
      host: HOST,
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [
        { name: 'stable', labels: { 'immutable-infra.dev/revision': stable.revisionId } },
        { name: 'canary', labels: { 'immutable-infra.dev/revision': canary.revisionId } },
        { name: 'preview', labels: { 'immutable-infra.dev/revision': preview.revisionId } },
      ],
    });
    expect(LabelKeys.REVISION).toBe('immutable-infra.dev/revision');
    expect(new Set([stable.revisionId, canary.revisionId, preview.revisionId]).size).toBe(3);
  });

  test('the subset labels select the pods of their revision', () => {
    const { chart, stable, canary, routes } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable }] });
    const objects = synthObjects(chart);
    const subsets = (findObject(objects, { kind: 'DestinationRule' }).spec as any).subsets;
    for (const revision of [stable, canary]) {
      const deployment = findObject(objects, { kind: 'Deployment', name: revision.name });
      const podLabels = (deployment.spec as any).template.metadata.labels;
      const subset = subsets.find((s: any) => s.name === revision.track);
      expect(podLabels).toMatchObject(subset.labels);
    }
  });

  test('a revision added after the routes still gets a subset', () => {
    const { chart, reviews, stable, routes } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable }] });
    const late = reviews.addRevision('late', { image: digestImage('ghcr.io/acme/app', 'd') });
    const subsets = (destinationRule(chart).spec as any).subsets;
    expect(subsets.map((s: any) => s.name)).toEqual(['stable', 'canary', 'preview', 'late']);
    expect(subsets[3].labels).toEqual({ [LabelKeys.REVISION]: late.revisionId });
  });

  test('the circuit breaker becomes connection pool limits and outlier detection', () => {
    const { chart, stable, routes } = reviewsRoutes({
      maxConnections: 100,
      maxPendingRequests: 10,
      maxRequestsPerConnection: 1,
      outlierDetection: { consecutiveErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.millis(1500), maxEjectionPercent: 50 },
    });
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect((destinationRule(chart).spec as any).trafficPolicy).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 10, maxRequestsPerConnection: 1 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '1500ms', maxEjectionPercent: 50 },
    });
  });

  test('a circuit breaker sets only what it names', () => {
    const http = reviewsRoutes({ maxRequestsPerConnection: 1 });
    http.routes.addRoute('default', { backends: [{ revision: http.stable }] });
    expect((destinationRule(http.chart).spec as any).trafficPolicy).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      connectionPool: { http: { maxRequestsPerConnection: 1 } },
    });
    const outlier = reviewsRoutes({ outlierDetection: { consecutiveErrors: 3 } });
    outlier.routes.addRoute('default', { backends: [{ revision: outlier.stable }] });
    expect((destinationRule(outlier.chart).spec as any).trafficPolicy).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      outlierDetection: { consecutive5xxErrors: 3 },
    });
  });
});

describe('Istio VirtualService', () => {
  test('routes in declaration order, each named, for the service host', () => {
    const { chart, reviews, stable, canary, routes } = reviewsRoutes();
    routes.addRoute('tester', { matches: [{ headers: [HeaderMatch.exact('end-user', 'jason')] }], backends: [{ revision: canary }] });
    routes.addRoute('api', { matches: [{ path: PathMatch.exact('/api') }], backends: [{ revision: stable }] });
    routes.addRoute('default', { backends: [{ revision: stable }] });
    const service = virtualService(chart);
    expect(service.apiVersion).toBe('networking.istio.io/v1beta1');
    expect(service.metadata).toEqual({ name: 'reviews', namespace: 'test', labels: reviews.labels });
    expect((service.spec as any).hosts).toEqual([HOST]);
    expect(httpRoutes(chart).map((r) => r.name)).toEqual(['tester', 'api', 'default']);
    expect(httpRoutes(chart).map((r) => r.route)).toEqual([[to('canary', 100)], [to('stable', 100)], [to('stable', 100)]]);
  });

  test('a catch-all route has no match', () => {
    expect(compiled((s) => ({ backends: [{ revision: s.stable }] }))).not.toHaveProperty('match');
  });

  test('a path prefix matches whole segments: an exact match plus a prefix ending in /', () => {
    expect(istioMatch([{ path: PathMatch.prefix('/api') }])).toEqual([{ uri: { exact: '/api' } }, { uri: { prefix: '/api/' } }]);
    expect(istioMatch([{ path: PathMatch.prefix('/api/v1/') }])).toEqual([{ uri: { exact: '/api/v1' } }, { uri: { prefix: '/api/v1/' } }]);
    expect(istioMatch([{ path: PathMatch.prefix('/') }])).toEqual([{ uri: { prefix: '/' } }]);
  });

  test('the other conditions are repeated on both halves of an expanded prefix', () => {
    expect(istioMatch([{ path: PathMatch.prefix('/api'), method: 'POST', headers: [HeaderMatch.exact('X-Env', 'ci')] }])).toEqual([
      { uri: { exact: '/api' }, method: { exact: 'POST' }, headers: { 'x-env': { exact: 'ci' } } },
      { uri: { prefix: '/api/' }, method: { exact: 'POST' }, headers: { 'x-env': { exact: 'ci' } } },
    ]);
  });

  test('exact and regex paths, headers (lower-cased), method and query parameters', () => {
    expect(
      istioMatch([
        { path: PathMatch.exact('/login') },
        { path: PathMatch.regex('/items/[0-9]+') },
        { headers: [HeaderMatch.exact('End-User', 'jason'), HeaderMatch.regex('User-Agent', '.*Chrome.*')] },
        { method: 'DELETE' },
        { queryParams: [QueryParamMatch.exact('Version', 'v2'), QueryParamMatch.regex('id', '[0-9]+')] },
      ]),
    ).toEqual([
      { uri: { exact: '/login' } },
      { uri: { regex: '/items/[0-9]+' } },
      { headers: { 'end-user': { exact: 'jason' }, 'user-agent': { regex: '.*Chrome.*' } } },
      { method: { exact: 'DELETE' } },
      { queryParams: { Version: { exact: 'v2' }, id: { regex: '[0-9]+' } } },
    ]);
  });

  test('several matches keep their order, prefixes expanded in place', () => {
    expect(istioMatch([{ method: 'GET' }, { path: PathMatch.prefix('/a') }, { path: PathMatch.exact('/b') }])).toEqual([
      { method: { exact: 'GET' } },
      { uri: { exact: '/a' } },
      { uri: { prefix: '/a/' } },
      { uri: { exact: '/b' } },
    ]);
  });

  test.each<[string, number[], number[]]>([
    ['1:1:1', [1, 1, 1], [34, 33, 33]],
    ['90:10', [90, 10], [90, 10]],
    ['9:1', [9, 1], [90, 10]],
    ['1:2', [1, 2], [33, 67]],
    ['3:0:1', [3, 0, 1], [75, 0, 25]],
  ])('weights %s become whole percentages summing to 100 (largest remainder)', (_, weights, percentages) => {
    const route = compiled((s) => ({
      backends: [s.stable, s.canary, s.preview].slice(0, weights.length).map((revision, i) => ({ revision, weight: weights[i] })),
    }));
    expect(route.route).toEqual(['stable', 'canary', 'preview'].slice(0, weights.length).map((subset, i) => to(subset, percentages[i])));
  });

  test("Istio's implicit retries are turned off when a route declares none", () => {
    expect(compiled((s) => ({ backends: [{ revision: s.stable }] })).retries).toEqual({ attempts: 0 });
  });

  test('timeout, retries with perTryTimeout and retryOn joined with commas', () => {
    const route = compiled((s) => ({
      backends: [{ revision: s.stable }],
      timeout: Duration.seconds(10),
      retries: {
        attempts: 3,
        perTryTimeout: Duration.millis(2500),
        retryOn: [RetryOn.SERVER_ERROR, RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM],
      },
    }));
    expect(route.timeout).toBe('10s');
    expect(route.retries).toEqual({ attempts: 3, perTryTimeout: '2500ms', retryOn: '5xx,connect-failure,refused-stream' });
  });

  test('retries without perTryTimeout or retryOn retry gateway errors', () => {
    const route = compiled((s) => ({ backends: [{ revision: s.stable }], retries: { attempts: 2 } }));
    expect(route.retries).toEqual({ attempts: 2, retryOn: 'gateway-error' });
    expect(route).not.toHaveProperty('timeout');
  });

  test('a fault delays and aborts shares of requests; the faulted route turns retries off as every route without retries does', () => {
    const route = compiled((s) => ({
      backends: [{ revision: s.stable }],
      fault: { delay: { delay: Duration.seconds(5), percentage: 10 }, abort: { httpStatus: 503, percentage: 0.5 } },
    }));
    expect(route.fault).toEqual({
      delay: { fixedDelay: '5s', percentage: { value: 10 } },
      abort: { httpStatus: 503, percentage: { value: 0.5 } },
    });
    expect(route.retries).toEqual({ attempts: 0 });
    expect(route).not.toHaveProperty('timeout');
  });

  test('a fault may only delay, or only abort', () => {
    const delayed = compiled((s) => ({ backends: [{ revision: s.stable }], fault: { delay: { delay: Duration.millis(300), percentage: 100 } } }));
    expect(delayed.fault).toEqual({
      delay: { fixedDelay: '300ms', percentage: { value: 100 } },
    });
    expect(compiled((s) => ({ backends: [{ revision: s.stable }], fault: { abort: { httpStatus: 429, percentage: 25 } } })).fault).toEqual({
      abort: { httpStatus: 429, percentage: { value: 25 } },
    });
  });

  test('a mirror copies a share of the requests to a subset', () => {
    const route = compiled((s) => ({ backends: [{ revision: s.stable }], mirror: { revision: s.preview, percentage: 20 } }));
    expect(route.mirror).toEqual({ host: HOST, subset: 'preview' });
    expect(route.mirrorPercentage).toEqual({ value: 20 });
    const all = compiled((s) => ({ backends: [{ revision: s.stable }], mirror: { revision: s.canary } }));
    expect(all.mirrorPercentage).toEqual({ value: 100 });
  });

  test('header changes for request and response, names lower-cased', () => {
    const route = compiled((s) => ({
      backends: [{ revision: s.stable }],
      headers: {
        request: { set: { 'X-Env': 'prod' }, add: { 'X-Trace': '1' }, remove: ['Cookie'] },
        response: { set: { 'Cache-Control': 'no-store' }, remove: ['Server', 'x-powered-by'] },
      },
    }));
    expect(route.headers).toEqual({
      request: { set: { 'x-env': 'prod' }, add: { 'x-trace': '1' }, remove: ['cookie'] },
      response: { set: { 'cache-control': 'no-store' }, remove: ['server', 'x-powered-by'] },
    });
  });

  test('a route without optional parts emits only name, route and retries', () => {
    expect(Object.keys(compiled((s) => ({ backends: [{ revision: s.stable }] }))).sort()).toEqual(['name', 'retries', 'route']);
  });

  test('each routed service gets its own pair; a service without routes gets none', () => {
    const { chart, mesh, stable, routes } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable }] });
    const ratings = new Microservice(chart, 'ratings', { ...web, mesh });
    new Microservice(chart, 'details', { ...web, mesh });
    new ServiceRoutes(chart, 'ratings-routes', { service: ratings }).addRoute('default', { backends: [{ revision: ratings.revisions[0] }] });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'DestinationRule' }).map((o) => o.metadata.name).sort()).toEqual(['ratings', 'reviews']);
    expect(findObjects(objects, { kind: 'VirtualService' }).map((o) => o.metadata.name).sort()).toEqual(['ratings', 'reviews']);
    expect((findObject(objects, { kind: 'VirtualService', name: 'ratings' }).spec as any).hosts).toEqual(['ratings.test.svc.cluster.local']);
  });

  test('every emitted object passes its schema, with every feature in use', () => {
    const { chart, stable, canary, preview, routes } = reviewsRoutes({
      maxConnections: 10,
      maxPendingRequests: 5,
      maxRequestsPerConnection: 2,
      outlierDetection: { consecutiveErrors: 3, interval: Duration.seconds(5), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 100 },
    });
    routes.addRoute('tester', {
      matches: [
        { path: PathMatch.prefix('/api'), headers: [HeaderMatch.regex('User-Agent', '(?i).*chrome.*')], method: 'GET', queryParams: [QueryParamMatch.exact('v', '2')] },
        { path: PathMatch.regex('/v[0-9]+/.*') },
      ],
      backends: [{ revision: canary }],
      timeout: Duration.seconds(3),
      retries: { attempts: 2, perTryTimeout: Duration.millis(1500), retryOn: [RetryOn.SERVER_ERROR, RetryOn.RESET] },
      mirror: { revision: preview, percentage: 12.5 },
      headers: { request: { set: { 'x-canary': 'true' } }, response: { add: { 'x-served-by': 'canary' }, remove: ['server'] } },
    });
    routes.addRoute('chaos', {
      matches: [{ headers: [HeaderMatch.exact('x-chaos', 'on')] }],
      backends: [{ revision: stable }],
      fault: { delay: { delay: Duration.millis(200), percentage: 50 }, abort: { httpStatus: 500, percentage: 1 } },
    });
    routes.addRoute('default', { backends: [{ revision: stable, weight: 1 }, { revision: canary, weight: 1 }, { revision: preview, weight: 1 }] });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'VirtualService' })).toHaveLength(1);
    expect(findObjects(objects, { kind: 'DestinationRule' })).toHaveLength(1);
    for (const object of objects) {
      expect({ object: `${object.kind}/${object.metadata.name}`, problem: schemaErrors(object) }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        problem: undefined,
      });
    }
  });

  test('the schema check catches a malformed VirtualService (the test above can fail)', () => {
    const { chart, stable, routes } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable }] });
    const service = virtualService(chart);
    const broken = { ...service, spec: { ...(service.spec as any), http: [{ ...httpRoutes(chart)[0], retries: { attempts: 'zero' } }] } };
    expect(schemaErrors(broken as any)).toMatch(/attempts/);
  });
});

describe('Istio limits', () => {
  const faultProblem = (route: string) =>
    `[test/routes/Mesh] route '${route}' of reviews injects faults and also sets a timeout or retries, ` +
    'which Istio does not apply while faults are on (istio); put the fault on its own route';
  const roundingProblem = (route: string, weight: number, track: string, total: number) =>
    `[test/routes/Mesh] route '${route}' of reviews: weight ${weight} of '${track}' is below 1% of the total ${total} and would round to 0%; ` +
    'raise it or set it to 0 (istio weights are whole percentages)';

  test('fails when a route injects faults and sets a timeout', () => {
    const { chart, stable, routes } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable }], timeout: Duration.seconds(1), fault: { abort: { httpStatus: 503, percentage: 10 } } });
    expect(synthProblems(chart)).toEqual([faultProblem('default')]);
  });

  test('fails when a route injects faults and sets retries', () => {
    const { chart, stable, routes } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable }], retries: { attempts: 2 }, fault: { delay: { delay: Duration.seconds(1), percentage: 10 } } });
    expect(synthProblems(chart)).toEqual([faultProblem('default')]);
  });

  test('fails when a non-zero weight would round to 0% in Istio (1 vs 1000)', () => {
    const { chart, stable, canary, routes } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable, weight: 1000 }, { revision: canary, weight: 1 }] });
    expect(synthProblems(chart)).toEqual([roundingProblem('default', 1, 'canary', 1001)]);
  });

  test('the synth error names the construct path of each problem once', () => {
    const { chart, stable, canary, routes } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable, weight: 1000 }, { revision: canary, weight: 1 }] });
    const { message } = validationErrorOf(() => synthObjects(chart));
    expect(message.split('test/routes').length - 1).toBe(1);
  });

  test('a small weight that still rounds to 1% is accepted (1 vs 150)', () => {
    const route = compiled((s) => ({ backends: [{ revision: s.stable, weight: 150 }, { revision: s.canary, weight: 1 }] }));
    expect(route.route).toEqual([to('stable', 99), to('canary', 1)]);
  });

  test('one synth reports the Istio problems of every route with the table problems', () => {
    const { chart, stable, canary, routes } = reviewsRoutes();
    routes.addRoute('chaos', { matches: [{ method: 'GET' }], backends: [{ revision: stable }], timeout: Duration.seconds(1), fault: { abort: { httpStatus: 500, percentage: 5 } } });
    routes.addRoute('tiny', { matches: [{ method: 'POST' }], backends: [{ revision: stable, weight: 1000 }, { revision: canary, weight: 1 }] });
    expect(synthProblems(chart)).toEqual([
      expect.stringMatching(/^\[test\/routes\] reviews has no catch-all route/),
      faultProblem('chaos'),
      roundingProblem('tiny', 1, 'canary', 1001),
    ]);
  });
});
