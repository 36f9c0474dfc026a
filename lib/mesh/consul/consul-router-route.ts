import { suffixedName } from '../../core/names';
import { HeaderModifier } from '../../traffic/header-rewrite';
import { HeaderMatch, HttpMatch, MatchType, PathMatch, QueryParamMatch } from '../../traffic/http-match';
import type { Route } from '../../traffic/route';
import { consulRetries } from './consul-capabilities';

/**
 * One neutral route as the routes of a ServiceRouter, one per match (a
 * Consul route has one match), each with the same destination:
 * - a path prefix matches whole segments, as the neutral one does, so
 *   `/api` becomes `pathExact: /api` plus `pathPrefix: /api/` (Consul's
 *   prefix is a string prefix);
 * - a matched route to one revision goes to its subset; a matched route to
 *   several goes to its split service (see {@link consulSplitServiceName}),
 *   whose own ServiceSplitter weighs them; the catch-all goes to the service
 *   without a subset, so the service's ServiceSplitter weighs its revisions;
 * - the timeout as `requestTimeout`, retries as `numRetries`, `retryOn` and
 *   `retryOnStatusCodes`, header changes as `requestHeaders` /
 *   `responseHeaders`.
 *
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/service-router
 * @internal
 */
export function consulRouterRoutes(route: Route, serviceName: string): Record<string, unknown>[] {
  const destination = consulDestination(route, serviceName);
  if (route.isCatchAll) {
    return [{ destination }];
  }
  return route.matches.flatMap((match) => pathMatches(match.path).map((path) => ({
    match: { http: { ...path, ...conditions(match) } },
    destination,
  })));
}

/**
 * The virtual service a matched route with several revisions goes to,
 * `<service>-split-<route>` (cut with a hash past 63 characters): a name with
 * a ServiceSplitter and ServiceDefaults but no instances, whose splits are
 * subsets of the service. A router destination without a subset continues
 * to the splitter of the service it names.
 *
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/service-router#routes-destination-service
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/service-splitter#splits-service
 * @internal
 */
export function consulSplitServiceName(serviceName: string, routeName: string): string {
  return suffixedName(serviceName, `split-${routeName}`);
}

/**
 * Whether a route is a matched one splitting its requests between revisions,
 * which goes through its own split service.
 *
 * @internal
 */
export function splitsMatchedRequests(route: Route): boolean {
  return !route.isCatchAll && route.backends.length > 1;
}

function consulDestination(route: Route, serviceName: string): Record<string, unknown> {
  const retries = consulRetries(route);
  const request = route.headers?.request;
  const response = route.headers?.response;
  const split = splitsMatchedRequests(route);
  return {
    service: split ? consulSplitServiceName(serviceName, route.name) : undefined,
    serviceSubset: route.isCatchAll || split ? undefined : route.backends[0].target.track,
    requestTimeout: route.timeout,
    numRetries: retries?.attempts,
    retryOn: retries !== undefined && retries.retryOn.length > 0 ? [...retries.retryOn] : undefined,
    retryOnStatusCodes: retries !== undefined && retries.statusCodes.length > 0 ? [...retries.statusCodes] : undefined,
    requestHeaders: request && headerOperations(request),
    responseHeaders: response && headerOperations(response),
  };
}

/** The path conditions of a match, any one of which must hold; one without a path condition when it has none. */
function pathMatches(path: PathMatch | undefined): Record<string, string>[] {
  if (path === undefined) {
    return [{}];
  }
  if (path.type === MatchType.EXACT) {
    return [{ pathExact: path.value }];
  }
  if (path.type === MatchType.REGEX) {
    return [{ pathRegex: path.value }];
  }
  const base = path.value.replace(/\/+$/, '');
  return base === '' ? [{ pathPrefix: '/' }] : [{ pathExact: base }, { pathPrefix: `${base}/` }];
}

function conditions(match: HttpMatch): Record<string, unknown> {
  return {
    header: match.headers?.length ? match.headers.map(stringMatch) : undefined,
    queryParam: match.queryParams?.length ? match.queryParams.map(stringMatch) : undefined,
    methods: match.method && [match.method],
  };
}

function stringMatch(condition: HeaderMatch | QueryParamMatch): Record<string, string> {
  return condition.type === MatchType.REGEX ? { name: condition.name, regex: condition.value } : { name: condition.name, exact: condition.value };
}

function headerOperations(modifier: HeaderModifier): Record<string, unknown> {
  return { add: modifier.add, set: modifier.set, remove: modifier.remove && [...modifier.remove] };
}
