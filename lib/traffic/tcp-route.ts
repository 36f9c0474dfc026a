import { IConstruct } from 'constructs';
import { checkProps } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';
import type { Microservice } from '../workload/microservice';
import type { Revision } from '../workload/revision';
import type { ServicePort } from '../workload/service-port';
import { resolveRevisionBackends, RouteBackend } from './route-backend';
import { tcpRoutePropsSchema } from './traffic-schemas';
import { Weighted } from './weights';

/**
 * Props of a TCP route: the connections to one port of the service (a
 * database, a broker: anything that is not HTTP) and the revisions that take
 * them. A connection goes to one revision for its whole life; weights share
 * out new connections, not requests.
 */
export interface TcpRouteProps {
  /**
   * The name of the service port whose connections the route takes; it must
   * be a TCP port.
   * @default - the service's only port (required when it has several)
   */
  readonly port?: string;
  /** The revisions taking the connections, with their weights. */
  readonly backends: readonly RouteBackend[];
}

/** A TCP route after validation, in the neutral form the mesh providers compile. */
export interface TcpRoute {
  /** The route's name, unique per service among its HTTP and TCP routes. */
  readonly name: string;
  /** The service port the route takes connections for. */
  readonly port: ServicePort;
  /** The revisions and their proportional weights. */
  readonly backends: readonly Weighted<Revision>[];
}

/**
 * Validates a TCP route of `service` and brings it into its neutral form.
 *
 * @throws ValidationError naming the route for an unknown or non-TCP port, or invalid backends
 * @internal
 */
export function resolveTcpRoute(name: string, props: TcpRouteProps, service: Microservice, scope: IConstruct): TcpRoute {
  const what = `TCP route '${name}'`;
  checkProps(tcpRoutePropsSchema, props, scope, { prefix: what, name: `${what} props` });
  const port = tcpRoutePort(what, props.port, service, scope);
  const backends = resolveRevisionBackends(what, service, props.backends, scope);
  return { name, port, backends };
}

function tcpRoutePort(what: string, name: string | undefined, service: Microservice, scope: IConstruct): ServicePort {
  const names = service.ports.map((p) => `'${p.name}'`).join(', ');
  if (name === undefined && service.ports.length !== 1) {
    throw new ValidationError(`${what} has no port, and ${service.serviceName} has several (${names}); name the port the route takes`, scope);
  }
  const port = name === undefined ? service.ports[0] : service.ports.find((p) => p.name === name);
  if (port === undefined) {
    throw new ValidationError(`${what} port '${name}' is not a port of ${service.serviceName} (ports: ${names}); name one of them`, scope);
  }
  if (port.protocol !== 'TCP') {
    throw new ValidationError(`${what} port '${port.name}' of ${service.serviceName} is ${port.protocol}, not TCP; route a TCP port`, scope);
  }
  return port;
}
