import { assertDnsLabel, DNS_LABEL_MAX_LENGTH } from '../../core/names';
import { checkProps } from '../../core/prop-schema';
import { ValidationError } from '../../core/validation-error';
import { admissionProblem } from '../../workload/ingress-admission';
import type { Microservice } from '../../workload/microservice';
import { ServicePort } from '../../workload/service-port';
import { microserviceSchema } from '../../workload/workload-schemas';
import { EventDestination, EventSinkBinding, IEventSink } from './event-sink';
import { serviceSinkOptionsSchema } from './eventing-schemas';

/** Options of a microservice as an event sink. */
export interface ServiceSinkOptions {
  /**
   * The service port events go to, by name or number. Knative addresses a
   * Kubernetes Service sink as `http://<name>.<namespace>.svc.<cluster domain>`,
   * that is on port 80, so this must be the service's port 80; for another
   * port use `EventSink.uri` with the port in the URL.
   * @default - the service's port 80
   */
  readonly port?: string | number;
  /**
   * The URL path events are posted to, starting with '/'.
   * @default - the root, '/'
   */
  readonly path?: string;
  /**
   * The namespace of Knative Eventing, whose pods (a broker's dispatcher, the
   * PingSource adapter) deliver the events; the service must admit it.
   * @default 'knative-eventing'
   */
  readonly eventingNamespace?: string;
}

/**
 * The namespace Knative Eventing is installed in by default.
 *
 * @internal
 */
export const KNATIVE_EVENTING_NAMESPACE = 'knative-eventing';

/** The only port Knative reaches a Kubernetes Service sink on (the http default). */
const SINK_PORT = 80;

/** An absolute URL path: segments of RFC 3986 path characters, no '.' or '..' segment. */
const URL_PATH = /^(\/(?!\.\.?(\/|$))([A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)+$/;

/**
 * A microservice's stable Service as an event sink: a `v1` `Service`
 * reference, with the path as a relative URI. Knative Eventing's pods
 * deliver to it, so the service must admit their namespace when a
 * NetworkPolicy or mesh authorization guards it.
 */
export class MicroserviceSink implements IEventSink {
  /** Use `EventSink.service`. */
  constructor(
    private readonly service: Microservice,
    private readonly options: ServiceSinkOptions,
  ) {}

  /**
   * @throws ValidationError for a service without namespace or port 80, a
   *   port other than 80, a malformed path, or a service that would refuse
   *   Knative Eventing's pods
   */
  public bindSink(binding: EventSinkBinding): EventDestination {
    const { service, options } = this;
    const { scope, what } = binding;
    const given = `${what} sink (the options given to EventSink.service)`;
    checkProps(microserviceSchema, service, scope, { name: `${what} sink (the service given to EventSink.service)` });
    checkProps(serviceSinkOptionsSchema, options, scope, { prefix: given, name: given });
    const name = service.serviceName;
    if (service.namespace === undefined) {
      throw new ValidationError(`${what} delivers to ${name}, which has no namespace, so Knative cannot address it; give its chart a namespace`, scope);
    }
    sinkPort(service, options.port, binding);
    const path = options.path;
    if (path !== undefined && !URL_PATH.test(path)) {
      throw new ValidationError(
        `${what} delivers to path '${path}' of ${name}, which is not a URL path; pass one that starts with '/', such as '/events', with no '.' or '..' segments`,
        scope,
      );
    }
    const eventingNamespace = options.eventingNamespace ?? KNATIVE_EVENTING_NAMESPACE;
    assertDnsLabel('eventingNamespace', eventingNamespace, DNS_LABEL_MAX_LENGTH, scope);
    const problem = admissionProblem(service, eventingNamespace, 'the Knative Eventing pods that deliver events');
    if (problem !== undefined) {
      throw new ValidationError(`${what} delivers to ${name}, but ${problem}`, scope);
    }
    return {
      ref: { apiVersion: 'v1', kind: 'Service', name, namespace: service.namespace },
      uri: path,
    };
  }
}

/**
 * The service port a sink delivers to: port 80, the only one Knative reaches.
 *
 * @throws ValidationError for an unknown port, a port other than 80, no port 80, or a UDP or SCTP port
 */
function sinkPort(service: Microservice, port: string | number | undefined, binding: EventSinkBinding): ServicePort {
  const { scope, what } = binding;
  const name = service.serviceName;
  const known = service.ports.map((p) => `${p.name} (${p.port})`).join(', ');
  const viaUri = (p: ServicePort) => `EventSink.uri('http://${name}.${service.namespace}.svc.cluster.local:${p.port}/')`;
  if (service.ports.length === 0) {
    throw new ValidationError(`${what} delivers to ${name}, which exposes no ports; give it a port 80 or pick another sink`, scope);
  }
  let found: ServicePort | undefined;
  if (port === undefined) {
    found = service.ports.find((p) => p.port === SINK_PORT);
    if (found === undefined) {
      const first = service.ports[0];
      throw new ValidationError(
        `${what} delivers to ${name}, which has no port 80 (it has ${known}), and Knative reaches a Kubernetes Service sink on port 80 only; ` +
          `expose port 80 (e.g. { port: 80, containerPort: ${first.containerPort} }) or use ${viaUri(first)}`,
        scope,
      );
    }
  } else {
    found = service.ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
    if (found === undefined) {
      throw new ValidationError(`${what} delivers to port ${JSON.stringify(port)}, which ${name} does not expose; use one of ${known}`, scope);
    }
    if (found.port !== SINK_PORT) {
      throw new ValidationError(
        `${what} delivers to port ${found.name} (${found.port}) of ${name}, but Knative reaches a Kubernetes Service sink on port 80 only; ` +
          `expose it as port 80 (e.g. { port: 80, containerPort: ${found.containerPort} }) or use ${viaUri(found)}`,
        scope,
      );
    }
  }
  if (found.protocol !== 'TCP') {
    throw new ValidationError(`${what} delivers to port ${found.name} of ${name}, which is ${found.protocol}; Knative delivers over HTTP, so make it a TCP port`, scope);
  }
  return found;
}
