import { canonicalJson } from '../../core/content-hash';
import { CircuitBreaker } from '../../traffic/circuit-breaker';
import { millisOf } from '../../traffic/durations';
import { HeaderModifier } from '../../traffic/header-rewrite';
import type { Route } from '../../traffic/route';
import type { ResolvedRetries } from '../../traffic/route-retries';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { TcpRoute } from '../../traffic/tcp-route';
import type { Microservice } from '../../workload/microservice';
import { MESH_DEFAULT_RETRIES, RetryOn } from '../../workload/retry-policy';
import type { MeshFunction } from '../mesh-provider';
import { HttpRouteLimits } from './linkerd-api';

/**
 * The retry conditions Linkerd has: `retry.linkerd.io/http` lists response
 * statuses (codes, ranges, `5xx`, `gateway-error`), so a failure without a
 * response (a refused connection, a reset, a refused HTTP/2 stream) cannot
 * be named; gRPC statuses go in `retry.linkerd.io/grpc`, which Linkerd reads
 * on a GRPCRoute or a Service but not on the HTTPRoutes this provider writes
 * (whose retry annotations override the Service's).
 *
 * @see https://linkerd.io/2/reference/retries/
 */
const LINKERD_RETRY_ON: Readonly<Partial<Record<RetryOn, string>>> = {
  [RetryOn.SERVER_ERROR]: '5xx',
  [RetryOn.GATEWAY_ERROR]: 'gateway-error',
};

/** The `retry.linkerd.io/http` value of a retry policy Linkerd can express: its conditions, then its statuses. */
export function linkerdRetryStatuses(retries: ResolvedRetries): string {
  return [...retries.retryOn.map((condition) => LINKERD_RETRY_ON[condition]), ...retries.statusCodes.map(String)].join(',');
}

/** A route's retry policy, for Linkerd: the mesh's default is no retries, as no policy. */
export function linkerdRetries(route: Route): ResolvedRetries | undefined {
  return route.retries === MESH_DEFAULT_RETRIES ? undefined : route.retries;
}

/**
 * What a route asks for that Linkerd cannot express, or that the HTTPRoute
 * schema would reject, one message per problem. Each names the feature,
 * the route, the service, 'linkerd' and the fix.
 */
export function unsupportedRouteFeatures(route: Route, routes: ServiceRoutes): string[] {
  const where = `route '${route.name}' of ${routes.service.serviceName}`;
  const errors: string[] = [];
  if (route.fault !== undefined) {
    errors.push(
      `${where} uses fault injection, which linkerd cannot express (its HTTPRoute has no fault filter, only header modifiers and ` +
        `redirects); drop the fault, or inject it in the application or with a faulty revision as a weighted backend`,
    );
  }
  if (route.mirror !== undefined) {
    errors.push(
      `${where} mirrors requests to revision '${route.mirror.revision.track}', which linkerd cannot express ` +
        `(its policy controller refuses the RequestMirror filter); drop the mirror, or send the revision a weighted share instead`,
    );
  }
  const unsupported = (linkerdRetries(route)?.retryOn ?? []).filter((condition) => LINKERD_RETRY_ON[condition] === undefined);
  if (unsupported.length > 0) {
    errors.push(
      `${where} retries on ${unsupported.map((c) => `'${c}'`).join(', ')}, which linkerd cannot express ` +
        '(retry.linkerd.io/http lists response statuses only, and retry.linkerd.io/grpc is not read on the HTTPRoutes this provider writes); ' +
        'retry on RetryOn.SERVER_ERROR, RetryOn.GATEWAY_ERROR or statusCodes',
    );
  }
  errors.push(...schemaLimitErrors(route, where));
  return errors;
}

/** Limits of the HTTPRoute schema the neutral model allows beyond. */
function schemaLimitErrors(route: Route, where: string): string[] {
  const errors: string[] = [];
  const over = (what: string, count: number, limit: number) => {
    if (count > limit) {
      errors.push(`${where} has ${count} ${what}, more than the ${limit} a linkerd HTTPRoute rule allows; split it`);
    }
  };
  over('matches', route.matches.length, HttpRouteLimits.MATCHES);
  over('backends', route.backends.length, HttpRouteLimits.BACKEND_REFS);
  route.matches.forEach((match, index) => {
    over(`header conditions in match ${index + 1}`, (match.headers ?? []).length, HttpRouteLimits.HEADER_MATCHES);
    over(`query parameter conditions in match ${index + 1}`, (match.queryParams ?? []).length, HttpRouteLimits.QUERY_PARAM_MATCHES);
    if (match.path !== undefined && match.path.value.length > HttpRouteLimits.PATH_LENGTH) {
      errors.push(`${where} match ${index + 1} path is ${match.path.value.length} characters, more than the ${HttpRouteLimits.PATH_LENGTH} linkerd allows`);
    }
  });
  for (const [direction, modifier] of [['request', route.headers?.request], ['response', route.headers?.response]] as const) {
    if (modifier !== undefined) {
      errors.push(...modifierErrors(`${where} ${direction} headers`, modifier));
    }
  }
  return errors;
}

