import { Construct } from 'constructs';
import { canonicalJson } from '../core/content-hash';
import {
  emitIstioRequestAuthentication,
  emitIstioRequireToken,
  IstioOperations,
  IstioPolicyTarget,
  istioDenyRules,
  istioPolicyPaths,
} from '../mesh/istio/istio-end-user-auth';
import { JwtIssuer } from '../traffic/end-user-auth';
import { HttpMatch, MatchType } from '../traffic/http-match';
import { GatewayModel } from './gateway-renderer';
import { GatewayRoute, HttpGatewayRoute } from './gateway-route';
import { Listener } from './listener';
import { attachedListeners } from './route-attachment';

// End-user authentication at a gateway run by Istio. Istio authorizes a
// request at the gateway's proxy before routing it, by path and method, so
// a route's authentication becomes a DENY rule on the paths and methods of
// its matches, on every hostname of the gateway (a Host header can carry a
// port, so matching hostnames would leave a way around the rule). That is
// exact only while no route without the same authentication takes requests
// inside that scope, which is checked here.

/** The routes of a gateway that authenticate their requests. */
function authenticatedRoutes(routes: readonly GatewayRoute[]): HttpGatewayRoute[] {
  return routes.filter((r): r is HttpGatewayRoute => r.kind === 'HTTPRoute' && r.authentication !== undefined);
}

/** Every issuer of the gateway's routes, each once, in the order the routes name them. */
function gatewayIssuers(routes: readonly GatewayRoute[]): JwtIssuer[] {
  const issuers = new Map<string, JwtIssuer>();
  for (const route of authenticatedRoutes(routes)) {
    for (const issuer of route.authentication!.issuers) {
      if (!issuers.has(issuer.issuer)) {
        issuers.set(issuer.issuer, issuer);
      }
    }
  }
  return [...issuers.values()];
}

/**
 * The DENY rules of every authenticating route, each within the paths and
 * methods of its matches, and, for a Gateway API Gateway, on the ports of
 * the listeners it attaches to (Istio's proxies for such a Gateway listen on
 * the listeners' ports; an Istio Gateway's pods may listen on other ports
 * than its servers', so its rules name none).
 */
function gatewayDenyRules(gateway: GatewayModel, onListenerPorts: boolean): Record<string, unknown>[] {
  return authenticatedRoutes(gateway.routes).flatMap((route) => {
    const ports = onListenerPorts ? [...new Set(attachedListeners(route, gateway.listeners).map((l) => String(l.port)))] : undefined;
    return istioDenyRules(route.authentication!, routeOperations(route), ports);
  });
}

/**
 * What the gateway's authentication cannot express in Istio, each message
 * naming the route, `rendering` and the fix: a route matched by headers,
 * query parameters or a regular-expression path (an AuthorizationPolicy
 * scopes by exact or prefix path and method only), another route without the
 * same authentication inside an authenticating route's paths (it would be
 * asked for a token too), and one issuer given differently by two routes
 * (the gateway's proxies accept one definition of each issuer).
 */
export function gatewayAuthenticationProblems(routes: readonly GatewayRoute[], rendering: string): string[] {
  const problems: string[] = [];
  const authenticated = authenticatedRoutes(routes);
  for (const route of authenticated) {
    route.matches.forEach((match, index) => {
      if ((match.headers ?? []).length > 0 || (match.queryParams ?? []).length > 0 || match.path?.type === MatchType.REGEX) {
        problems.push(
          `route '${route.name}' authenticates its requests, but its match ${index + 1} uses headers, query parameters or a regular-expression path, ` +
            `which Istio cannot authorize by at the gateway (${rendering}: an AuthorizationPolicy scopes by exact or prefix path and method); ` +
            'match by path and method only',
        );
      }
    });
    const auth = canonicalJson(route.authentication);
    for (const other of routes) {
      if (other === route || (other.kind === 'HTTPRoute' && canonicalJson(other.authentication ?? null) === auth)) {
        continue;
      }
      if (otherMatches(other).some((o) => route.matches.length === 0 || route.matches.some((m) => within(o, m)))) {
        problems.push(
          `route '${other.name}' takes requests within the paths of route '${route.name}', which authenticates them differently, and Istio authorizes ` +
            `at the gateway before routing (${rendering}), so '${other.name}' would get '${route.name}''s token requirement too; ` +
            `give both the same authentication, or move '${other.name}' out of those paths`,
        );
      }
    }
  }
  const seen = new Map<string, string>();
  for (const route of authenticated) {
    for (const issuer of route.authentication!.issuers) {
      const key = canonicalJson(issuer);
      const first = seen.get(issuer.issuer);
      if (first !== undefined && first !== key) {
        problems.push(
          `route '${route.name}' gives issuer '${issuer.issuer}' other settings than an earlier route, but the gateway's proxies take one definition ` +
            `of each issuer (${rendering}); give every route the same issuer settings`,
        );
      }
      seen.set(issuer.issuer, first ?? key);
    }
  }
  return problems;
}

