import type { ClaimRequirement, ResolvedEndUserAuthentication, ResolvedTokenRequirement } from '../../traffic/end-user-auth';
import { MatchType, PathMatch } from '../../traffic/http-match';
import { consulJwtProviderName } from './consul-jwt-provider';

// End-user authentication in Consul's intentions. Consul's proxies validate a
// token with every JWTProvider an intention names, letting a request without
// a valid one through to the RBAC filter, which admits it only where an allow
// rule of the intentions requires no token or finds one of those providers'
// (its `iss` and the claims of `verifyClaims`). An intention's permissions are
// tried in order and the first whose HTTP match fits is final, token or not:
// so the model's requirements (every one covering a request applies) become
// one permission per region of requests the same requirements cover, the
// most specific first (exact paths, then path prefixes, longest first, then
// every path; within each, the methods some requirement names, then the
// others), each allowing the request with the tokens and claims of all the
// requirements covering it. When that is one permission for every request,
// its token requirement is the intentions' top-level `jwt` instead.
// https://developer.hashicorp.com/consul/docs/reference/config-entry/service-intentions#jwt
// https://developer.hashicorp.com/consul/docs/secure-mesh/intention/jwt

/** A region of request paths, tried in the order of {@link pathRegions}. */
type PathRegion = { readonly exact: string } | { readonly prefix: string } | 'any';

/** The token requirement of a service's intentions. */
export interface ConsulJwtIntentions {
  /** The intentions' top-level `jwt`, when one requirement holds for every request. */
  readonly jwt?: Record<string, unknown>;
  /** The permissions of each admitted source, when requirements differ by path or method. */
  readonly permissions?: Record<string, unknown>[];
}

/**
 * A service's end-user authentication as intentions (require lists at least
 * one requirement, on exact or prefix paths: the rest is refused in
 * consul-capabilities).
 *
 * @internal
 */
export function consulJwtIntentions(auth: ResolvedEndUserAuthentication): ConsulJwtIntentions {
  const providers = auth.issuers.map((i) => consulJwtProviderName(i.issuer));
  const methods = [...new Set(auth.require.flatMap((r) => r.methods))].sort();
  const permissions = pathRegions(auth.require).flatMap((region) => {
    const covering = (method: string | undefined) => auth.require.filter((r) => coversPath(r, region) && coversMethod(r, method));
    const others = covering(undefined);
    const byKey = new Map<string, { methods: string[]; requirements: ResolvedTokenRequirement[] }>();
    for (const method of methods) {
      const requirements = covering(method);
      const key = requirementsKey(requirements);
      if (key !== requirementsKey(others)) {
        byKey.set(key, { methods: [...(byKey.get(key)?.methods ?? []), method], requirements });
      }
    }
    return [
      ...[...byKey.values()].map((group) => permission(http(region, group.methods), group.requirements, providers)),
      permission(http(region, []), others, providers),
    ];
  });
  const [only] = permissions;
  if (permissions.length === 1 && only.jwt !== undefined) {
    return { jwt: only.jwt as Record<string, unknown> };
  }
  return { permissions };
}

/** The path regions of the requirements, most specific first, ending with every path. */
function pathRegions(requirements: readonly ResolvedTokenRequirement[]): PathRegion[] {
  const exacts = new Set<string>();
  const prefixes = new Set<string>();
  for (const path of requirements.flatMap((r) => r.paths)) {
    if (path.type === MatchType.EXACT) {
      exacts.add(path.value);
    } else if (path.type === MatchType.PREFIX && base(path) !== '') {
      exacts.add(base(path));
      prefixes.add(base(path));
    }
  }
  const byLength = [...prefixes].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return [...[...exacts].sort().map((exact) => ({ exact })), ...byLength.map((prefix) => ({ prefix })), 'any'];
}

/** A prefix path without its trailing slashes: `/api` covers `/api` and `/api/…`, `''` every path. */
function base(path: PathMatch): string {
  return path.value.replace(/\/+$/, '');
}

/** Whether every request of the region that reaches its permission is on one of the requirement's paths. */
function coversPath(requirement: ResolvedTokenRequirement, region: PathRegion): boolean {
  if (requirement.paths.length === 0) {
    return true;
  }
  return requirement.paths.some((path) => {
    if (path.type === MatchType.EXACT) {
      return region !== 'any' && 'exact' in region && region.exact === path.value;
    }
    const b = base(path);
    if (path.type !== MatchType.PREFIX) {
      return false;
    }
    if (b === '') {
      return true;
    }
    if (region === 'any') {
      return false;
    }
    // a longer prefix region is tried first, so requests reaching a shorter one are not under it
    return 'exact' in region ? region.exact === b || region.exact.startsWith(`${b}/`) : `${region.prefix}/`.startsWith(`${b}/`);
  });
}

/** Whether the requirement covers `method` (`undefined`: a method no requirement names). */
function coversMethod(requirement: ResolvedTokenRequirement, method: string | undefined): boolean {
  return requirement.methods.length === 0 || (method !== undefined && requirement.methods.includes(method as never));
}

function requirementsKey(requirements: readonly ResolvedTokenRequirement[]): string {
  return requirements.length === 0 ? '' : JSON.stringify(mergedClaims(requirements));
}

function http(region: PathRegion, methods: readonly string[]): Record<string, unknown> {
  const path = region === 'any' ? { pathPrefix: '/' } : 'exact' in region ? { pathExact: region.exact } : { pathPrefix: `${region.prefix}/` };
  return { ...path, methods: methods.length > 0 ? [...methods] : undefined };
}

/**
 * The permission of a region: allow without a token where no requirement
 * covers it; else allow with a token of one of the providers carrying every
 * claim required (one provider entry per combination of accepted values,
 * Consul's entries being alternatives and its claims checked together); deny
 * where two requirements accept no common value of a claim.
 */
function permission(
  httpMatch: Record<string, unknown>,
  requirements: readonly ResolvedTokenRequirement[],
  providers: readonly string[],
): Record<string, unknown> {
  if (requirements.length === 0) {
    return { action: 'allow', http: httpMatch };
  }
  const claims = mergedClaims(requirements);
  if (claims.some((c) => c.values.length === 0)) {
    return { action: 'deny', http: httpMatch };
  }
  const combinations = claims.reduce<{ path: string[]; value: string }[][]>(
    (sets, claim) => sets.flatMap((set) => claim.values.map((value) => [...set, { path: [claim.claim], value }])),
    [[]],
  );
  return {
    action: 'allow',
    http: httpMatch,
    jwt: {
      providers: providers.flatMap((name) => combinations.map((claimSet) => ({ name, verifyClaims: claimSet.length > 0 ? claimSet : undefined }))),
    },
  };
}

/** The claims of all the requirements, by claim name (sorted), each with the values every requirement naming it accepts. */
function mergedClaims(requirements: readonly ResolvedTokenRequirement[]): ClaimRequirement[] {
  const byName = new Map<string, string[]>();
  for (const claim of requirements.flatMap((r) => r.claims)) {
    const before = byName.get(claim.claim);
    byName.set(claim.claim, before === undefined ? [...claim.values] : before.filter((v) => claim.values.includes(v)));
  }
  return [...byName.keys()].sort().map((claim) => ({ claim, values: byName.get(claim)! }));
}
