import { HeaderModifier } from '../../traffic/header-rewrite';
import { HttpMatch } from '../../traffic/http-match';
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
    matches: route.isCatchAll ? [{ path: { type: 'PathPrefix', value: '/' } }] : route.matches.map(linkerdMatch),
    filters: request === undefined ? undefined : [{ type: 'RequestHeaderModifier', requestHeaderModifier: headerModifier(request) }],
    backendRefs: route.backends.map((backend) => ({
      kind: 'Service',
      name: backend.target.name,
      port: port.port,
      weight: backend.weight,
      filters: response === undefined ? undefined : [{ type: 'ResponseHeaderModifier', responseHeaderModifier: headerModifier(response) }],
    })),
    timeouts: route.timeout === undefined ? undefined : { request: route.timeout },
  };
}

function linkerdMatch(match: HttpMatch): Record<string, unknown> {
  return {
    path: match.path && { type: match.path.type, value: match.path.value },
    headers: match.headers?.length ? match.headers.map((h) => ({ name: h.name, type: h.type, value: h.value })) : undefined,
    method: match.method,
    queryParams: match.queryParams?.length ? match.queryParams.map((q) => ({ name: q.name, type: q.type, value: q.value })) : undefined,
  };
}

function headerModifier(modifier: HeaderModifier): Record<string, unknown> {
  const entries = (record: Readonly<Record<string, string>> | undefined) =>
    record === undefined || Object.keys(record).length === 0 ? undefined : Object.entries(record).map(([name, value]) => ({ name, value }));
  return {
    set: entries(modifier.set),
    add: entries(modifier.add),
    remove: modifier.remove?.length ? [...modifier.remove] : undefined,
  };
}
