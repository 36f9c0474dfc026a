import { HeaderModifier } from '../../traffic/header-rewrite';
import { MatchType } from '../../traffic/http-match';
import { GatewayRoute } from '../gateway-route';
import { Listener } from '../listener';
import { mirrorShare } from './gateway-api-rules';

/** Most matches per rule in the v1 schemas the library validates against. */
const MAX_MATCHES = 8;
/** Most hostnames, backends and header changes of one kind per route. */
const MAX_ITEMS = 16;
/** What the Gateway API allows in an exact or prefix path: RFC 3986 characters, `%` only in an escape. */
const GATEWAY_PATH = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;
const FIX = 'or render the gateway with GatewayRendering.istio()';

/**
 * What the standard Gateway API (v1) cannot express: retries, rate limits
 * and session affinity (no field in HTTPRoute or GRPCRoute), timeouts on gRPC routes (no field in GRPCRoute),
 * paths with a bare `%` or an encoded `/`, and more matches, hostnames,
 * backends or header changes than one route holds.
 */
export function gatewayApiProblems(routes: readonly GatewayRoute[]): string[] {
  return routes.flatMap((route) => {
    const what = `route '${route.name}'`;
    const problems: string[] = [];
    if (route.retries !== undefined) {
      problems.push(`${what} sets retries, which the standard Gateway API ${route.kind} (v1) has no field for (gateway-api); drop retries ${FIX}`);
    }
    if (route.rateLimit !== undefined) {
      problems.push(
        `${what} has a rate limit, which the standard Gateway API ${route.kind} (v1) has no field for, and Istio names the Envoy routes of ` +
          `Gateway API routes by its own internal scheme, which an EnvoyFilter cannot rely on (gateway-api); drop rateLimit ${FIX}`,
      );
    }
    if (route.sessionAffinity !== undefined) {
      problems.push(
        `${what} pins sessions, which the Gateway API has in its experimental channel only (sessionPersistence, v1.6), and the library ` +
          `writes the standard channel (gateway-api); drop sessionAffinity ${FIX}`,
      );
    }
    if (route.kind === 'GRPCRoute' && route.timeout !== undefined) {
      problems.push(`${what} sets a timeout, which the Gateway API GRPCRoute (v1) has no field for (gateway-api); drop timeout ${FIX}`);
    }
    if (route.kind === 'HTTPRoute') {
      route.matches.forEach((match, index) => {
        const path = match.path;
        if (path !== undefined && path.type !== MatchType.REGEX && (!GATEWAY_PATH.test(path.value) || /%2f/i.test(path.value))) {
          problems.push(
            `${what} match ${index + 1} path '${path.value}' has a '%' that does not start a %XX escape or an encoded '/' (%2F), ` +
              "which the Gateway API refuses (gateway-api); write the path with plain '/' and %XX escapes",
          );
        }
      });
    }
    if (route.matches.length > MAX_MATCHES) {
      problems.push(`${what} has ${route.matches.length} matches, more than the ${MAX_MATCHES} a Gateway API ${route.kind} rule holds (gateway-api); split it into several routes`);
    }
    const counts: Array<[string, number, number]> = [
      ['hostnames', route.hostnames.length, MAX_ITEMS],
      ['backends', route.targets.length, MAX_ITEMS],
      ...modifierCounts('request', route.headers?.request),
      ...modifierCounts('response', route.headers?.response),
    ];
    for (const [field, count, max] of counts.filter(([, n, m]) => n > m)) {
      problems.push(`${what} has ${count} ${field}, more than the ${max} a Gateway API ${route.kind} holds (gateway-api); use at most ${max}`);
    }
    if (route.mirror !== undefined && mirrorShare(route.mirror.percentage) === undefined) {
      problems.push(`${what} mirrors ${route.mirror.percentage}% of requests, a share the Gateway API cannot write as a fraction (gateway-api); round it to 6 decimals`);
    }
    return problems;
  });
}

function modifierCounts(direction: string, modifier: HeaderModifier | undefined): Array<[string, number, number]> {
  if (modifier === undefined) {
    return [];
  }
  return [
    [`${direction} headers set`, Object.keys(modifier.set ?? {}).length, MAX_ITEMS],
    [`${direction} headers added`, Object.keys(modifier.add ?? {}).length, MAX_ITEMS],
    [`${direction} headers removed`, (modifier.remove ?? []).length, MAX_ITEMS],
  ];
}

/**
 * End-user authentication under a GatewayClass other than Istio's: the
 * standard Gateway API (v1) has no JWT validation, and only Istio is known
 * to read the policies the library writes for it.
 */
export function gatewayApiAuthenticationProblems(
  gateway: { readonly routes: readonly GatewayRoute[]; readonly listeners: readonly Listener[] },
  gatewayClassName: string,
): string[] {
  const authenticating = [
    ...gateway.listeners.filter((listener) => listener.authentication !== undefined).map((listener) => `listener '${listener.name}'`),
    ...gateway.routes.filter((route) => route.kind === 'HTTPRoute' && route.authentication !== undefined).map((route) => `route '${route.name}'`),
  ];
  return authenticating.map((what) =>
    `${what} authenticates its requests, which the standard Gateway API (v1) has no field for (gateway-api), and the library ` +
      `writes it as Istio policies, which GatewayClass '${gatewayClassName}' does not read; use gatewayClassName 'istio' ${FIX}`);
}
