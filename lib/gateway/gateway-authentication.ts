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
import { JwtIssuer, ResolvedEndUserAuthentication } from '../traffic/end-user-auth';
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
// inside that scope, which is checked here. A listener's authentication
// becomes a DENY rule on the listener's port (a Gateway API Gateway, whose
// proxies listen on the listeners' ports) or on the whole gateway (an Istio
// Gateway, whose pods' ports are not its servers'), which is exact only
// while no listener without it shares that scope, also checked here.

/** The routes of a gateway that authenticate their requests. */
function authenticatedRoutes(routes: readonly GatewayRoute[]): HttpGatewayRoute[] {
  return routes.filter((r): r is HttpGatewayRoute => r.kind === 'HTTPRoute' && r.authentication !== undefined);
}

/** The listeners of a gateway that authenticate every request they take. */
function authenticatedListeners(listeners: readonly Listener[]): Listener[] {
  return listeners.filter((l) => l.authentication !== undefined);
}

/** Every authentication of the gateway: its listeners', then its routes', with who has it. */
function gatewayAuthentications(gateway: Pick<GatewayModel, 'listeners' | 'routes'>): Array<{ what: string; auth: ResolvedEndUserAuthentication }> {
  return [
    ...authenticatedListeners(gateway.listeners).map((l) => ({ what: `listener '${l.name}'`, auth: l.authentication! })),
    ...authenticatedRoutes(gateway.routes).map((r) => ({ what: `route '${r.name}'`, auth: r.authentication! })),
  ];
}

