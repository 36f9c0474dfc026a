import { Duration } from 'cdk8s';
import fc from 'fast-check';
import {
  CircuitBreaker, ClaimRequirement, ClaimToHeader, EndUserAuthentication, FaultInjection, HeaderMatch, HeaderModifier, HeaderRewrite, HttpMatch,
  HttpMethod, JwtHeaderLocation, JwtIssuer, LoadBalancing, LoadBalancingAlgorithm, LocalityFailover, LocalRateLimit, MESH_DEFAULT_RETRIES, PathMatch,
  QueryParamMatch, RetryOn, RetryPolicy, RouteRetries, TokenRequirement,
} from '../../lib';
import { isCatchAll } from '../../lib/internal';
import { defined, gen, Gen, invalidOf, optional, optionalGen, recordGen, withDefect } from './workload-generators';

// Generators over the neutral traffic model (lib/traffic): matches, weighted
// backends, timeouts, retries, faults, mirrors and header changes of a
// route, and a service's circuit breaker. Backends and mirrors name
// revisions by index (0 the service's first revision), since revisions exist
// only once a scenario is built.

const PREFIXES = ['/', '/api', '/api/', '/api/orders', '/v1/items', '/a%20b', '/static'];
/** Request path conditions. */
export const path: Gen<PathMatch> = gen(
  fc.oneof(
    fc.constantFrom(...PREFIXES).map((p) => PathMatch.prefix(p)),
    fc.constantFrom('/api/orders/me', '/healthz', '/').map((p) => PathMatch.exact(p)),
    fc.constantFrom('/v[0-9]+/items', '/r/.*', '(?i)/admin', '/api/[a-z]+').map((p) => PathMatch.regex(p)),
  ),
  fc.oneof(
    fc.constantFrom('api', '/a//b', '/a/../b', '/a b', '').map((p) => PathMatch.prefix(p)),
    fc.constantFrom('(?=x)', '[', '', '(a)\\1').map((p) => PathMatch.regex(p)),
    // wrong JavaScript types: the path as a plain string, a number given to the factory
    fc.constant('/api' as unknown as PathMatch),
    fc.constant(PathMatch.prefix(42 as unknown as string)),
  ),
);

const headerName = fc.constantFrom('end-user', 'x-beta', 'X-Canary', 'toString');
/** Header conditions, names distinct (ignoring case). */
export const headerMatches: Gen<HeaderMatch[]> = gen<HeaderMatch[]>(
  fc.uniqueArray(
    fc.oneof(
      fc.tuple(headerName, fc.constantFrom('jason', '1', 'yes please')).map(([n, v]) => HeaderMatch.exact(n, v)),
      fc.tuple(headerName, fc.constantFrom('.*bot.*', 'qa|dev')).map(([n, v]) => HeaderMatch.regex(n, v)),
    ),
    { maxLength: 2, selector: (h) => h.name },
  ),
  fc.oneof<fc.Arbitrary<HeaderMatch[]>[]>(
    fc.constantFrom('bad header', '', 'x:y', 'constructor', '__proto__').map((n) => [HeaderMatch.exact(n, '1')]),
    fc.constantFrom('', 'a\nb').map((v) => [HeaderMatch.exact('x-beta', v)]),
    fc.constant([HeaderMatch.regex('x-beta', '(?<=a)b')]),
    fc.constant([HeaderMatch.exact('X-Beta', '1'), HeaderMatch.exact('x-beta', '2')]),
    // wrong JavaScript types: one match for the list, a number for a value, an unset process.env variable for a name
    fc.constant(HeaderMatch.exact('x-beta', '1') as unknown as HeaderMatch[]),
    fc.constant([HeaderMatch.exact('x-beta', 1 as unknown as string)]),
    fc.constant([HeaderMatch.exact(undefined as unknown as string, '1')]),
  ),
);