function modifierErrors(what: string, modifier: HeaderModifier): string[] {
  const errors: string[] = [];
  for (const [part, count] of [
    ['set', Object.keys(modifier.set ?? {}).length],
    ['add', Object.keys(modifier.add ?? {}).length],
    ['remove', (modifier.remove ?? []).length],
  ] as const) {
    if (count > HttpRouteLimits.HEADER_MODIFIER_ENTRIES) {
      errors.push(`${what} ${part} ${count} headers, more than the ${HttpRouteLimits.HEADER_MODIFIER_ENTRIES} linkerd allows`);
    }
  }
  return errors;
}

/**
 * Retries are annotations of the HTTPRoute, so every rule in it retries
 * alike: the routes of a service must share one retry policy (or all have
 * none). Returns the shared policy, or the error.
 */
export function sharedRetries(routes: ServiceRoutes): { retries?: ResolvedRetries; error?: string } {
  const all = routes.routes;
  const first = all[0];
  const differing = all.find((route) => canonicalJson(linkerdRetries(route) ?? null) !== canonicalJson((first && linkerdRetries(first)) ?? null));
  if (first === undefined || differing === undefined) {
    return { retries: first && linkerdRetries(first) };
  }
  const describe = (route: Route) => {
    const retries = linkerdRetries(route);
    return `'${route.name}' (${retries ? canonicalJson(retries) : 'no retries'})`;
  };
  return {
    error:
      `routes ${describe(first)} and ${describe(differing)} of ${routes.service.serviceName} retry differently, and linkerd sets retries ` +
      'per HTTPRoute (annotations retry.linkerd.io/*) while this provider compiles a routing table into one HTTPRoute per port ' +
      `to keep the declared order; give every route of ${routes.service.serviceName} the same retries, or none`,
  };
}

/**
 * What of a circuit breaker Linkerd cannot express: connection pool limits
 * (the proxy has none), the ejection analysis interval (failure accrual
 * counts every response), and an ejection cap below 100% (Linkerd can take
 * every endpoint out).
 *
 * @see https://linkerd.io/2/reference/circuit-breaking/
 */
export function unsupportedCircuitBreaker(breaker: CircuitBreaker, routes: ServiceRoutes): string[] {
  const name = routes.service.serviceName;
  const errors: string[] = [];
  for (const field of ['maxConnections', 'maxPendingRequests', 'maxRequestsPerConnection'] as const) {
    if (breaker[field] !== undefined) {
      errors.push(
        `circuitBreaker.${field} (${breaker[field]}) of ${name} is a connection pool limit, which linkerd cannot express ` +
          `(its proxy has no connection pool limits); drop it`,
      );
    }
  }
  const outlier = breaker.outlierDetection;
  if (outlier?.interval !== undefined) {
    errors.push(
      `circuitBreaker.outlierDetection.interval (${millisOf(outlier.interval)}ms) of ${name} cannot be expressed in linkerd, ` +
        `whose failure accrual counts consecutive failures as they happen, without an analysis interval; drop it`,
    );
  }
  if (outlier?.maxEjectionPercent !== undefined && outlier.maxEjectionPercent !== 100) {
    errors.push(
      `circuitBreaker.outlierDetection.maxEjectionPercent (${outlier.maxEjectionPercent}) of ${name} cannot be expressed in linkerd, ` +
        `which can take every failing pod out of the load balancer; drop it or set it to 100`,
    );
  }
  return errors;
}

/**
 * A TCP route, which Linkerd cannot express with the policy API this provider
 * writes: policy.linkerd.io has HTTPRoute only, and the Gateway API TCPRoute
 * that newer Linkerd releases read is not among its CRDs.
 */
export function unsupportedTcpRoute(route: TcpRoute, routes: ServiceRoutes): string {
  return (
    `TCP route '${route.name}' of ${routes.service.serviceName} splits connections to port '${route.port.name}' by revision, which linkerd ` +
    'cannot express (its policy.linkerd.io API routes HTTP only: HTTPRoute, no TCP route); drop the TCP route and let the stable ' +
    'Service balance across its revisions, or run the service in an istio mesh'
  );
}

