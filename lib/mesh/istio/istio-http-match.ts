import { HeaderModifier } from '../../traffic/header-rewrite';
import { HeaderMatch, HttpMatch, MatchType, PathMatch, QueryParamMatch } from '../../traffic/http-match';

// The neutral match model in Istio's HTTPMatchRequest form, shared by the
// mesh's and the gateway's VirtualServices.
// https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest

/** An exact or regex value as an Istio `StringMatch`. */
export function istioStringMatch(type: MatchType, value: string): Record<string, string> {
  return type === MatchType.REGEX ? { regex: value } : { exact: value };
}

/** Header or query conditions as an Istio map from name to `StringMatch`; `undefined` for none. */
export function istioStringMatches(conditions: readonly (HeaderMatch | QueryParamMatch)[] | undefined): Record<string, unknown> | undefined {
  return conditions?.length ? Object.fromEntries(conditions.map((c) => [c.name, istioStringMatch(c.type, c.value)])) : undefined;
}

/** The header, method and query conditions of a match (everything but the path). */
export function istioConditions(match: HttpMatch): Record<string, unknown> {
  return {
    headers: istioStringMatches(match.headers),
    method: match.method && { exact: match.method },
    queryParams: istioStringMatches(match.queryParams),
  };
}

/**
 * The `uri` matches of a path, any one of which must hold. A path prefix
 * matches whole segments (`/api` takes `/api` and `/api/x`, not `/apix`),
 * which Istio's string prefix does not, so it becomes an exact match plus a
 * prefix with `/`. No path is one match without `uri`.
 */
export function istioUriMatches(path: PathMatch | undefined): (Record<string, string> | undefined)[] {
  if (path === undefined) {
    return [undefined];
  }
  if (path.type !== MatchType.PREFIX) {
    return [istioStringMatch(path.type, path.value)];
  }
  const base = segmentPrefix(path);
  return base === '' ? [{ prefix: '/' }] : [{ exact: base }, { prefix: `${base}/` }];
}

/** A prefix path without its trailing slashes ('' for the root). */
export function segmentPrefix(path: PathMatch): string {
  return path.value.replace(/\/+$/, '');
}

/** Header changes as an Istio `HeaderOperations`. */
export function istioHeaderOperations(modifier: HeaderModifier): Record<string, unknown> {
  return { set: modifier.set, add: modifier.add, remove: modifier.remove };
}