/** Query parameter conditions. */
const queryMatches: Gen<QueryParamMatch[]> = gen(
  fc.uniqueArray(
    fc.oneof(
      fc.tuple(fc.constantFrom('debug', 'v'), fc.constantFrom('1', 'true')).map(([n, v]) => QueryParamMatch.exact(n, v)),
      fc.constantFrom('debug', 'v').map((n) => QueryParamMatch.regex(n, '[0-9]+')),
    ),
    { maxLength: 1, selector: (q) => q.name },
  ),
  fc.oneof<fc.Arbitrary<QueryParamMatch[]>[]>(
    fc.constantFrom('a b', 'constructor').map((n) => [QueryParamMatch.exact(n, '1')]),
    fc.constant([QueryParamMatch.exact('debug', '')]),
    fc.constant([QueryParamMatch.exact('debug', '1'), QueryParamMatch.exact('debug', '2')]),
  ),
);

/** One match: conditions all of which a request meets. */
export const match: Gen<HttpMatch> = recordGen<HttpMatch>({
  path: optionalGen(path),
  headers: optionalGen(headerMatches),
  method: optionalGen(gen(fc.constantFrom<HttpMethod>('GET', 'POST', 'PUT', 'DELETE'), fc.constantFrom<HttpMethod>('FETCH' as HttpMethod, 'get' as HttpMethod, 1 as unknown as HttpMethod))),
  queryParams: optionalGen(queryMatches),
});

/** The matches of a targeted route (not a catch-all): one or two, none empty. */
const targetedMatches: Gen<HttpMatch[]> = gen(
  fc.array(match.valid.filter((m) => !isCatchAll(m)), { minLength: 1, maxLength: 2 }),
  fc.oneof(
    match.invalid!.map((m) => [m]),
    // an empty match beside others makes the others pointless
    match.valid.map((m) => [m, {}]),
  ),
);

/** Whole seconds or milliseconds (at least 1s, so above every valid perTryTimeout), forms every backend reads. */
export const timeout: Gen<Duration> = gen(
  fc.oneof(fc.integer({ min: 1, max: 30 }).map((s) => Duration.seconds(s)), fc.constant(Duration.millis(1500))),
  fc.constantFrom<Duration>(Duration.millis(0), Duration.millis(0.5), Duration.seconds(100_000), 10 as unknown as Duration),
);

/** Retry policies; a perTryTimeout of at most 1s, so below every valid route timeout. */
export const retries: Gen<RetryPolicy> = (() => {
  const shape = recordGen<RetryPolicy>({
    attempts: gen(fc.integer({ min: 1, max: 10 }), fc.constantFrom(0, 11, 1.5, NaN, '3' as unknown as number)),
    perTryTimeout: optionalGen(gen(fc.constantFrom(Duration.millis(250), Duration.seconds(1)), fc.constant(Duration.millis(0)))),
    // mostly the conditions every mesh can express (Linkerd only retries on a response status)
    retryOn: optionalGen(gen(
      fc.oneof(
        { arbitrary: fc.subarray([RetryOn.SERVER_ERROR, RetryOn.GATEWAY_ERROR], { minLength: 1 }), weight: 4 },
        { arbitrary: fc.subarray(Object.values(RetryOn), { minLength: 1 }), weight: 1 },
      ),
      fc.constantFrom<RetryOn[]>(['bogus' as RetryOn], '5xx' as unknown as RetryOn[]),
    )),
    // statuses every mesh retries on (Istio: retriable status codes; Linkerd: retry.linkerd.io/http)
    statusCodes: optionalGen(gen(fc.constantFrom<number[]>([503], [429, 503]), fc.constantFrom<number[]>([600], [99], [503.5]))),
  });
  return gen(shape.valid, fc.oneof(
    invalidOf(shape),
    fc.constant<RetryPolicy>({ attempts: 2, perTryTimeout: Duration.minutes(5) }),
    fc.constant<RetryPolicy>({ attempts: 2, retryOn: [] }),
  ));
})();

