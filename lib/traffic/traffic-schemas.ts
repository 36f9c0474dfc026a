import { prop, PropSchema } from '../core/prop-schema';
import { Microservice } from '../workload/microservice';
import { Revision } from '../workload/revision';
import { retryPolicySchema, routeRetriesSchema } from '../workload/workload-schemas';
import type { CircuitBreaker, OutlierDetection } from './circuit-breaker';
import type { ClaimRequirement, ClaimToHeader, EndUserAuthentication, JwtHeaderLocation, JwtIssuer, TokenRequirement } from './end-user-auth';
import type { AbortFault, DelayFault, FaultInjection } from './fault-injection';
import type { HeaderModifier, HeaderRewrite } from './header-rewrite';
import { HeaderMatch, HTTP_METHODS, HttpMatch, MatchType, PathMatch, QueryParamMatch } from './http-match';
import { AffinityCookie, LoadBalancing, LoadBalancingAlgorithm, SessionAffinity } from './load-balancing';
import type { LocalityDistribution, LocalityFailover, RegionFailover } from './locality-failover';
import type { LocalRateLimit } from './rate-limit';
import type { RouteProps } from './route';
import type { RouteBackend } from './route-backend';
import type { ServiceRoutesProps } from './service-routes';
import type { TcpRouteProps } from './tcp-route';
import type { TrafficMirror } from './traffic-mirror';

// The run-time schemas of the traffic model's props (see core/prop-schema):
// types and shapes only; ranges, header syntax and everything between routes
// stay the routes' own checks. Header match values may be credentials
// (Authorization, a tester's token), so they are never shown.


/** A live revision, from `Microservice.revisions` or `addRevision`. */
export const revisionSchema = prop.instance<Revision>('a Revision', (v) => v instanceof Revision, 'a revision from orders.revisions or orders.addRevision');

/** What a match factory was given: a name and a value, the value of a header never shown. */
const conditionArguments = (factory: string, secret: boolean) => prop.object<{ name: string; type: MatchType; value: string }>({
  name: prop.string(`a name such as '${secret ? 'x-user' : 'version'}'`),
  type: prop.oneOf([MatchType.EXACT, MatchType.PREFIX, MatchType.REGEX]),
  value: prop.string(`a value such as '${secret ? 'tester' : 'v2'}'`, { secret }),
}, `the arguments of ${factory}`, `${factory}('${secret ? 'x-user' : 'version'}', '${secret ? 'tester' : 'v2'}')`);

/** A header condition made by HeaderMatch.exact or .regex, with the name and value it was given. */
export const headerMatchSchema: PropSchema<HeaderMatch> = prop
  .instance<HeaderMatch>('a HeaderMatch', (v) => v instanceof HeaderMatch, "HeaderMatch.exact('x-user', 'tester')")
  .pipe(conditionArguments('HeaderMatch.exact', true));

const queryParamMatchSchema: PropSchema<QueryParamMatch> = prop
  .instance<QueryParamMatch>('a QueryParamMatch', (v) => v instanceof QueryParamMatch, "QueryParamMatch.exact('version', 'v2')")
  .pipe(conditionArguments('QueryParamMatch.exact', false));

const pathMatchSchema: PropSchema<PathMatch> = prop
  .instance<PathMatch>('a PathMatch', (v) => v instanceof PathMatch, "PathMatch.prefix('/api')")
  .pipe(prop.object<{ type: MatchType; value: string }>({
    type: prop.oneOf([MatchType.EXACT, MatchType.PREFIX, MatchType.REGEX]),
    value: prop.string("a path such as '/api'"),
  }, 'the argument of PathMatch.prefix', "PathMatch.prefix('/api')"));

/** A list of header conditions. */
export const headerMatchListSchema = prop.list(headerMatchSchema, 'a list of HeaderMatches', "[HeaderMatch.exact('x-user', 'tester')]");

/** The conditions of an HTTP request. */
export const httpMatchSchema = prop.object<HttpMatch>({
  path: pathMatchSchema.optional(),
  headers: headerMatchListSchema.optional(),
  method: prop.oneOf(HTTP_METHODS).optional(),
  queryParams: prop.list(queryParamMatchSchema, 'a list of QueryParamMatches', "[QueryParamMatch.exact('version', 'v2')]").optional(),
}, 'a match', "{ path: PathMatch.prefix('/api') }");

/** A list of matches, any one of which takes the request. */
export const httpMatchListSchema = prop.list(httpMatchSchema, 'a list of matches', "[{ path: PathMatch.prefix('/api') }]");


export { retryPolicySchema, routeRetriesSchema };

const delayFaultSchema = prop.object<DelayFault>({
  delay: prop.duration('Duration.seconds(5)'),
  percentage: prop.number('10'),
}, 'a delay fault', '{ delay: Duration.seconds(5), percentage: 10 }');

