import { App, Chart, Duration } from 'cdk8s';
import {
  CircuitBreaker,
  HeaderMatch,
  IServiceMesh,
  Mesh,
  MeshProvider,
  Microservice,
  MicroserviceProps,
  PathMatch,
  QueryParamMatch,
  ResolvedRetries,
  Revision,
  RetryOn,
  RouteProps,
  ServiceRoutes,
} from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { digestImage, newChart, synthProblems, validationErrorOf } from '../../fixtures';

const web: MicroserviceProps = { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }] };

/** `reviews` (stable + canary) and `ratings` in one Istio mesh, namespace 'test'. */
function meshedReviews() {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
  const reviews = new Microservice(chart, 'reviews', { ...web, mesh });
  const stable = reviews.revisions[0];
  const canary = reviews.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
  const ratings = new Microservice(chart, 'ratings', { ...web, mesh });
  return { chart, mesh, reviews, stable, canary, ratings };
}

/** The routing table of `reviews`, at path test/routes. */
function reviewsRoutes(circuitBreaker?: CircuitBreaker) {
  const shop = meshedReviews();
  const routes = new ServiceRoutes(shop.chart, 'routes', { service: shop.reviews, circuitBreaker });
  return { ...shop, routes };
}

type Shop = ReturnType<typeof reviewsRoutes>;