/**
 * What of a service's policies Linkerd cannot express: end-user (JWT)
 * authentication (its proxy validates no tokens: authorization is by mTLS
 * identity and network only) and local rate limits (its policy API has none).
 *
 * @see https://linkerd.io/2/reference/authorization-policy/
 */
export function unsupportedServicePolicies(routes: ServiceRoutes): string[] {
  const name = routes.service.serviceName;
  const errors: string[] = [];
  if (routes.authentication !== undefined) {
    errors.push(
      `authentication of ${name} asks for JWT validation, which linkerd cannot express (its proxy validates no tokens: ` +
        'it authorizes callers by mTLS identity and network only); validate tokens in the application or at a gateway rendered by Istio, or run the service in Istio',
    );
  }
  if (routes.rateLimit !== undefined) {
    errors.push(
      `rateLimit of ${name} asks for a local rate limit, which linkerd cannot express (its proxy has no rate limiting); ` +
        'limit the rate in the application or at the gateway, or run the service in Istio',
    );
  }
  return errors;
}

/** What of a serverless function's policies Linkerd cannot express: end-user (JWT) authentication, as for a service. */
export function unsupportedFunctionPolicies(fn: MeshFunction): string[] {
  return fn.authentication === undefined ? [] : [
    `authentication of function ${fn.name} asks for JWT validation, which linkerd cannot express (its proxy validates no tokens: ` +
      'it authorizes callers by mTLS identity and network only); validate tokens in the function or at a gateway rendered by Istio, or put the function in an Istio mesh',
  ];
}

/**
 * What of a service's load balancing and locality failover Linkerd cannot
 * express: its proxy balances every service by EWMA (exponentially weighted
 * moving average of latency, over the pods it picks two of), with no other
 * algorithm, no consistent hashing (so no session affinity), no slow start,
 * nothing per revision, and no locality failover.
 *
 * @see https://linkerd.io/2/features/load-balancing/
 */
export function unsupportedTrafficPolicy(routes: ServiceRoutes): string[] {
  const name = routes.service.serviceName;
  const errors: string[] = [];
  const lb = routes.loadBalancing;
  const ewmaOnly = 'linkerd balances every service by EWMA (latency-weighted) only';
  if (lb?.algorithm !== undefined) {
    errors.push(`loadBalancing.algorithm '${lb.algorithm}' of ${name} cannot be expressed in linkerd: ${ewmaOnly}; drop the algorithm`);
  }
  if (lb?.sessionAffinity !== undefined) {
    errors.push(
      `loadBalancing.sessionAffinity of ${name} cannot be expressed in linkerd: ${ewmaOnly}, with no consistent hashing; ` +
        'drop the affinity, or keep session state out of the pods',
    );
  }
  if (lb?.slowStart !== undefined) {
    errors.push(`loadBalancing.slowStart of ${name} cannot be expressed in linkerd: ${ewmaOnly}, with no warm-up of new pods; drop slowStart`);
  }
  for (const { revision } of routes.revisionLoadBalancing) {
    errors.push(
      `revision '${revision.track}' of ${name} has load balancing of its own, which cannot be expressed in linkerd: ${ewmaOnly}, ` +
        'the same for every revision; drop addRevisionLoadBalancing',
    );
  }
  if (routes.localityFailover !== undefined) {
    errors.push(
      `localityFailover of ${name} cannot be expressed in linkerd, which has no locality failover (its balancer does not weigh ` +
        'zones or regions); drop localityFailover',
    );
  }
  return errors;
}

/**
 * What a service asks of its external hosts that Linkerd cannot do: it does
 * not originate TLS, and this provider writes no routes to hosts outside the
 * cluster, so neither timeouts nor retries reach them.
 */
export function unsupportedExternalHosts(service: Microservice): string[] {
  return service.externalHosts.flatMap((h) => {
    const what = `externalHosts '${h.host}:${h.port}' of ${service.serviceName}`;
    const errors: string[] = [];
    if (h.tlsOrigination !== undefined) {
      errors.push(`${what} asks for tlsOrigination, which linkerd cannot do (its proxy does not originate TLS to external hosts); call the host over TLS from the service`);
    }
    if (h.timeout !== undefined || h.retries !== undefined) {
      errors.push(
        `${what} sets ${h.timeout !== undefined ? 'a timeout' : 'retries'}, which linkerd cannot apply (it routes no traffic to hosts outside ` +
          'the cluster); set them in the service\'s HTTP client',
      );
    }
    return errors;
  });
}
