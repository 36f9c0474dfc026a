import { gatewayApiHeaderFilter, gatewayApiMatch } from '../../traffic/gateway-api-form';
import type { Route } from '../../traffic/route';
import type { ServicePort } from '../../workload/service-port';

/**
 * One neutral route as a rule of a policy.linkerd.io/v1beta3 HTTPRoute:
 * - matches as written (Linkerd's path prefix matches whole segments, like
 *   the neutral one); a catch-all is a prefix '/';
 * - request header changes as a rule filter, response header changes as a
 *   filter of every backend (the only place the schema allows them);
 * - the weighted revisions as backend Services, by the per-revision Service
 *   (named like the revision) and the port (weights are proportional, as in Linkerd);
 * - the timeout as `timeouts.request` (the whole request, retries included).
 *
 * @see https://linkerd.io/2/reference/httproute/
 */
export function linkerdRule(route: Route, port: ServicePort): Record<string, unknown> {
  const request = route.headers?.request;
  const response = route.headers?.response;
  return {
    matches: route.isCatchAll ? [{ path: { type: 'PathPrefix', value: '/' } }] : route.matches.map(gatewayApiMatch),
    filters: request === undefined ? undefined : [{ type: 'RequestHeaderModifier', requestHeaderModifier: gatewayApiHeaderFilter(request) }],
    backendRefs: route.backends.map((backend) => ({
      kind: 'Service',
      name: backend.target.name,
      port: port.port,
      weight: backend.weight,
      filters: response === undefined ? undefined : [{ type: 'ResponseHeaderModifier', responseHeaderModifier: gatewayApiHeaderFilter(response) }],
    })),
    timeouts: route.timeout === undefined ? undefined : { request: route.timeout },
  };
}