describe('ServiceRoutes', () => {
  test('routes are kept in the order they are added, resolved to the neutral form', () => {
    const { routes, stable, canary } = reviewsRoutes();
    routes.addRoute('tester', { matches: [{ headers: [HeaderMatch.exact('End-User', 'jason')] }], backends: [{ revision: canary }] });
    routes.addRoute('default', { backends: [{ revision: stable, weight: 90 }, { revision: canary, weight: 10 }] });
    expect(routes.routes.map((r) => r.name)).toEqual(['tester', 'default']);
    expect(routes.routes.map((r) => r.isCatchAll)).toEqual([false, true]);
    expect(routes.routes[1].backends).toEqual([
      { target: stable, weight: 90 },
      { target: canary, weight: 10 },
    ]);
    expect(routes.routes[0].backends).toEqual([{ target: canary, weight: 1 }]);
  });

  test('header changes may name headers that are also members of every JavaScript object (toString, valueOf)', () => {
    const { routes, stable } = reviewsRoutes();
    const route = routes.addRoute('default', {
      backends: [{ revision: stable }],
      headers: { request: { set: { toString: 'a' }, add: { valueOf: 'b' } }, response: { remove: ['hasOwnProperty'] } },
    });
    expect(route.headers).toEqual({ request: { set: { tostring: 'a' }, add: { valueof: 'b' }, remove: undefined }, response: { set: undefined, add: undefined, remove: ['hasownproperty'] } });
  });

  test('addRoute returns the resolved route: durations formatted, retryOn defaulted and de-duplicated, mirror at 100%', () => {
    const { routes, stable, canary } = reviewsRoutes();
    const route = routes.addRoute('default', {
      backends: [{ revision: stable }],
      timeout: Duration.seconds(3),
      retries: { attempts: 2, perTryTimeout: Duration.millis(750) },
      mirror: { revision: canary },
    });
    expect(route.timeout).toBe('3s');
    expect(route.retries).toEqual({ attempts: 2, perTryTimeout: '750ms', retryOn: [RetryOn.GATEWAY_ERROR], statusCodes: [] });
    expect(route.mirror).toEqual({ revision: canary, percentage: 100 });
    const twice = routes.addRoute('again', {
      matches: [{ method: 'GET' }],
      backends: [{ revision: stable }],
      retries: { attempts: 1, retryOn: [RetryOn.SERVER_ERROR, RetryOn.RESET, RetryOn.SERVER_ERROR] },
    });
    expect((twice.retries as ResolvedRetries).retryOn).toEqual(['5xx', 'reset']);
  });

  test('durations: whole seconds as Ns, anything finer as milliseconds', () => {
    const { routes, stable } = reviewsRoutes();
    const cases: [Duration, string][] = [
      [Duration.millis(1), '1ms'],
      [Duration.millis(1500), '1500ms'],
      [Duration.seconds(2), '2s'],
      [Duration.minutes(2), '120s'],
      [Duration.seconds(99_999), '99999s'],
      [Duration.millis(99_999), '99999ms'],
    ];
    cases.forEach(([timeout, expected], index) => {
      expect(routes.addRoute(`r${index}`, { matches: [{ path: PathMatch.exact(`/r${index}`) }], backends: [{ revision: stable }], timeout }).timeout).toBe(expected);
    });
  });

  test('header rewrites are lower-cased', () => {
    const { routes, stable } = reviewsRoutes();
    const route = routes.addRoute('default', {
      backends: [{ revision: stable }],
      headers: { request: { set: { 'X-Env': 'prod' }, add: { 'X-Trace': 'on' }, remove: ['Cookie'] }, response: { remove: ['Server'] } },
    });
    expect(route.headers).toEqual({
      request: { set: { 'x-env': 'prod' }, add: { 'x-trace': 'on' }, remove: ['cookie'] },
      response: { set: undefined, add: undefined, remove: ['server'] },
    });
  });

  test('a complete table synthesizes', () => {
    const { chart, routes, stable, canary } = reviewsRoutes();
    routes.addRoute('api', { matches: [{ path: PathMatch.prefix('/api') }], backends: [{ revision: canary }] });
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(() => synthObjects(chart)).not.toThrow();
  });

  // ---- thrown at construction / addRoute ----

  const other = (shop: Shop): Revision => shop.ratings.revisions[0];
  const route = (props: Partial<RouteProps>) => (shop: Shop) => shop.routes.addRoute('r', { backends: [{ revision: shop.stable }], ...props });

  test.each<{ when: string; build: (shop: Shop) => unknown; parts: string[] }>([
    // names
    { when: 'the route name is not a DNS label', build: (s) => s.routes.addRoute('Default', { backends: [{ revision: s.stable }] }), parts: ["route name must be 1-40 lower-case letters, digits or '-'", "got 'Default'"] },
    { when: 'the route name is longer than 40', build: (s) => s.routes.addRoute('a'.repeat(41), { backends: [{ revision: s.stable }] }), parts: ['route name must be 1-40', `got '${'a'.repeat(41)}'`] },
    {
      when: 'two routes share a name',
      build: (s) => {
        s.routes.addRoute('main', { matches: [{ method: 'GET' }], backends: [{ revision: s.stable }] });
        s.routes.addRoute('main', { backends: [{ revision: s.stable }] });
      },
      parts: ["route 'main' already exists on reviews", 'give each route its own name'],
    },
    // backends
    { when: 'a route has no backends', build: route({ backends: [] }), parts: ["route 'r' has no backends", 'give it at least one revision of reviews'] },
    {
      when: 'a backend is a revision of another service',
      build: (s) => route({ backends: [{ revision: other(s) }] })(s),
      parts: ["route 'r' backend 'test/ratings/stable' is not a live revision of reviews (live: stable, canary)", 'use one returned by reviews.addRevision or listed in reviews.revisions'],
    },
    {
      when: 'a route lists the same revision twice',
      build: (s) => route({ backends: [{ revision: s.canary, weight: 1 }, { revision: s.canary, weight: 2 }] })(s),
      parts: ["route 'r' lists revision 'canary' twice", 'list each backend once with its total weight'],
    },
    // timeout
    { when: 'the timeout is 0ms', build: route({ timeout: Duration.millis(0) }), parts: ["route 'r' timeout must be a whole number of milliseconds ≥ 1ms, got 0ms"] },
    { when: 'the timeout is 1.5ms', build: route({ timeout: Duration.millis(1.5) }), parts: ["route 'r' timeout must be a whole number of milliseconds ≥ 1ms, got 1.5ms"] },
    {
      when: 'the timeout is too long to write (100000s)',
      build: route({ timeout: Duration.seconds(100_000) }),
      parts: ["route 'r' timeout of 100000000ms cannot be written", 'round it to whole seconds, at most 99999s'],
    },
    {
      when: 'the timeout is finer than seconds and over 5 digits of ms (100001ms)',
      build: route({ timeout: Duration.millis(100_001) }),
      parts: ["route 'r' timeout of 100001ms cannot be written", 'round it to whole seconds'],
    },
    // retries
    {
      when: 'perTryTimeout is longer than the timeout',
      build: route({ timeout: Duration.seconds(1), retries: { attempts: 2, perTryTimeout: Duration.seconds(2) } }),
      parts: ["route 'r' retries.perTryTimeout (2s) is longer than the route timeout (1s)", 'make perTryTimeout ≤ timeout'],
    },
    { when: 'perTryTimeout is 0ms', build: route({ retries: { attempts: 2, perTryTimeout: Duration.millis(0) } }), parts: ["route 'r' retries.perTryTimeout must be a whole number of milliseconds ≥ 1ms, got 0ms"] },
    { when: 'retries.attempts is 0', build: route({ retries: { attempts: 0 } }), parts: ["route 'r' retries.attempts must be a whole number 1-10, got 0"] },
    { when: 'retries.attempts is 11', build: route({ retries: { attempts: 11 } }), parts: ["route 'r' retries.attempts must be a whole number 1-10, got 11"] },
    { when: 'retries.attempts is 1.5', build: route({ retries: { attempts: 1.5 } }), parts: ['retries.attempts must be a whole number 1-10, got 1.5'] },
    { when: 'retryOn is empty', build: route({ retries: { attempts: 2, retryOn: [] } }), parts: ["route 'r' retries.retryOn is empty", 'list a condition or a status code, or drop retries'] },
    {
      when: 'a retried status is not an HTTP status',
      build: route({ retries: { attempts: 2, statusCodes: [503, 600] } }),
      parts: ["route 'r' retries.statusCodes must be HTTP statuses 100-599, got 600"],
    },
    {
      when: 'retryOn holds an unknown condition',
      build: route({ retries: { attempts: 2, retryOn: ['retriable-5xx' as RetryOn] } }),
      parts: ["route 'r' retries.retryOn[0] must be one of '5xx', 'gateway-error'", "got 'retriable-5xx'"],
    },
    // faults
    { when: 'a fault has neither delay nor abort', build: route({ fault: {} }), parts: ["route 'r' fault has neither delay nor abort", 'give one or drop the fault'] },
    {
      when: 'a fault delay percentage is 0',
      build: route({ fault: { delay: { delay: Duration.seconds(1), percentage: 0 } } }),
      parts: ["route 'r' fault delay percentage must be a percentage in (0, 100], got 0"],
    },
    {
      when: "a header match is named 'constructor' (Istio writes header matches as a map, which cdk8s cannot render with that key)",
      build: route({ matches: [{ headers: [HeaderMatch.exact('Constructor', 'x')] }] }),
      parts: ["route 'r' match 1 header name 'constructor' cannot be written into a manifest (cdk8s, which renders it, reads a 'constructor' member as a class and JavaScript drops a '__proto__' member); match another name"],
    },
    {
      when: "a query parameter match is named '__proto__'",
      build: route({ matches: [{ queryParams: [QueryParamMatch.exact('__proto__', 'x')] }] }),
      parts: ["route 'r' match 1 query parameter name '__proto__' cannot be written into a manifest (cdk8s, which renders it, reads a 'constructor' member as a class and JavaScript drops a '__proto__' member); match another name"],
    },
    {
      when: "a header change names '__proto__' (JavaScript would drop it from the map)",
      build: route({ headers: { request: { set: JSON.parse('{"__proto__": "x"}') } } }),
      parts: ["route 'r' request headers set header name '__proto__' cannot be written into a manifest (cdk8s, which renders it, reads a 'constructor' member as a class and JavaScript drops a '__proto__' member); change another header"],
    },
    {
      when: "a removed header is named 'constructor'",
      build: route({ headers: { response: { remove: ['constructor'] } } }),
      parts: ["route 'r' response headers remove header name 'constructor' cannot be written into a manifest (cdk8s, which renders it, reads a 'constructor' member as a class and JavaScript drops a '__proto__' member); change another header"],
    },
    {
      when: 'a fault delay is 0ms',
      build: route({ fault: { delay: { delay: Duration.millis(0), percentage: 10 } } }),
      parts: ["route 'r' fault delay must be a whole number of milliseconds ≥ 1ms, got 0ms"],
    },
    {
      when: 'a fault abort percentage is 101',
      build: route({ fault: { abort: { httpStatus: 503, percentage: 101 } } }),
      parts: ["route 'r' fault abort percentage must be a percentage in (0, 100], got 101"],
    },
    {
      when: 'a fault abort status is 200',
      build: route({ fault: { abort: { httpStatus: 200, percentage: 10 } } }),
      parts: ["route 'r' fault abort httpStatus must be an error status 400-599, got 200"],
    },
    {
      when: 'a fault abort status is 600',
      build: route({ fault: { abort: { httpStatus: 600, percentage: 10 } } }),
      parts: ['fault abort httpStatus must be an error status 400-599, got 600'],
    },
    // mirror
    {
      when: 'the mirror is one of the backends',
      build: (s) => route({ backends: [{ revision: s.stable }, { revision: s.canary }], mirror: { revision: s.canary } })(s),
      parts: ["route 'r' mirrors to revision 'canary', which already serves the route", 'mirror to a revision outside its backends'],
    },
    {
      when: 'the mirror is a revision of another service',
      build: (s) => route({ mirror: { revision: other(s) } })(s),
      parts: ["route 'r' mirror 'test/ratings/stable' is not a live revision of reviews", 'use one returned by reviews.addRevision'],
    },
    {
      when: 'the mirror percentage is 0',
      build: (s) => route({ mirror: { revision: s.canary, percentage: 0 } })(s),
      parts: ["route 'r' mirror percentage must be a percentage in (0, 100], got 0"],
    },
    {
      when: 'the mirror percentage is 101',
      build: (s) => route({ mirror: { revision: s.canary, percentage: 101 } })(s),
      parts: ["route 'r' mirror percentage must be a percentage in (0, 100], got 101"],
    },
    // header rewrites
    {
      when: 'a header is set and removed',
      build: route({ headers: { request: { set: { 'X-Debug': '1' }, remove: ['x-debug'] } } }),
      parts: ["route 'r' request headers both sets and removes header 'x-debug'", 'keep one'],
    },
    {
      when: 'a header is added and removed',
      build: route({ headers: { response: { add: { 'x-cache': 'hit' }, remove: ['X-Cache'] } } }),
      parts: ["route 'r' response headers both adds and removes header 'x-cache'", 'keep one'],
    },
    {
      when: 'a header is set twice in different case',
      build: route({ headers: { request: { set: { 'X-A': '1', 'x-a': '2' } } } }),
      parts: ["route 'r' request headers set names header 'x-a' twice (header names ignore case)", 'keep one'],
    },
    {
      when: 'a header is set and added',
      build: route({ headers: { request: { set: { 'x-a': '1' }, add: { 'X-A': '2' } } } }),
      parts: ["route 'r' request headers both sets and adds header 'x-a'", 'keep one'],
    },
    {
      when: 'a set header name is not an HTTP token',
      build: route({ headers: { request: { set: { 'bad header': '1' } } } }),
      parts: ["route 'r' request headers set header name must be an HTTP token, got 'bad header'"],
    },
    {
      when: 'an added header name is not an HTTP token',
      build: route({ headers: { response: { add: { 'x:y': '1' } } } }),
      parts: ["route 'r' response headers add header name must be an HTTP token, got 'x:y'"],
    },
    {
      when: 'a removed header name is not an HTTP token',
      build: route({ headers: { response: { remove: [''] } } }),
      parts: ["route 'r' response headers remove header name must be an HTTP token, got ''"],
    },
    {
      when: 'a header value holds a line break',
      build: route({ headers: { request: { set: { 'x-a': 'one\ntwo' } } } }),
      parts: ["route 'r' request headers set 'x-a' value must be 1-4096 characters without CR, LF or NUL, got \"one\\ntwo\"; use remove to drop a header"],
    },
    {
      when: 'a set header value is empty',
      build: route({ headers: { request: { set: { 'x-a': '' } } } }),
      parts: ["route 'r' request headers set 'x-a' value must be 1-4096 characters without CR, LF or NUL, got \"\"; use remove to drop a header"],
    },
  ])('fails when $when', ({ build, parts }) => {
    const shop = reviewsRoutes();
    const error = validationErrorOf(() => build(shop));
    expect(error.path).toBe('test/routes');
    for (const part of parts) {
      expect(error.message).toContain(part);
    }
    expect(error.message).toMatch(/\(at test\/routes\)$/);
  });

  test.each<{ when: string; breaker: CircuitBreaker; parts: string[] }>([
    { when: 'circuit breaker maxConnections is 0', breaker: { maxConnections: 0 }, parts: ['circuitBreaker.maxConnections must be a whole number ≥ 1, got 0'] },
    { when: 'circuit breaker maxPendingRequests is 1.5', breaker: { maxPendingRequests: 1.5 }, parts: ['circuitBreaker.maxPendingRequests must be a whole number ≥ 1, got 1.5'] },
    {
      when: 'circuit breaker maxRequestsPerConnection is above int32',
      breaker: { maxRequestsPerConnection: 2 ** 31 },
      parts: [`circuitBreaker.maxRequestsPerConnection must be a whole number ≥ 1, got ${2 ** 31}`],
    },
    {
      when: 'outlier detection consecutiveErrors is 0',
      breaker: { outlierDetection: { consecutiveErrors: 0 } },
      parts: ['circuitBreaker.outlierDetection.consecutiveErrors must be a whole number ≥ 1, got 0'],
    },
    {
      when: 'outlier detection maxEjectionPercent is 150',
      breaker: { outlierDetection: { consecutiveErrors: 5, maxEjectionPercent: 150 } },
      parts: ['circuitBreaker.outlierDetection.maxEjectionPercent must be a percentage in (0, 100], got 150'],
    },
    {
      when: 'outlier detection maxEjectionPercent is 0',
      breaker: { outlierDetection: { consecutiveErrors: 5, maxEjectionPercent: 0 } },
      parts: ['circuitBreaker.outlierDetection.maxEjectionPercent must be a percentage in (0, 100], got 0'],
    },
    {
      when: 'outlier detection maxEjectionPercent is 12.5',
      breaker: { outlierDetection: { consecutiveErrors: 5, maxEjectionPercent: 12.5 } },
      parts: ['circuitBreaker.outlierDetection.maxEjectionPercent must be a whole number, got 12.5'],
    },
    {
      when: 'outlier detection interval is 0ms',
      breaker: { outlierDetection: { consecutiveErrors: 5, interval: Duration.millis(0) } },
      parts: ['circuitBreaker.outlierDetection.interval must be a whole number of milliseconds ≥ 1ms, got 0ms'],
    },
    {
      when: 'outlier detection baseEjectionTime is 1.5ms',
      breaker: { outlierDetection: { consecutiveErrors: 5, baseEjectionTime: Duration.millis(1.5) } },
      parts: ['circuitBreaker.outlierDetection.baseEjectionTime must be a whole number of milliseconds ≥ 1ms, got 1.5ms'],
    },
  ])('fails when $when', ({ breaker, parts }) => {
    const error = validationErrorOf(() => reviewsRoutes(breaker));
    expect(error.path).toBe('test/routes');
    for (const part of parts) {
      expect(error.message).toContain(part);
    }
    expect(error.message).toMatch(/\(at test\/routes\)$/);
  });

  test('fails when the service is not in a mesh', () => {
    const chart = newChart();
    const plain = new Microservice(chart, 'reviews', web);
    const error = validationErrorOf(() => new ServiceRoutes(chart, 'routes', { service: plain }));
    expect(error.path).toBe('test/routes');
    expect(error.message).toBe(
      'reviews is not in a mesh, and only a mesh can route by request or weight; give it the mesh prop (at test/routes)',
    );
  });

  test('fails when the service is in a mesh that cannot route', () => {
    const chart = newChart();
    const servicesOnly: IServiceMesh = { podMetadata: { labels: {}, annotations: {} }, addService: () => {}, addCaller: () => {} };
    const reviews = new Microservice(chart, 'reviews', { ...web, mesh: servicesOnly });
    const error = validationErrorOf(() => new ServiceRoutes(chart, 'routes', { service: reviews }));
    expect(error.path).toBe('test/routes');
    expect(error.message).toContain('reviews is in a mesh that cannot route (it has no addRoutes); give it a Mesh');
  });

  test('fails when the service exposes no ports', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
    const worker = new Microservice(chart, 'worker', { image: digestImage(), mesh });
    const error = validationErrorOf(() => new ServiceRoutes(chart, 'routes', { service: worker }));
    expect(error.message).toBe(
      'worker exposes no ports, so there is nothing to route; add ports to it or drop the routes (at test/routes)',
    );
  });

  test('fails when a service gets a second ServiceRoutes', () => {
    const { chart, reviews } = reviewsRoutes();
    const error = validationErrorOf(() => new ServiceRoutes(chart, 'routes2', { service: reviews }));
    expect(error.path).toBe('test/routes2');
    expect(error.message).toBe('reviews already has a routing table; add all its routes to one ServiceRoutes (at test/routes2)');
  });

  // ---- reported at synth (node.addValidation) ----

  const NO_CATCH_ALL =
    '[test/routes] reviews has no catch-all route, so requests matching no route would fail; add a last route without matches';

  test('fails when no route is a catch-all', () => {
    const { chart, routes, stable } = reviewsRoutes();
    routes.addRoute('api', { matches: [{ path: PathMatch.prefix('/api') }], backends: [{ revision: stable }] });
    expect(synthProblems(chart)).toEqual([NO_CATCH_ALL]);
  });

  test('fails when a table has no routes at all and no service policy', () => {
    const { chart } = reviewsRoutes();
    expect(synthProblems(chart)).toEqual([
      '[test/routes] reviews has no routes and no service policy (circuitBreaker, loadBalancing, localityFailover, authentication, ' +
        'rateLimit), so its routing table does nothing; add a route or a policy, or drop the ServiceRoutes',
    ]);
  });

  test('fails when routes follow the catch-all', () => {
    const { chart, routes, stable, canary } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable }] });
    routes.addRoute('api', { matches: [{ path: PathMatch.prefix('/api') }], backends: [{ revision: canary }] });
    routes.addRoute('admin', { matches: [{ path: PathMatch.prefix('/admin') }], backends: [{ revision: canary }] });
    expect(synthProblems(chart)).toEqual([
      "[test/routes] route 'api', 'admin' of reviews comes after the catch-all route 'default' and is never used; " +
        'move the catch-all last',
    ]);
  });

  test('fails when two catch-all routes are declared', () => {
    const { chart, routes, stable, canary } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable }] });
    routes.addRoute('fallback', { matches: [{}], backends: [{ revision: canary }] });
    expect(synthProblems(chart)).toEqual([
      "[test/routes] route 'fallback' of reviews comes after the catch-all route 'default' and is never used; move the catch-all last",
    ]);
  });

  test('fails when two routes have the same match', () => {
    const { chart, routes, stable, canary } = reviewsRoutes();
    routes.addRoute('api', { matches: [{ path: PathMatch.prefix('/api'), headers: [HeaderMatch.exact('X-User', 'jason')] }], backends: [{ revision: canary }] });
    routes.addRoute('api2', { matches: [{ path: PathMatch.prefix('/api'), headers: [HeaderMatch.exact('x-user', 'jason')] }], backends: [{ revision: stable }] });
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(synthProblems(chart)).toEqual([
      "[test/routes] routes 'api' and 'api2' of reviews have the same match " +
        '{"headers":[{"name":"x-user","type":"Exact","value":"(not shown)"}],"path":{"type":"PathPrefix","value":"/api"}}; ' +
        'the second is never used, so merge them',
    ]);
  });

  test('routes whose matches differ are not the same match', () => {
    const { chart, routes, stable, canary } = reviewsRoutes();
    routes.addRoute('exact', { matches: [{ path: PathMatch.exact('/api') }], backends: [{ revision: canary }] });
    routes.addRoute('prefix', { matches: [{ path: PathMatch.prefix('/api') }], backends: [{ revision: stable }] });
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(() => synthObjects(chart)).not.toThrow();
  });

  test('one synth reports every problem of the table', () => {
    const { chart, routes, stable, canary } = reviewsRoutes();
    routes.addRoute('a', { matches: [{ method: 'GET' }], backends: [{ revision: stable }] });
    routes.addRoute('b', { matches: [{ method: 'GET' }], backends: [{ revision: canary }] });
    expect(synthProblems(chart)).toEqual([
      NO_CATCH_ALL,
      "[test/routes] routes 'a' and 'b' of reviews have the same match {\"method\":\"GET\"}; the second is never used, so merge them",
    ]);
  });
});