/** A route's retries: a policy, or (now and then) the mesh's own. */
export const routeRetries: Gen<RouteRetries> = gen<RouteRetries>(
  fc.oneof(
    { arbitrary: retries.valid.map((r): RouteRetries => r), weight: 4 },
    { arbitrary: fc.constant<RouteRetries>(MESH_DEFAULT_RETRIES), weight: 1 },
  ),
  fc.oneof(retries.invalid!.map((r): RouteRetries => r), fc.constant('default' as RouteRetries)),
);

const percentage = gen<number>(fc.constantFrom(0.5, 10, 50, 100), fc.constantFrom(0, -1, 150));
/** Faults: a delay, an abort or both. */
export const fault: Gen<FaultInjection> = gen<FaultInjection>(
  fc.oneof(
    fc.record({ delay: fc.record({ delay: timeout.valid, percentage: percentage.valid }) }),
    fc.record({ abort: fc.record({ httpStatus: fc.constantFrom(400, 503, 599), percentage: percentage.valid }) }),
    fc.record({
      delay: fc.record({ delay: timeout.valid, percentage: percentage.valid }),
      abort: fc.record({ httpStatus: fc.constantFrom(500), percentage: percentage.valid }),
    }),
  ),
  fc.oneof(
    fc.constant<FaultInjection>({}),
    fc.constantFrom(200, 600, 450.5).map((httpStatus): FaultInjection => ({ abort: { httpStatus, percentage: 10 } })),
    invalidOf(percentage).map((p): FaultInjection => ({ delay: { delay: Duration.seconds(1), percentage: p } })),
    invalidOf(timeout).map((delay): FaultInjection => ({ delay: { delay, percentage: 10 } })),
  ),
);

const rewriteName = fc.constantFrom('x-a', 'x-b', 'X-C', 'cache-control', 'toString');
const headerValue = fc.constantFrom('yes', 'no-store', 'a b');
/** Header changes of one direction: names never both set and added, or changed and removed. */
const modifier: Gen<HeaderModifier> = gen(
  fc
    .record({
      set: fc.dictionary(rewriteName, headerValue, { maxKeys: 2 }),
      add: fc.dictionary(rewriteName, headerValue, { maxKeys: 2 }),
      remove: fc.uniqueArray(fc.constantFrom('server', 'x-debug', 'X-Powered-By'), { maxLength: 2 }),
    })
    .map(({ set, add, remove }) => {
      const setNames = Object.keys(set).map((n) => n.toLowerCase());
      return {
        set,
        add: Object.fromEntries(Object.entries(add).filter(([n]) => !setNames.includes(n.toLowerCase()))),
        remove,
      };
    }),
  fc.constantFrom<HeaderModifier>(
    { set: { 'x-a': '' } },
    { set: { 'x-a': 'one\ntwo' } },
    { add: { 'bad name': '1' } },
    { remove: ['bad name'] },
    { set: { 'x-a': '1' }, remove: ['X-A'] },
    { set: { 'x-a': '1' }, add: { 'x-a': '2' } },
    { set: { 'x-a': '1', 'X-A': '2' } },
    { remove: ['x-debug', 'X-Debug'] },
    { set: { constructor: '1' } },
    { add: JSON.parse('{"__proto__": "1"}') },
  ),
);
/** Request and response header changes. */
export const headers: Gen<HeaderRewrite> = recordGen<HeaderRewrite>({ request: optionalGen(modifier), response: optionalGen(modifier) });

/** A backend by revision index, with a weight or the default 1. */
export interface BackendChoice {
  readonly revision: number;
  readonly weight?: number;
}

/**
 * Weighted backends across `revisions` revisions: each listed once, one
 * weight above 0; invalid: no backend, all weights 0, a bad weight, a
 * revision twice, or a revision of another service (index -1).
 */
