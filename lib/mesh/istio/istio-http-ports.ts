import type { ServiceRoutes } from '../../traffic/service-routes';
import type { ServicePort } from '../../workload/service-port';

/** Port name prefixes by which Istio serves a port as something other than HTTP. */
const NOT_HTTP_PREFIXES = ['tcp', 'tls', 'mongo', 'mysql', 'redis'];

/**
 * The service ports Istio serves as HTTP (or detects the protocol of): TCP
 * ports, except those a TCP route takes and those whose name declares a
 * protocol other than HTTP (`tcp`, `tls`, `mongo`, `mysql`, `redis`).
 *
 * @see https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 */
export function istioHttpServicePorts(routes: ServiceRoutes): ServicePort[] {
  const tcpRouted = new Set(routes.tcpRoutes.map((r) => r.port.name));
  return routes.service.ports.filter((port) =>
    port.protocol === 'TCP' && !tcpRouted.has(port.name) && !NOT_HTTP_PREFIXES.includes(port.name.split('-')[0]));
}

/** The container ports, as strings, of the service's HTTP ports (an AuthorizationPolicy's `ports`). */
export function istioHttpPorts(routes: ServiceRoutes): string[] {
  return istioHttpServicePorts(routes).map((port) => String(port.containerPort));
}
