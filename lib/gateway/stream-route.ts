import { IConstruct } from 'constructs';
import { checkProps } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';
import { BackendTarget, GatewayBackendBinding, IGatewayBackend } from './backend-target';
import { tcpRoutePropsSchema, tlsRoutePropsSchema } from './gateway-schemas';
import { assertHostname, hostnamesIntersect } from './hostnames';
import { Listener, listenerHosts } from './listener';

/** Props of a TCP route: the connections to one TCP listener, and where they go. */
export interface GatewayTcpRouteProps {
  /**
   * The name of the TCP listener whose connections the route takes.
   * @default - the gateway's only TCP listener (required when it has several)
   */
  readonly listener?: string;
  /** Where the connections go: a service's TCP port, or a weighted split across its revisions. */
  readonly backend: IGatewayBackend;
}

/** Props of a TLS passthrough route: the TLS connections for some SNI hostnames, passed through unopened. */
export interface GatewayTlsRouteProps {
  /**
   * The SNI hostnames the route takes, each within the hostnames of a TLS
   * passthrough listener; a leading `*.` matches any subdomain.
   */
  readonly hostnames: readonly string[];
  /** Where the connections go: a service's port that terminates the TLS itself. */
  readonly backend: IGatewayBackend;
}

/**
 * A TCP or TLS passthrough route of a gateway after validation: it forwards
 * whole connections, so it has no matches, filters, timeouts or retries.
 */
export interface StreamGatewayRoute {
  readonly kind: 'TCPRoute' | 'TLSRoute';
  /** The route's name, unique on its gateway. */
  readonly name: string;
  /** The listeners the route attaches to. */
  readonly listeners: readonly Listener[];
  /** The SNI hostnames of a TLS route; empty for a TCP route. */
  readonly hostnames: readonly string[];
  /** Where connections go, weighted. */
  readonly targets: readonly BackendTarget[];
}

/**
 * Validates a TCP route and binds its backend.
 *
 * @throws ValidationError for an unknown or ambiguous listener, or a backend that speaks HTTP only
 * @internal
 */
export function resolveTcpGatewayRoute(
  name: string,
  props: GatewayTcpRouteProps,
  listeners: readonly Listener[],
  binding: GatewayBackendBinding,
): StreamGatewayRoute {
  const { what, gateway: scope } = binding;
  checkProps(tcpRoutePropsSchema, props, scope, { prefix: what, name: `${what} props` });
  const tcp = listeners.filter((l) => l.routeKind === 'TCPRoute');
  const names = tcp.map((l) => `'${l.name}'`).join(', ');
  if (props.listener === undefined && tcp.length > 1) {
    throw new ValidationError(`${what} must name its TCP listener, one of ${names}; pass listener`, scope);
  }
  const listener = props.listener === undefined ? tcp[0] : tcp.find((l) => l.name === props.listener);
  if (listener === undefined) {
    throw new ValidationError(`${what} listener '${props.listener}' is not a TCP listener of the gateway (TCP listeners: ${names}); name one of them`, scope);
  }
  return { kind: 'TCPRoute', name, listeners: [listener], hostnames: [], targets: streamTargets(what, props.backend, binding, scope) };
}

/**
 * Validates a TLS passthrough route and binds its backend.
 *
 * @throws ValidationError for no or malformed hostnames, a hostname no TLS
 *   listener takes, or a backend that speaks HTTP only
 * @internal
 */
export function resolveTlsGatewayRoute(
  name: string,
  props: GatewayTlsRouteProps,
  listeners: readonly Listener[],
  binding: GatewayBackendBinding,
): StreamGatewayRoute {
  const { what, gateway: scope } = binding;
  checkProps(tlsRoutePropsSchema, props, scope, { prefix: what, name: `${what} props` });
  const hostnames = [...props.hostnames];
  if (hostnames.length === 0) {
    throw new ValidationError(`${what} has no hostnames, and a TLS route is chosen by the SNI hostname; give it hostnames`, scope);
  }
  hostnames.forEach((hostname) => assertHostname(`${what} hostname`, hostname, true, scope));
  if (new Set(hostnames).size !== hostnames.length) {
    throw new ValidationError(`${what} lists a hostname twice (${hostnames.join(', ')}); list each once`, scope);
  }
  const tls = listeners.filter((l) => l.routeKind === 'TLSRoute');
  for (const hostname of hostnames) {
    if (!tls.some((l) => listenerHosts(l).some((h) => hostnamesIntersect(h, hostname)))) {
      const taken = tls.map((l) => `${l.name}: ${listenerHosts(l).join(', ')}`).join('; ');
      throw new ValidationError(
        `${what} takes hostname '${hostname}', which no TLS passthrough listener takes (${taken}); add it to a listener's hostnames or drop it`,
        scope,
      );
    }
  }
  const attached = tls.filter((l) => listenerHosts(l).some((h) => hostnames.some((r) => hostnamesIntersect(h, r))));
  return { kind: 'TLSRoute', name, listeners: attached, hostnames, targets: streamTargets(what, props.backend, binding, scope) };
}

function streamTargets(what: string, backend: IGatewayBackend, binding: GatewayBackendBinding, scope: IConstruct): BackendTarget[] {
  const targets = [...backend.bind(binding)];
  const http = targets.find((t) => t.hostname !== undefined);
  if (http !== undefined) {
    throw new ValidationError(`${what} forwards connections to ${http.description}, which is reached over HTTP only (by Host); send them to a microservice`, scope);
  }
  return targets;
}

/**
 * Problems between the stream routes of a gateway: two TCP routes on one
 * listener, or two TLS routes taking one SNI hostname (the second would
 * never be used), and backends that would refuse the gateway's proxies
 * (which run in `proxyNamespace`).
 *
 * @internal
 */
export function streamRouteProblems(routes: readonly StreamGatewayRoute[], proxyNamespace: string): string[] {
  const problems: string[] = [];
  const claimed = new Map<string, string>();
  for (const route of routes) {
    const keys = route.kind === 'TCPRoute'
      ? route.listeners.map((l) => [`listener '${l.name}'`, `TCP ${l.name}`])
      : route.hostnames.map((h) => [`SNI hostname '${h}'`, `TLS ${h}`]);
    for (const [shown, key] of keys) {
      const owner = claimed.get(key);
      if (owner !== undefined) {
        problems.push(`routes '${owner}' and '${route.name}' both take ${shown}, so one of them is never used; merge their backends into one route`);
      }
      claimed.set(key, owner ?? route.name);
    }
    for (const target of route.targets) {
      const problem = target.admissionProblem(proxyNamespace);
      if (problem !== undefined) {
        problems.push(`route '${route.name}' sends to ${target.description}, but ${problem}`);
      }
    }
  }
  return problems;
}
