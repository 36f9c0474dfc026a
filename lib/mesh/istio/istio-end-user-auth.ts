import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { suffixedName } from '../../core/names';
import { issuerPrincipals, JwtIssuer, ResolvedEndUserAuthentication, ResolvedTokenRequirement } from '../../traffic/end-user-auth';
import { MatchType, PathMatch } from '../../traffic/http-match';
import { segmentPrefix } from './istio-http-match';

// End-user authentication in Istio's security API, shared by the mesh's
// services and the Istio-run gateways:
// - a RequestAuthentication with one jwtRule per issuer: a request with an
//   invalid token is refused (401), one without a token passes unauthenticated;
// - a DENY AuthorizationPolicy refusing, within each requirement's scope, a
//   request without a token of those issuers (`notRequestPrincipals`) or whose
//   claims miss the values required (`notValues`). DENY is evaluated before
//   ALLOW, so it adds to the deny-by-default authorization: the caller must
//   still be admitted by its ALLOW policy. (An ALLOW policy requiring
//   `requestPrincipals` would not: ALLOW policies are alternatives, so the
//   callers' ALLOW policy would still admit requests without a token.)
// https://istio.io/latest/docs/reference/config/security/request_authentication/
// https://istio.io/latest/docs/reference/config/security/authorization-policy/

/** The workload a policy applies to: pods by label, or a Gateway API Gateway by reference. */
export type IstioPolicyTarget =
  | { readonly selector: Readonly<Record<string, string>> }
  | { readonly gatewayName: string };

/** One scope of a DENY rule as Istio operations; `undefined` for every request. */
export type IstioOperations = Record<string, unknown>[] | undefined;

/** Where a policy goes. */
export interface IstioPolicyPlace {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly target: IstioPolicyTarget;
}

/** Emits the RequestAuthentication `name` accepting the issuers' tokens (read at synth). */
export function emitIstioRequestAuthentication(scope: Construct, name: string, place: IstioPolicyPlace, issuers: () => readonly JwtIssuer[]): void {
  emitObject(scope, 'RequestAuthentication', {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'RequestAuthentication',
    metadata: { name, namespace: place.namespace, labels: { ...place.labels } },
    spec: { ...workload(place.target), jwtRules: Lazy.any({ produce: () => issuers().map(istioJwtRule) }) },
  });
}

/** Emits the DENY AuthorizationPolicy `<name>-require-token` (cut with a hash past 63 characters) with the rules of {@link istioDenyRules} (read at synth). */
export function emitIstioRequireToken(scope: Construct, name: string, place: IstioPolicyPlace, rules: () => Record<string, unknown>[]): void {
  emitObject(scope, 'RequireToken', {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'AuthorizationPolicy',
    metadata: { name: suffixedName(name, 'require-token'), namespace: place.namespace, labels: { ...place.labels } },
    spec: { ...workload(place.target), action: 'DENY', rules: Lazy.any({ produce: rules }) },
  });
}

function workload(target: IstioPolicyTarget): Record<string, unknown> {
  return 'selector' in target
    ? { selector: { matchLabels: { ...target.selector } } }
    : { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: target.gatewayName }] };
}

/** An issuer as an Istio `JWTRule`. */
function istioJwtRule(issuer: JwtIssuer): Record<string, unknown> {
  return {
    issuer: issuer.issuer,
    jwksUri: issuer.jwksUri,
    jwks: issuer.jwks,
    audiences: [...issuer.audiences],
    fromHeaders: issuer.fromHeaders?.map((h) => ({ name: h.name, prefix: h.prefix })),
    fromCookies: issuer.fromCookies && [...issuer.fromCookies],
    fromParams: issuer.fromParams && [...issuer.fromParams],
    outputClaimToHeaders: issuer.outputClaimToHeaders?.map((o) => ({ header: o.header, claim: o.claim })),
  };
}

/**
 * The DENY rules of one authentication within `scope` (the requests it
 * covers; `undefined` for every request) on `ports` (the workload's HTTP
 * ports: a DENY rule of HTTP attributes alone would refuse every connection
 * to a TCP port): for each requirement, one rule refusing requests without a
 * token of its issuers, and one per required claim refusing tokens without
 * one of its values. A requirement's own paths and methods narrow the scope.
 *
 * @param ports the ports, as strings; `undefined` for every port (a workload that serves HTTP only)
 */
export function istioDenyRules(auth: ResolvedEndUserAuthentication, scope: IstioOperations, ports?: readonly string[]): Record<string, unknown>[] {
  const principals = issuerPrincipals(auth);
  return auth.require.flatMap((requirement) => {
    const to = onPorts(narrowed(scope, requirement), ports);
    return [
      { from: [{ source: { notRequestPrincipals: principals } }], to },
      ...requirement.claims.map((claim) => ({ to, when: [{ key: `request.auth.claims[${claim.claim}]`, notValues: [...claim.values] }] })),
    ];
  });
}

function onPorts(scope: IstioOperations, ports: readonly string[] | undefined): IstioOperations {
  if (ports === undefined) {
    return scope;
  }
  return (scope ?? [{ operation: {} }]).map((entry) => ({ operation: { ports: [...ports], ...(entry.operation as Record<string, unknown>) } }));
}

/** The `paths` of an Istio operation for exact and prefix paths; `undefined` when one of them is every path. */
export function istioPolicyPaths(paths: readonly PathMatch[]): string[] | undefined {
  const out: string[] = [];
  for (const path of paths) {
    if (path.type === MatchType.EXACT) {
      out.push(path.value);
    } else if (path.type === MatchType.PREFIX) {
      const base = segmentPrefix(path);
      if (base === '') {
        return undefined;
      }
      out.push(base, `${base}/*`);
    }
  }
  return out;
}

/** `scope` narrowed to a requirement's paths and methods (regular-expression paths are refused before rendering). */
function narrowed(scope: IstioOperations, requirement: ResolvedTokenRequirement): IstioOperations {
  const paths = requirement.paths.length > 0 ? istioPolicyPaths(requirement.paths) : undefined;
  const methods = requirement.methods.length > 0 ? [...requirement.methods] : undefined;
  if (paths === undefined && methods === undefined) {
    return scope;
  }
  const own = { paths, methods };
  return (scope ?? [{ operation: {} }]).map((entry) => ({ operation: { ...(entry.operation as Record<string, unknown>), ...own } }));
}