describe('Mesh callers and routing tables', () => {
  test('a meshed caller of a meshed service is accepted', () => {
    const { chart, mesh, reviews } = meshedReviews();
    const productpage = new Microservice(chart, 'productpage', { ...web, mesh, dependencies: [reviews] });
    expect(reviews.dependents).toEqual([productpage]);
  });

  test('fails when a caller outside the mesh depends on a meshed service', () => {
    const { chart, reviews } = meshedReviews();
    const error = validationErrorOf(() => new Microservice(chart, 'productpage', { ...web, dependencies: [reviews] }));
    expect(error.path).toBe('test/productpage');
    expect(error.message).toBe(
      "productpage calls reviews, which is in mesh 'mesh' with strict mTLS, but productpage is not in that mesh, " +
        'so its calls would be refused; give productpage the same mesh prop (at test/productpage)',
    );
  });

  test('fails when a caller added later with addDependency is outside the mesh', () => {
    const { chart, reviews } = meshedReviews();
    const productpage = new Microservice(chart, 'productpage', web);
    const error = validationErrorOf(() => productpage.addDependency(reviews));
    expect(error.path).toBe('test/productpage');
    expect(error.message).toContain("productpage calls reviews, which is in mesh 'mesh'");
  });

  test('fails when the caller is in another mesh', () => {
    const { chart, reviews } = meshedReviews();
    const edge = new Chart(App.of(chart) as App, 'edge', { namespace: 'edge' });
    const other = new Mesh(edge, 'other', { provider: MeshProvider.istio() });
    const error = validationErrorOf(() => new Microservice(edge, 'productpage', { ...web, mesh: other, dependencies: [reviews] }));
    expect(error.path).toBe('edge/productpage');
    expect(error.message).toContain("but productpage is not in that mesh, so its calls would be refused; give productpage the same mesh prop");
  });

  test('fails when a caller is declared for a service outside the mesh', () => {
    const { chart, mesh, reviews } = meshedReviews();
    const plain = new Microservice(chart, 'plain', web);
    const error = validationErrorOf(() => mesh.addCaller(plain, reviews));
    expect(error.path).toBe('test/reviews');
    expect(error.message).toBe("plain is not in mesh 'mesh'; give it the mesh prop before declaring callers (at test/reviews)");
  });

  test('fails when a routing table is given to a mesh its service is not in', () => {
    const { chart, routes } = reviewsRoutes();
    const other = new Mesh(chart, 'other', { provider: MeshProvider.istio() });
    const error = validationErrorOf(() => other.addRoutes(routes));
    expect(error.path).toBe('test/routes');
    expect(error.message).toBe("reviews is not in mesh 'other'; give it the mesh prop (at test/routes)");
  });
});