export function backends(revisions: number): Gen<BackendChoice[]> {
  const weight = optional(fc.constantFrom(0, 1, 5, 10, 50, 90, 100));
  const valid = fc
    .shuffledSubarray([...Array(revisions).keys()], { minLength: 1 })
    .chain((picked) => fc.tuple(...picked.map((revision) => weight.map((w) => defined({ revision, weight: w })))))
    .filter((chosen) => chosen.some((b) => (b.weight ?? 1) > 0));
  return gen(
    valid,
    fc.oneof(
      fc.constant<BackendChoice[]>([]),
      fc.constant<BackendChoice[]>([{ revision: 0, weight: 0 }]),
      fc.constantFrom(-1, 1.5, 1_000_001).map((w): BackendChoice[] => [{ revision: 0, weight: w }]),
      fc.constant<BackendChoice[]>([{ revision: 0 }, { revision: 0 }]),
      fc.constant<BackendChoice[]>([{ revision: -1 }]),
    ),
  );
}

/** A route as generated: revisions by index. */
export interface RouteChoice {
  readonly matches?: HttpMatch[];
  readonly backends: BackendChoice[];
  readonly timeout?: Duration;
  readonly retries?: RouteRetries;
  readonly fault?: FaultInjection;
  readonly mirror?: { readonly revision: number; readonly percentage?: number };
  readonly headers?: HeaderRewrite;
}

/** A prop given one time in `1 + absent` (default 1 in 3); left out is valid. */
const sometimes = <T>(g: Gen<T>, absent = 2): Gen<T | undefined> =>
  gen(fc.oneof({ arbitrary: fc.constant(undefined), weight: absent }, { arbitrary: g.valid, weight: 1 }), g.invalid);

/**
 * Routes over `revisions` revisions: targeted (with matches) or catch-all,
 * every other prop given now and then; mostly sound, else with one defect. A
 * mirror goes to a revision outside the route's backends.
 */
export function route(revisions: number, targeted: boolean, defectPercent: number): fc.Arbitrary<RouteChoice> {
  const backendChoices = backends(revisions);
  return backendChoices.valid.chain((chosen) => {
    const outside = [...Array(revisions).keys()].filter((i) => !chosen.some((b) => b.revision === i));
    const mirror = gen<RouteChoice['mirror']>(
      outside.length === 0
        ? fc.constant(undefined)
        : fc.record({ revision: fc.constantFrom(...outside), percentage: optional(percentage.valid) }).map((m) => defined(m)),
      fc.oneof(
        fc.constant({ revision: -1 }),
        fc.constant({ revision: chosen[0].revision }),
        invalidOf(percentage).map((p) => ({ revision: outside[0] ?? 0, percentage: p })),
      ),
    );
    return withDefect<RouteChoice>(
      {
        matches: targeted ? targetedMatches : gen(fc.constant(undefined)),
        backends: gen(fc.constant(chosen), backendChoices.invalid),
        timeout: sometimes(timeout),
        retries: sometimes(routeRetries, 3),
        // Linkerd refuses faults and mirrors: rare, so that most Linkerd tables are accepted
        fault: sometimes(fault, 12),
        mirror: sometimes(mirror, 10),
        headers: sometimes(headers, 3),
      },
      defectPercent,
    );
  });
}

/** A service's circuit breaker. */
export const circuitBreaker: Gen<CircuitBreaker> = (() => {
  const count = gen(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0, 1.5, 2 ** 31));
  const outlier = recordGen({
    consecutiveErrors: count,
    interval: optionalGen(gen(fc.constantFrom(Duration.seconds(10), Duration.millis(500)), fc.constant(Duration.millis(0)))),
    baseEjectionTime: optionalGen(gen(fc.constantFrom(Duration.seconds(30), Duration.minutes(2)), fc.constant(Duration.millis(1.5)))),
    maxEjectionPercent: optionalGen(gen(fc.constantFrom(10, 50, 100), fc.constantFrom(0, 150, 12.5))),
  });
  return recordGen<CircuitBreaker>({
    maxConnections: optionalGen(count),
    maxPendingRequests: optionalGen(count),
    maxRequestsPerConnection: optionalGen(count),
    outlierDetection: optionalGen(outlier),
  });
})();

