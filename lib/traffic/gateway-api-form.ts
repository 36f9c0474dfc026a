import { HeaderModifier } from './header-rewrite';
import { HeaderMatch, HttpMatch, QueryParamMatch } from './http-match';

// The neutral model in the Gateway API's HTTPRoute form, which two backends
// read: the Gateway API itself and Linkerd's policy.linkerd.io HTTPRoute (a
// copy of it). The neutral match types already use the Gateway API's names.
// https://gateway-api.sigs.k8s.io/reference/spec/#httproutematch

/** A match as an `HTTPRouteMatch`. */
export function gatewayApiMatch(match: HttpMatch): Record<string, unknown> {
  return {
    path: match.path && { type: match.path.type, value: match.path.value },
    headers: gatewayApiConditions(match.headers),
    queryParams: gatewayApiConditions(match.queryParams),
    method: match.method,
  };
}

/** Header or query conditions as a list of `{ type, name, value }`; `undefined` for none. */
export function gatewayApiConditions(conditions: readonly (HeaderMatch | QueryParamMatch)[] | undefined): unknown[] | undefined {
  return conditions?.length ? conditions.map((c) => ({ type: c.type, name: c.name, value: c.value })) : undefined;
}

/** Header changes as an `HTTPHeaderFilter`. */
export function gatewayApiHeaderFilter(modifier: HeaderModifier): Record<string, unknown> {
  const pairs = (record: Readonly<Record<string, string>> | undefined) =>
    record && Object.keys(record).length > 0 ? Object.entries(record).map(([name, value]) => ({ name, value })) : undefined;
  return { set: pairs(modifier.set), add: pairs(modifier.add), remove: modifier.remove?.length ? [...modifier.remove] : undefined };
}
