import { canonicalJson } from '../core/content-hash';
import { HeaderMatch, HttpMatch, MatchType, QueryParamMatch, withoutHeaderValues } from '../traffic/http-match';
import { GatewayModel } from './gateway-renderer';
import { GatewayRoute, GrpcMatch } from './gateway-route';
import { hostnamesIntersect } from './hostnames';
import { Listener, ListenerProtocol, listenerHosts } from './listener';
import { attachedListeners, servedHosts } from './route-attachment';

/**
 * The port of the HTTPS listeners a redirecting HTTP listener sends clients
 * to: those sharing a hostname with it, which must agree on one port.
 *
 * @returns the port, or a problem saying why there is none
 */
export function httpsRedirectPort(listener: Listener, listeners: readonly Listener[]): number | string {
  const hosts = listenerHosts(listener);
  const overlaps = (l: Listener) => listenerHosts(l).some((h) => hosts.some((o) => hostnamesIntersect(h, o)));
  const https = listeners.filter((l) => l.protocol === ListenerProtocol.HTTPS && overlaps(l));
  const ports = [...new Set(https.map((l) => l.port))];
  if (ports.length === 1) {
    return ports[0];
  }
  return ports.length === 0
    ? `listener '${listener.name}' redirects to HTTPS, but no HTTPS listener takes its hostnames (${hosts.join(', ')}); add one`
    : `listener '${listener.name}' redirects to HTTPS, but HTTPS listeners for its hostnames are on several ports (${ports.join(', ')}); keep them on one port`;
}

/**
 * Problems between the listeners and routes of a gateway, whatever the
 * rendering: no listener, a redirect with nowhere to go, a route hostname
 * no listener takes, two routes claiming one host and match, a backend that
 * would refuse the gateway's proxies.
 *
 * @param proxyNamespace where the pods that forward the gateway's requests run
 */
export function gatewayProblems(gateway: GatewayModel, proxyNamespace: string): string[] {
  const { listeners, routes } = gateway;
  const problems: string[] = [];
  if (listeners.length === 0) {
    problems.push(`gateway '${gateway.gatewayName}' has no listeners; add one with addListener`);
  }
  for (const listener of listeners.filter((l) => l.redirectToHttps)) {
    const port = httpsRedirectPort(listener, listeners);
    if (typeof port === 'string') {
      problems.push(port);
    }
  }
  for (const route of routes) {
    problems.push(...hostnameProblems(route, listeners));
    const admitted = new Set<string>();
    for (const target of [...route.targets, ...(route.mirror ? [route.mirror.target] : [])]) {
      const problem = target.admissionProblem(proxyNamespace);
      if (problem !== undefined && !admitted.has(problem)) {
        admitted.add(problem);
        problems.push(`route '${route.name}' sends to ${target.description}, but ${problem}`);
      }
    }
  }
  problems.push(...duplicateMatches(routes, listeners));
  return problems;
}

function hostnameProblems(route: GatewayRoute, listeners: readonly Listener[]): string[] {
  const kind = route.kind === 'GRPCRoute' ? 'gRPC' : 'HTTP(S)';
  const candidates = listeners.filter((l) => l.routeKind === route.kind && !l.redirectToHttps);
  const taken = candidates.map((l) => `${l.name}: ${listenerHosts(l).join(', ')}`).join('; ');
  if (candidates.length === 0) {
    return [`route '${route.name}' has no ${kind} listener to attach to (one that does not redirect); add one to the gateway`];
  }
  const outside = route.hostnames.filter((h) => !candidates.some((l) => listenerHosts(l).some((lh) => hostnamesIntersect(lh, h))));
  return outside.map((h) =>
    `route '${route.name}' serves hostname '${h}', which no ${kind} listener takes (${taken}); add '${h}' to a listener's hostnames or drop it from the route`);
}

/**
 * Two routes that claim the same request on one host: the second is never
 * used. And a regular-expression path on a host with a catch-all route:
 * regular expressions rank after every path prefix (Exact > PathPrefix >
 * RegularExpression, the order Istio gives Gateway API routes), so the
 * catch-all takes their requests first.
 */
function duplicateMatches(routes: readonly GatewayRoute[], listeners: readonly Listener[]): string[] {
  const claimed = new Map<string, string>();
  const problems: string[] = [];
  for (const route of routes) {
    if (attachedListeners(route, listeners).length === 0) {
      continue;
    }
    const keys = route.kind === 'HTTPRoute' ? httpMatchKeys(route.matches) : grpcMatchKeys(route.matches);
    // the same keys with header values left out, for the message
    const shown = route.kind === 'HTTPRoute' ? httpMatchKeys(route.matches.map(withoutHeaderValues)) : grpcMatchKeys(route.matches.map(withoutHeaderValues));
    for (const host of servedHosts(route, listeners)) {
      for (const [index, key] of keys.entries()) {
        const slot = `${route.kind} ${host} ${key}`;
        const owner = claimed.get(slot);
        if (owner !== undefined && owner !== route.name) {
          problems.push(
            `routes '${owner}' and '${route.name}' both take ${shown[index]} on host '${host}', so one of them is never used; merge them or make their matches differ`,
          );
        }
        claimed.set(slot, owner ?? route.name);
      }
    }
  }
  const catchAllKey = `HTTPRoute %s ${httpMatchKeys([])[0]}`;
  for (const route of routes) {
    if (route.kind !== 'HTTPRoute' || !route.matches.some((m) => m.path?.type === MatchType.REGEX)) {
      continue;
    }
    const host = servedHosts(route, listeners).find((h) => claimed.has(catchAllKey.replace('%s', h)));
    if (host !== undefined) {
      problems.push(
        `route '${route.name}' matches a regular-expression path, which ranks after every path prefix (Exact > PathPrefix > RegularExpression), ` +
          `so the catch-all route '${claimed.get(catchAllKey.replace('%s', host))}' on host '${host}' takes its requests first; ` +
          'match a path prefix instead, or give the catch-all route a narrower match',
      );
    }
  }
  return problems;
}

/** The matches in a canonical form: no match is a prefix '/', a prefix's trailing '/' does not count. */
function httpMatchKeys(matches: readonly HttpMatch[]): string[] {
  const all = matches.length === 0 ? [{}] : matches;
  return all.map((m: HttpMatch) => {
    const path = m.path ?? { type: MatchType.PREFIX, value: '/' };
    const value = path.type === MatchType.PREFIX ? path.value.replace(/\/+$/, '') || '/' : path.value;
    return canonicalJson({
      path: { type: path.type, value },
      method: m.method,
      headers: sorted(m.headers),
      queryParams: sorted(m.queryParams),
    });
  });
}

function grpcMatchKeys(matches: readonly GrpcMatch[]): string[] {
  const all = matches.length === 0 ? [{}] : matches;
  return all.map((m: GrpcMatch) => canonicalJson({ service: m.service, method: m.method, headers: sorted(m.headers) }));
}

function sorted(conditions: readonly (HeaderMatch | QueryParamMatch)[] | undefined): unknown[] | undefined {
  return conditions?.length ? [...conditions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : undefined;
}