const ISSUERS = ['https://accounts.example.com', 'https://login.partner.example/tenant'];
/** A token issuer: a key set by URI or inline, audiences, and now and then where the token is read and claims forwarded. */
const jwtIssuer: Gen<JwtIssuer> = recordGen<JwtIssuer>({
  issuer: gen(fc.constantFrom(...ISSUERS), fc.constantFrom('accounts.example.com', 'http://accounts.example.com', '', 'https://user:pw@example.com')),
  jwksUri: gen(
    fc.constantFrom('https://accounts.example.com/.well-known/jwks.json', 'https://keys.example.com/jwks'),
    fc.constantFrom('ftp://keys.example.com', 'https://', 'keys'),
  ),
  jwks: gen(fc.constant(undefined), fc.constantFrom('{"keys":[{"kty":"RSA","n":"abc","e":"AQAB"}]}', '{"keys":[]}', 'not json')),
  audiences: gen(fc.uniqueArray(fc.constantFrom('shop', 'shop-admin', 'api://orders'), { minLength: 1, maxLength: 2 }), fc.constantFrom<string[]>([], [''], ['a b'], ['shop', 'shop'])),
  fromHeaders: optionalGen(gen(
    fc.constantFrom<JwtHeaderLocation[]>([{ name: 'authorization', prefix: 'Bearer ' }], [{ name: 'x-token' }]),
    fc.constantFrom<JwtHeaderLocation[]>([{ name: 'bad header' }], [{ name: 'x-token' }, { name: 'X-Token' }]),
  )),
  fromCookies: optionalGen(gen(fc.constantFrom<string[]>(['session'], ['sid', 'token']), fc.constantFrom<string[]>(['a;b'], ['']))),
  fromParams: optionalGen(gen(fc.constantFrom<string[]>(['access_token']), fc.constantFrom<string[]>(['a b']))),
  outputClaimToHeaders: optionalGen(gen(
    fc.constantFrom<ClaimToHeader[]>([{ header: 'x-user', claim: 'sub' }], [{ header: 'x-tenant', claim: 'https://example.com/tenant' }]),
    fc.constantFrom<ClaimToHeader[]>([{ header: 'x.user', claim: 'sub' }], [{ header: 'x-user', claim: 'a[b]' }], [{ header: 'x-user', claim: '' }]),
  )),
});

/** Which requests need a token: paths (exact or prefix), methods, claims. */
const tokenRequirement: Gen<TokenRequirement> = recordGen<TokenRequirement>({
  paths: optionalGen(gen(
    // a regex path is valid in the model, and refused by Istio (its AuthorizationPolicy paths are exact or prefix)
    fc.uniqueArray(
      fc.oneof(
        fc.constantFrom('/admin', '/api/orders/', '/').map((p) => PathMatch.prefix(p)),
        fc.constant(PathMatch.exact('/metrics')),
        fc.constant(PathMatch.regex('/v[0-9]+/admin')),
      ),
      { minLength: 1, maxLength: 2, selector: (p) => `${p.type} ${p.value}` },
    ),
    fc.constantFrom<PathMatch[]>([PathMatch.prefix('admin')], [PathMatch.regex('(?=a)')]),
  )),
  methods: optionalGen(gen(fc.constantFrom<HttpMethod[]>(['POST'], ['PUT', 'DELETE']), fc.constantFrom<HttpMethod[]>(['FETCH' as HttpMethod], ['POST', 'POST']))),
  claims: optionalGen(gen(
    fc.constantFrom<ClaimRequirement[]>([{ claim: 'groups', values: ['admin'] }], [{ claim: 'scope', values: ['orders:write', 'orders:admin'] }]),
    fc.constantFrom<ClaimRequirement[]>([{ claim: 'groups', values: [] }], [{ claim: '', values: ['x'] }], [{ claim: 'a]b', values: ['x'] }]),
  )),
});

/**
 * End-user authentication of a service: one or two issuers (each named
 * once), requirements mostly left to the default (every request).
 */