const abortFaultSchema = prop.object<AbortFault>({
  httpStatus: prop.number('503'),
  percentage: prop.number('10'),
}, 'an abort fault', '{ httpStatus: 503, percentage: 10 }');

export const faultInjectionSchema = prop.object<FaultInjection>({
  delay: delayFaultSchema.optional(),
  abort: abortFaultSchema.optional(),
}, 'a fault injection', '{ abort: { httpStatus: 503, percentage: 10 } }');

export const trafficMirrorSchema = prop.object<TrafficMirror>({
  revision: revisionSchema,
  percentage: prop.number('10').optional(),
}, 'a traffic mirror', '{ revision: canary }');

const headerModifierSchema = prop.object<HeaderModifier>({
  set: prop.stringMap("{ 'x-env': 'prod' }").optional(),
  add: prop.stringMap("{ 'x-via': 'edge' }").optional(),
  remove: prop.stringList("['x-debug']").optional(),
}, 'header changes', "{ set: { 'x-env': 'prod' } }");

export const headerRewriteSchema = prop.object<HeaderRewrite>({
  request: headerModifierSchema.optional(),
  response: headerModifierSchema.optional(),
}, 'request and response header changes', "{ request: { set: { 'x-env': 'prod' } } }");

const routeBackendSchema = prop.object<RouteBackend>({
  revision: revisionSchema,
  weight: prop.number('90').optional(),
}, 'a backend', '{ revision: stable, weight: 90 }');

/** A list of weighted revisions. */
export const routeBackendListSchema = prop.list(routeBackendSchema, 'a list of backends', '[{ revision: stable, weight: 90 }, { revision: canary, weight: 10 }]');

/** The props of a route of a ServiceRoutes, and of the release strategies' routes. */
export const routeShape = {
  matches: httpMatchListSchema.optional(),
  backends: routeBackendListSchema,
  timeout: prop.duration('Duration.seconds(10)').optional(),
  retries: routeRetriesSchema.optional(),
  fault: faultInjectionSchema.optional(),
  mirror: trafficMirrorSchema.optional(),
  headers: headerRewriteSchema.optional(),
} satisfies { readonly [K in keyof RouteProps]-?: PropSchema<RouteProps[K]> };

export const routePropsSchema = prop.object<RouteProps>(routeShape, 'an object of route props', '{ backends: [{ revision: stable }] }');

/** The props of a TCP route of a ServiceRoutes. */
export const tcpRoutePropsSchema = prop.object<TcpRouteProps>({
  port: prop.string("a port name such as 'tcp-postgres'").optional(),
  backends: routeBackendListSchema,
}, 'an object of TCP route props', "{ port: 'tcp-postgres', backends: [{ revision: stable }] }");

const outlierDetectionSchema = prop.object<OutlierDetection>({
  consecutiveErrors: prop.number('5'),
  interval: prop.duration('Duration.seconds(10)').optional(),
  baseEjectionTime: prop.duration('Duration.seconds(30)').optional(),
  maxEjectionPercent: prop.number('50').optional(),
}, 'an outlier detection', '{ consecutiveErrors: 5 }');

export const circuitBreakerSchema = prop.object<CircuitBreaker>({
  maxConnections: prop.number('100').optional(),
  maxPendingRequests: prop.number('50').optional(),
  maxRequestsPerConnection: prop.number('10').optional(),
  outlierDetection: outlierDetectionSchema.optional(),
}, 'a circuit breaker', '{ maxConnections: 100 }');

const jwtIssuerSchema = prop.object<JwtIssuer>({
  issuer: prop.string("an issuer URL such as 'https://accounts.example.com'"),
  jwksUri: prop.string("a key set URL such as 'https://accounts.example.com/.well-known/jwks.json'").optional(),
  jwks: prop.string('a JSON Web Key Set such as \'{"keys": [...]}\'').optional(),
  audiences: prop.stringList("['shop']"),
  fromHeaders: prop.list(prop.object<JwtHeaderLocation>({
    name: prop.string("a header name such as 'authorization'"),
    prefix: prop.string("a prefix such as 'Bearer '").optional(),
  }, 'a token header', "{ name: 'authorization', prefix: 'Bearer ' }"), 'a list of token headers', "[{ name: 'authorization', prefix: 'Bearer ' }]").optional(),
  fromCookies: prop.stringList("['session']").optional(),
  fromParams: prop.stringList("['access_token']").optional(),
  outputClaimToHeaders: prop.list(prop.object<ClaimToHeader>({
    header: prop.string("a header name such as 'x-user-id'"),
    claim: prop.string("a claim such as 'sub'"),
  }, 'a claim to copy into a header', "{ header: 'x-user-id', claim: 'sub' }"), 'a list of claims to copy into headers', "[{ header: 'x-user-id', claim: 'sub' }]").optional(),
}, 'a token issuer', "{ issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/jwks.json', audiences: ['shop'] }");

