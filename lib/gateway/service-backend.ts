import { IConstruct } from 'constructs';
import { checkProps } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';
import { resolveRevisionBackends, RouteBackend } from '../traffic/route-backend';
import { routeBackendListSchema } from '../traffic/traffic-schemas';
import { admissionProblem } from '../workload/ingress-admission';
import type { Microservice } from '../workload/microservice';
import { revisionService } from '../workload/revision-service';
import { ServicePort } from '../workload/service-port';
import { microserviceSchema } from '../workload/workload-schemas';
import { BackendTarget, GatewayBackendBinding, IGatewayBackend } from './backend-target';
import { serviceBackendOptionsSchema } from './gateway-schemas';
import { RouteKind } from './listener';

/** Options of a microservice backend. */
export interface ServiceBackendOptions {
  /**
   * The service port the gateway sends to, by name or number.
   * @default - the service's only port (required when it has several)
   */
  readonly port?: string | number;
}

/** Istio and the Gateway API implementations speak HTTP/2 to a port named so. */
const HTTP2_PORT_NAME = /^(grpc|http2)(-|$)/;

/**
 * A microservice behind a gateway: its stable Service, or a weighted split
 * across its live revisions through a Service per revision.
 */
export class MicroserviceBackend implements IGatewayBackend {
  constructor(
    private readonly service: Microservice,
    private readonly revisions: readonly RouteBackend[] | undefined,
    private readonly options: ServiceBackendOptions,
  ) {}

  public bind(binding: GatewayBackendBinding): BackendTarget[] {
    const { service } = this;
    const given = `${binding.what} backend (GatewayBackend.${this.revisions === undefined ? 'service' : 'revisions'})`;
    checkProps(microserviceSchema, service, binding.gateway, { name: `${given} service` });
    checkProps(serviceBackendOptionsSchema, this.options, binding.gateway, { prefix: `${given} options`, name: `${given} options` });
    if (this.revisions !== undefined) {
      checkProps(routeBackendListSchema, this.revisions, binding.gateway, { prefix: `${given} backends`, name: `${given} backends` });
    }
    const port = backendPort(service, this.options.port, binding.what, binding.routeKind, binding.gateway);
    if (this.revisions === undefined) {
      return [microserviceTarget(service, service.serviceName, 1, service.serviceName, port)];
    }
    const weighted = resolveRevisionBackends(binding.what, service, this.revisions, binding.gateway);
    return weighted.map(({ target: revision, weight }) => {
      revisionService(service, revision);
      return microserviceTarget(service, revision.name, weight, `${service.serviceName} revision '${revision.track}'`, port);
    });
  }
}

/**
 * A target in a microservice: its stable Service or one of its revisions'
 * Services. The gateway's proxies reach it only if the service's
 * NetworkPolicy and mesh authorization admit the gateway's namespace.
 *
 * @internal
 */
export function microserviceTarget(
  service: Microservice,
  serviceName: string,
  weight: number,
  description: string,
  port: ServicePort,
): BackendTarget {
  return {
    serviceName,
    namespace: service.namespace!,
    port: port.port,
    weight,
    description,
    home: service,
    admissionProblem: (gatewayNamespace) => admissionProblem(service, gatewayNamespace, "the gateway's proxies"),
  };
}

/**
 * The service port a route sends to.
 *
 * @throws ValidationError for a service without ports or namespace, an
 *   unknown port, an ambiguous default, or a gRPC route to a port not named
 *   for HTTP/2
 */
function backendPort(
  service: Microservice,
  port: string | number | undefined,
  what: string,
  routeKind: RouteKind,
  scope: IConstruct,
): ServicePort {
  if (service.namespace === undefined) {
    throw new ValidationError(
      `${what} sends to ${service.serviceName}, which has no namespace, so the gateway cannot address it; give its chart a namespace`,
      scope,
    );
  }
  const known = service.ports.map((p) => `${p.name} (${p.port})`).join(', ');
  if (service.ports.length === 0) {
    throw new ValidationError(`${what} sends to ${service.serviceName}, which exposes no ports; add ports to it or pick another backend`, scope);
  }
  let found: ServicePort | undefined;
  if (port === undefined) {
    if (service.ports.length > 1) {
      throw new ValidationError(`${what} must name the port of ${service.serviceName} to send to, one of ${known}; pass port`, scope);
    }
    found = service.ports[0];
  } else {
    found = service.ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
    if (found === undefined) {
      throw new ValidationError(`${what} sends to port ${JSON.stringify(port)}, which ${service.serviceName} does not expose; use one of ${known}`, scope);
    }
  }
  if (found.protocol !== 'TCP') {
    throw new ValidationError(`${what} sends to port ${found.name} of ${service.serviceName}, which is ${found.protocol}; use a TCP port`, scope);
  }
  if (routeKind === 'GRPCRoute' && !HTTP2_PORT_NAME.test(found.name)) {
    throw new ValidationError(
      `${what} is a gRPC route but port '${found.name}' of ${service.serviceName} is not named for HTTP/2, so the gateway would speak HTTP/1.1 to it; ` +
        "name the port 'grpc' or 'grpc-…'",
      scope,
    );
  }
  return found;
}