export const authentication: Gen<EndUserAuthentication> = recordGen<EndUserAuthentication>({
  issuers: gen(
    fc.uniqueArray(jwtIssuer.valid, { minLength: 1, maxLength: 2, selector: (i) => i.issuer }),
    fc.oneof(fc.constant<JwtIssuer[]>([]), jwtIssuer.invalid!.map((i) => [i]), jwtIssuer.valid.map((i) => [i, i])),
  ),
  require: optionalGen(gen(
    fc.oneof(
      fc.constant<TokenRequirement[]>([]),
      fc.uniqueArray(tokenRequirement.valid, { minLength: 1, maxLength: 2, selector: (r) => JSON.stringify(r) }),
    ),
    tokenRequirement.invalid!.map((r) => [r]),
  )),
});

/** A local rate limit. */
export const rateLimit: Gen<LocalRateLimit> = recordGen<LocalRateLimit>({
  requests: gen(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0, 1.5, -1)),
  interval: gen(
    fc.constantFrom(Duration.seconds(1), Duration.millis(100), Duration.minutes(1)),
    fc.constantFrom(Duration.millis(10), Duration.millis(0)),
  ),
  burst: gen(fc.constant(undefined), fc.constantFrom(0, 1.5)),
  statusCode: optionalGen(gen(fc.constantFrom(429, 503), fc.constantFrom(200, 418))),
});

/**
 * A service's load balancing: an algorithm, a session affinity (one key) or
 * a slow start beside an algorithm Envoy warms up; invalid ones break a
 * neutral rule (algorithm and affinity together, nothing set, two keys, a
 * bad key, a 0 warm-up).
 */
export const loadBalancing: Gen<LoadBalancing> = gen<LoadBalancing>(
  fc.oneof(
    fc.constantFrom(...Object.values(LoadBalancingAlgorithm)).map((algorithm): LoadBalancing => ({ algorithm })),
    fc.constantFrom<LoadBalancing['sessionAffinity']>(
      { header: 'x-user' },
      { cookie: { name: 'cart-session', ttl: Duration.hours(1), path: '/' } },
      { cookie: { name: 'sid' } },
      { sourceIp: true },
      { queryParameter: 'user' },
    ).map((sessionAffinity): LoadBalancing => ({ sessionAffinity })),
    fc.constantFrom(undefined, LoadBalancingAlgorithm.ROUND_ROBIN, LoadBalancingAlgorithm.LEAST_REQUEST)
      .map((algorithm): LoadBalancing => defined({ algorithm, slowStart: Duration.seconds(30) })),
  ),
  fc.constantFrom<LoadBalancing>(
    {},
    { algorithm: LoadBalancingAlgorithm.RANDOM, sessionAffinity: { sourceIp: true } },
    { sessionAffinity: { header: 'x-user', queryParameter: 'user' } },
    { sessionAffinity: { header: 'bad header' } },
    { sessionAffinity: { cookie: { name: 'sid', path: 'no-slash' } } },
    { sessionAffinity: { sourceIp: false } },
    { slowStart: Duration.millis(0) },
    { algorithm: 'ewma' as LoadBalancingAlgorithm },
  ),
);

/**
 * A service's locality policy: region failover, a failover priority or a
 * distribution; invalid ones break a neutral rule.
 */
export const localityFailover: Gen<LocalityFailover> = gen<LocalityFailover>(
  fc.constantFrom<LocalityFailover>(
    { failover: [{ from: 'us-east1', to: 'us-west1' }] },
    { failoverPriority: ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'] },
    { failover: [{ from: 'eu-west1', to: 'eu-north1' }], failoverPriority: ['example.com/rack'] },
    { distribute: [{ from: 'us-east1/*', to: { 'us-east1/*': 80, 'us-west1/*': 20 } }] },
  ),
  fc.constantFrom<LocalityFailover>(
    {},
    { failover: [{ from: 'us-east1', to: 'us-east1' }] },
    { failover: [{ from: 'us-east1/a', to: 'us-west1' }] },
    { distribute: [{ from: 'us-east1', to: { 'us-east1': 60 } }] },
    { distribute: [{ from: 'a', to: { a: 100 } }], failover: [{ from: 'a', to: 'b' }] },
    { failoverPriority: ['not a label'] },
  ),
);
