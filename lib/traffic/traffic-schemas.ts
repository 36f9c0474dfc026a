import { prop, PropSchema } from '../core/prop-schema';
import { Microservice } from '../workload/microservice';
import { Revision } from '../workload/revision';
import type { CircuitBreaker, OutlierDetection } from './circuit-breaker';
import type { AbortFault, DelayFault, FaultInjection } from './fault-injection';
import type { HeaderModifier, HeaderRewrite } from './header-rewrite';
import { HeaderMatch, HTTP_METHODS, HttpMatch, MatchType, PathMatch, QueryParamMatch } from './http-match';
import { RetryOn, RetryPolicy } from './retry-policy';
import type { RouteProps } from './route';
import type { RouteBackend } from './route-backend';
import type { ServiceRoutesProps } from './service-routes';
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

export const retryPolicySchema = prop.object<RetryPolicy>({
  attempts: prop.number('3'),
  perTryTimeout: prop.duration('Duration.seconds(2)').optional(),
  retryOn: prop.list(
    prop.oneOf(Object.values(RetryOn) as [RetryOn, ...RetryOn[]]),
    'a list of RetryOn conditions',
    '[RetryOn.GATEWAY_ERROR]',
  ).optional(),
}, 'a retry policy', '{ attempts: 3 }');

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
  retries: retryPolicySchema.optional(),
  fault: faultInjectionSchema.optional(),
  mirror: trafficMirrorSchema.optional(),
  headers: headerRewriteSchema.optional(),
} satisfies { readonly [K in keyof RouteProps]-?: PropSchema<RouteProps[K]> };

export const routePropsSchema = prop.object<RouteProps>(routeShape, 'an object of route props', '{ backends: [{ revision: stable }] }');

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

export const serviceRoutesPropsSchema = prop.object<ServiceRoutesProps>({
  service: prop.instance<Microservice>('a Microservice', (v) => v instanceof Microservice, 'the Microservice whose requests are routed'),
  circuitBreaker: circuitBreakerSchema.optional(),
}, 'an object of ServiceRoutes props', '{ service: orders }');