/** Every issuer of the gateway's listeners and routes, each once, in the order they name them. */
function gatewayIssuers(gateway: GatewayModel): JwtIssuer[] {
  const issuers = new Map<string, JwtIssuer>();
  for (const { auth } of gatewayAuthentications(gateway)) {
    for (const issuer of auth.issuers) {
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
  const listenerRules = authenticatedListeners(gateway.listeners)
    .flatMap((listener) => istioDenyRules(listener.authentication!, undefined, onListenerPorts ? [String(listener.port)] : undefined));
  return [...listenerRules, ...authenticatedRoutes(gateway.routes).flatMap((route) => {
    const ports = onListenerPorts ? [...new Set(attachedListeners(route, gateway.listeners).map((l) => String(l.port)))] : undefined;
    return istioDenyRules(route.authentication!, routeOperations(route), ports);
  })];
}

/**
 * What the gateway's authentication cannot express in Istio, each message
 * naming the route, `rendering` and the fix: a route matched by headers,
 * query parameters or a regular-expression path (an AuthorizationPolicy
 * scopes by exact or prefix path and method only), another route without the
 * same authentication inside an authenticating route's paths (it would be
 * asked for a token too), and one issuer given differently by two routes
 * (the gateway's proxies accept one definition of each issuer). With
 * `onListenerPorts` (a Gateway API Gateway, whose rules name the listeners'
 * ports), only routes sharing a listener port can be inside another's scope.
 */
export function gatewayAuthenticationProblems(gateway: Pick<GatewayModel, 'listeners' | 'routes'>, rendering: string, onListenerPorts = false): string[] {
  const { routes } = gateway;
  const ports = (route: GatewayRoute) => attachedListeners(route, gateway.listeners).map((l) => l.port);
  const problems: string[] = listenerAuthenticationProblems(gateway, rendering);
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
      if (onListenerPorts && !ports(other).some((port) => ports(route).includes(port))) {
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
  for (const { what, auth } of gatewayAuthentications(gateway)) {
    for (const issuer of auth.issuers) {
      const key = canonicalJson(issuer);
      const first = seen.get(issuer.issuer);
      if (first !== undefined && first !== key) {
        problems.push(
          `${what} gives issuer '${issuer.issuer}' other settings than an earlier listener or route, but the gateway's proxies take one definition ` +
            `of each issuer (${rendering}); give every listener and route the same issuer settings`,
        );
      }
      seen.set(issuer.issuer, first ?? key);
    }
  }
  return problems;
}

/**
 * What of the listeners' authentication Istio cannot express at the
 * gateway: a requirement on a regular-expression path, and a route with an
 * authentication of its own on an authenticated listener (both DENY rules
 * would apply, so a request would need both tokens).
 */
function listenerAuthenticationProblems(gateway: Pick<GatewayModel, 'listeners' | 'routes'>, rendering: string): string[] {
  const problems: string[] = [];
  for (const listener of authenticatedListeners(gateway.listeners)) {
    listener.authentication!.require.forEach((requirement, index) => {
      for (const path of requirement.paths.filter((p) => p.type === MatchType.REGEX)) {
        problems.push(
          `listener '${listener.name}' authentication require ${index + 1} covers the regular-expression path '${path.value}', which an Istio ` +
            `AuthorizationPolicy cannot scope by (${rendering}: its paths are exact or prefix matches); list the paths as PathMatch.exact or PathMatch.prefix`,
        );
      }
    });
  }
  for (const route of authenticatedRoutes(gateway.routes)) {
    for (const listener of authenticatedListeners(attachedListeners(route, gateway.listeners))) {
      problems.push(
        `route '${route.name}' authenticates its requests, but listener '${listener.name}' it takes requests from authenticates every request already, ` +
          `and both token requirements would apply (${rendering}); drop the route's authentication, or attach the route to another listener`,
      );
    }
  }
  return problems;
}

/**
 * What a Gateway API Gateway's listener authentication cannot do when
 * another listener shares its port: Istio's policy on the gateway's proxies
 * scopes it by port, so it would cover the other listener's requests too.
 */
export function sharedPortTokenProblems(listeners: readonly Listener[]): string[] {
  return authenticatedListeners(listeners).flatMap((listener) => listeners
    .filter((other) => other !== listener && other.port === listener.port &&
      canonicalJson(other.authentication ?? null) !== canonicalJson(listener.authentication))
    .map((other) =>
      `listener '${other.name}' shares port ${listener.port} with listener '${listener.name}', which authenticates every request, and Istio ` +
        `scopes that policy by port (gateway-api with the istio GatewayClass), so '${other.name}' would be asked for the token too; ` +
        `give both the same authentication, or move '${other.name}' to another port`));
}

/**
 * What an Istio Gateway's listener authentication cannot do beside another
 * HTTP or gRPC listener without it: its policy names no ports (the pods'
 * ports are not the servers'), so it covers every listener of the gateway.
 */
export function portlessListenerTokenProblems(listeners: readonly Listener[]): string[] {
  const first = authenticatedListeners(listeners)[0];
  if (first === undefined) {
    return [];
  }
  const key = canonicalJson(first.authentication);
  return listeners
    .filter((l) => l.routeKind !== 'TCPRoute' && l.routeKind !== 'TLSRoute' && canonicalJson(l.authentication ?? null) !== key)
    .map((l) =>
      `listener '${l.name}' has no authentication or another one than listener '${first.name}', but an Istio Gateway's policy names no ports ` +
        `on its pods, so '${first.name}''s covers every listener of the gateway (istio); give every HTTP and gRPC listener the same authentication, ` +
        'put the listeners on two gateways, or render with GatewayRendering.gatewayApi({ gatewayClassName: \'istio\' })');
}

/**
 * What an Istio Gateway's token requirement cannot do beside TCP or TLS
 * passthrough listeners: its DENY rules name no ports (the pods' ports are
 * not the servers'), and Istio applies a DENY rule of HTTP attributes to
 * every TCP connection of the pods, refusing them all.
 */
export function portlessTokenProblems(routes: readonly GatewayRoute[], listeners: readonly Listener[]): string[] {
  const requiring = gatewayAuthentications({ listeners, routes }).some(({ auth }) => auth.require.length > 0);
  if (!requiring) {
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
    if (route.kind === 'HTTPRoute' && route.authentication !== undefined) {
      this.add(route.authentication);
    }
  }

  /** Emits what the listener's authentication needs, once per gateway. */
  public addListener(listener: Listener): void {
    if (listener.authentication !== undefined) {
      this.add(listener.authentication);
    }
  }

  private add(authentication: ResolvedEndUserAuthentication): void {
    const { gateway } = this;
    const place = { namespace: gateway.namespace, labels: gateway.labels, target: this.target };
    if (!this.requestAuthentication) {
      this.requestAuthentication = true;
      emitIstioRequestAuthentication(gateway, gateway.gatewayName, place, () => gatewayIssuers(gateway));
    }
    if (!this.requireToken && authentication.require.length > 0) {
      this.requireToken = true;
      emitIstioRequireToken(gateway, gateway.gatewayName, place, () => gatewayDenyRules(gateway, 'gatewayName' in this.target));
    }
  }
}
