import { GatewayRoute } from './gateway-route';
import { ANY_HOSTNAME, hostnameCovers, hostnamesIntersect } from './hostnames';
import { Listener, listenerHosts } from './listener';

/**
 * The listeners a route attaches to: those taking its kind of route, not
 * redirecting to HTTPS, with a hostname in common with the route's.
 */
export function attachedListeners(route: GatewayRoute, listeners: readonly Listener[]): Listener[] {
  const routeHosts = route.hostnames.length > 0 ? route.hostnames : [ANY_HOSTNAME];
  return listeners.filter((listener) => listener.routeKind === route.kind && !listener.redirectToHttps
    && listenerHosts(listener).some((l) => routeHosts.some((r) => hostnamesIntersect(l, r))));
}

/**
 * The hostnames a route serves on its listeners: each route hostname within
 * a listener's, narrowed to the listener's where the listener's is narrower
 * ({@link ANY_HOSTNAME} for a route and listener without hostnames), in
 * order, once each.
 */
export function servedHosts(route: GatewayRoute, listeners: readonly Listener[]): string[] {
  const routeHosts = route.hostnames.length > 0 ? route.hostnames : [ANY_HOSTNAME];
  const served: string[] = [];
  for (const listener of attachedListeners(route, listeners)) {
    for (const l of listenerHosts(listener)) {
      for (const r of routeHosts) {
        const host = hostnameCovers(l, r) ? r : hostnameCovers(r, l) ? l : undefined;
        if (host !== undefined && !served.includes(host)) {
          served.push(host);
        }
      }
    }
  }
  return served;
}