/**
 * What an Istio Gateway's token requirement cannot do beside TCP or TLS
 * passthrough listeners: its DENY rules name no ports (the pods' ports are
 * not the servers'), and Istio applies a DENY rule of HTTP attributes to
 * every TCP connection of the pods, refusing them all.
 */
export function portlessTokenProblems(routes: readonly GatewayRoute[], listeners: readonly Listener[]): string[] {
  if (!authenticatedRoutes(routes).some((r) => r.authentication!.require.length > 0)) {
    return [];
  }
  return listeners
    .filter((l) => l.routeKind !== 'HTTPRoute' && l.routeKind !== 'GRPCRoute')
    .map((l) =>
      `listener '${l.name}' takes ${l.routeKind}s, and the gateway's token requirement, which names no ports on an Istio Gateway's pods, ` +
        'would refuse every connection to it (istio: a DENY rule of HTTP attributes refuses all TCP traffic); put the TCP or TLS listener ' +
        'on a gateway of its own, or render the gateway with GatewayRendering.gatewayApi()');
}

/** A route's matches as path-and-method conditions; a gRPC route's as its `/service/method` paths, or every request. */
function otherMatches(route: GatewayRoute): HttpMatch[] {
  if (route.kind === 'HTTPRoute') {
    return route.matches.length > 0 ? [...route.matches] : [{}];
  }
  return [{}];
}

/** Whether every request `inner` takes is within the path and method scope of `outer`. */
function within(inner: HttpMatch, outer: HttpMatch): boolean {
  if (outer.method !== undefined && inner.method !== undefined && inner.method !== outer.method) {
    return false;
  }
  const path = outer.path;
  if (path === undefined) {
    return true;
  }
  const innerPath = inner.path;
  if (innerPath === undefined || innerPath.type === MatchType.REGEX) {
    // a catch-all or a regex path ranks after the outer route's exact or prefix path for the requests both take
    return false;
  }
  if (path.type === MatchType.EXACT) {
    return innerPath.type === MatchType.EXACT && innerPath.value === path.value;
  }
  const base = path.value.replace(/\/+$/, '');
  const value = innerPath.value.replace(/\/+$/, '');
  return value === base || value.startsWith(`${base}/`) || base === '';
}

/** The paths and methods a route's requests have, as Istio operations; `undefined` for every request. */
function routeOperations(route: HttpGatewayRoute): IstioOperations {
  if (route.matches.length === 0) {
    return undefined;
  }
  return route.matches.map((match) => ({
    operation: {
      paths: match.path === undefined ? undefined : istioPolicyPaths([match.path]),
      methods: match.method === undefined ? undefined : [match.method],
    },
  }));
}

/**
 * Emits a gateway's end-user authentication as Istio policies on its
 * proxies, as its routes come: the RequestAuthentication `<gateway>` with the
 * first authenticating route, the DENY AuthorizationPolicy
 * `<gateway>-require-token` with the first route that requires a token;
 * both read the routes at synth.
 */
export class IstioGatewayAuthentication {
  private requestAuthentication = false;
  private requireToken = false;

  constructor(private readonly gateway: Construct & GatewayModel, private readonly target: IstioPolicyTarget) {}

  /** Emits what the route's authentication needs, once per gateway. */
  public addRoute(route: GatewayRoute): void {
    if (route.kind !== 'HTTPRoute' || route.authentication === undefined) {
      return;
    }
    const { gateway } = this;
    const place = { namespace: gateway.namespace, labels: gateway.labels, target: this.target };
    if (!this.requestAuthentication) {
      this.requestAuthentication = true;
      emitIstioRequestAuthentication(gateway, gateway.gatewayName, place, () => gatewayIssuers(gateway.routes));
    }
    if (!this.requireToken && route.authentication.require.length > 0) {
      this.requireToken = true;
      emitIstioRequireToken(gateway, gateway.gatewayName, place, () => gatewayDenyRules(gateway, 'gatewayName' in this.target));
    }
  }
}
