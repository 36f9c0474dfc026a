// The traffic layer's public API; its internals (resolvers, match checks) are in lib/internal.ts.
export type { CircuitBreaker, OutlierDetection } from './circuit-breaker';
export type {
  ClaimRequirement, ClaimToHeader, EndUserAuthentication, JwtHeaderLocation, JwtIssuer, ResolvedEndUserAuthentication, ResolvedTokenRequirement,
  TokenRequirement,
} from './end-user-auth';
export type { AbortFault, DelayFault, FaultInjection, ResolvedFault } from './fault-injection';
export type { HeaderModifier, HeaderRewrite } from './header-rewrite';
export { HeaderMatch, MatchType, PathMatch, QueryParamMatch } from './http-match';
export type { HttpMatch, HttpMethod } from './http-match';
export { LoadBalancingAlgorithm } from './load-balancing';
export type { AffinityCookie, LoadBalancing, ResolvedLoadBalancing, ResolvedSessionAffinity, RevisionLoadBalancing, SessionAffinity } from './load-balancing';
export type { LocalityDistribution, LocalityFailover, RegionFailover } from './locality-failover';
export type { LocalRateLimit, ResolvedLocalRateLimit } from './rate-limit';
export { MESH_DEFAULT_RETRIES, RetryOn } from '../workload/retry-policy';
export type { RetryPolicy, RouteRetries } from '../workload/retry-policy';
export type { Route, RouteProps } from './route';
export type { RouteBackend } from './route-backend';
export type { ResolvedRetries } from './route-retries';
export type { IMeshRoutesBinding, IRoutingMesh } from './routing-mesh';
export { ServiceRoutes } from './service-routes';
export type { ServiceRoutesProps } from './service-routes';
export type { TcpRoute, TcpRouteProps } from './tcp-route';
export type { ResolvedMirror, TrafficMirror } from './traffic-mirror';
export type { Weighted } from './weights';