const claimRequirementSchema = prop.object<ClaimRequirement>({
  claim: prop.string("a claim such as 'groups'"),
  values: prop.stringList("['admin']"),
}, 'a claim requirement', "{ claim: 'groups', values: ['admin'] }");

const tokenRequirementSchema = prop.object<TokenRequirement>({
  paths: prop.list(pathMatchSchema, 'a list of PathMatches', "[PathMatch.prefix('/admin')]").optional(),
  methods: prop.list(prop.oneOf(HTTP_METHODS), 'a list of HTTP methods', "['POST']").optional(),
  claims: prop.list(claimRequirementSchema, 'a list of claim requirements', "[{ claim: 'groups', values: ['admin'] }]").optional(),
}, 'a token requirement', "{ paths: [PathMatch.prefix('/admin')] }");

/** End-user (JWT) authentication: issuers and which requests must present a token. */
export const endUserAuthenticationSchema = prop.object<EndUserAuthentication>({
  issuers: prop.list(jwtIssuerSchema, 'a list of token issuers', "[{ issuer: 'https://accounts.example.com', jwksUri: …, audiences: ['shop'] }]"),
  require: prop.list(tokenRequirementSchema, 'a list of token requirements', '[{}]').optional(),
}, 'an end-user authentication', "{ issuers: [{ issuer: 'https://accounts.example.com', jwksUri: …, audiences: ['shop'] }] }");

/** A local (per pod) rate limit. */
export const localRateLimitSchema = prop.object<LocalRateLimit>({
  requests: prop.number('100'),
  interval: prop.duration('Duration.seconds(1)'),
  burst: prop.number('200').optional(),
  statusCode: prop.number('429').optional(),
}, 'a local rate limit', '{ requests: 100, interval: Duration.seconds(1) }');

/** A session affinity: one of a header, a cookie, the source IP or a query parameter. */
export const sessionAffinitySchema = prop.object<SessionAffinity>({
  header: prop.string("a header name such as 'x-user'").optional(),
  cookie: prop.object<AffinityCookie>({
    name: prop.string("a cookie name such as 'session'"),
    ttl: prop.duration('Duration.hours(1)').optional(),
    path: prop.string("a path such as '/'").optional(),
  }, 'an affinity cookie', "{ name: 'session', ttl: Duration.hours(1) }").optional(),
  sourceIp: prop.boolean().optional(),
  queryParameter: prop.string("a query parameter such as 'user'").optional(),
}, 'a session affinity', "{ cookie: { name: 'session', ttl: Duration.hours(1) } }");

/** A load-balancing policy. */
export const loadBalancingSchema = prop.object<LoadBalancing>({
  algorithm: prop.oneOf(Object.values(LoadBalancingAlgorithm) as [LoadBalancingAlgorithm, ...LoadBalancingAlgorithm[]]).optional(),
  sessionAffinity: sessionAffinitySchema.optional(),
  slowStart: prop.duration('Duration.seconds(30)').optional(),
}, 'a load-balancing policy', '{ algorithm: LoadBalancingAlgorithm.ROUND_ROBIN }');

/** A locality failover policy. */
export const localityFailoverSchema = prop.object<LocalityFailover>({
  failover: prop.list(prop.object<RegionFailover>({
    from: prop.string("a region such as 'us-east1'"),
    to: prop.string("a region such as 'us-west1'"),
  }, 'a region failover', "{ from: 'us-east1', to: 'us-west1' }"), 'a list of region failovers', "[{ from: 'us-east1', to: 'us-west1' }]").optional(),
  failoverPriority: prop.stringList("['topology.kubernetes.io/region', 'topology.kubernetes.io/zone']").optional(),
  distribute: prop.list(prop.object<LocalityDistribution>({
    from: prop.string("a locality such as 'us-east1/*'"),
    to: prop.map(prop.number('80'), 'an object of localities to percentages', "{ 'us-east1/*': 80, 'us-west1/*': 20 }"),
  }, 'a locality distribution', "{ from: 'us-east1/*', to: { 'us-east1/*': 80, 'us-west1/*': 20 } }"), 'a list of locality distributions').optional(),
}, 'a locality failover', "{ failover: [{ from: 'us-east1', to: 'us-west1' }] }");

export const serviceRoutesPropsSchema = prop.object<ServiceRoutesProps>({
  service: prop.instance<Microservice>('a Microservice', (v) => v instanceof Microservice, 'the Microservice whose requests are routed'),
  circuitBreaker: circuitBreakerSchema.optional(),
  authentication: endUserAuthenticationSchema.optional(),
  rateLimit: localRateLimitSchema.optional(),
  loadBalancing: loadBalancingSchema.optional(),
  localityFailover: localityFailoverSchema.optional(),
}, 'an object of ServiceRoutes props', '{ service: orders }');
