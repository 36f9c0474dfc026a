import { canonicalJson } from '../../core/content-hash';
import { CircuitBreaker } from '../../traffic/circuit-breaker';
import { millisOf } from '../../traffic/durations';
import { HeaderModifier } from '../../traffic/header-rewrite';
import { RetryOn } from '../../traffic/retry-policy';
import type { ResolvedRetries, Route } from '../../traffic/route';
import type { ServiceRoutes } from '../../traffic/service-routes';
import { HttpRouteLimits } from './linkerd-api';

/**
 * The retry conditions Linkerd has: `retry.linkerd.io/http` lists response
 * statuses (codes, ranges, `5xx`, `gateway-error`), so a failure without a
 * response (a refused connection, a reset, a refused HTTP/2 stream) cannot
 * be named.
 *
 * @see https://linkerd.io/2/reference/retries/
 */
const LINKERD_RETRY_ON: Readonly<Partial<Record<RetryOn, string>>> = {
  [RetryOn.SERVER_ERROR]: '5xx',
  [RetryOn.GATEWAY_ERROR]: 'gateway-error',
};

/** The `retry.linkerd.io/http` value of a retry policy Linkerd can express. */
export function linkerdRetryStatuses(retries: ResolvedRetries): string {
  return retries.retryOn.map((condition) => LINKERD_RETRY_ON[condition]).join(',');
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
  const unsupported = (route.retries?.retryOn ?? []).filter((condition) => LINKERD_RETRY_ON[condition] === undefined);
  if (unsupported.length > 0) {
    errors.push(
      `${where} retries on ${unsupported.map((c) => `'${c}'`).join(', ')}, which linkerd cannot express ` +
        `(retry.linkerd.io/http lists response statuses only); retry on RetryOn.SERVER_ERROR or RetryOn.GATEWAY_ERROR`,
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
  const differing = all.find((route) => canonicalJson(route.retries ?? null) !== canonicalJson(first?.retries ?? null));
  if (first === undefined || differing === undefined) {
    return { retries: first?.retries };
  }
  const describe = (route: Route) => `'${route.name}' (${route.retries ? canonicalJson(route.retries) : 'no retries'})`;
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
