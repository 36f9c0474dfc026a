import { IConstruct } from 'constructs';
import { emitObject } from '../core/emit-object';
import { assertServiceName } from '../core/names';
import { checkProps } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';
import { BackendTarget, GatewayBackendBinding, IGatewayBackend } from './backend-target';
import { externalBackendPropsSchema } from './gateway-schemas';
import { assertHostname } from './hostnames';

/** A service outside the cluster (or outside the stack) behind a gateway. */
export interface ExternalBackendProps {
  /** The name of the `ExternalName` Service the gateway makes for it (a DNS-1035 label). */
  readonly name: string;
  /** The DNS name requests are sent to. */
  readonly hostname: string;
  /**
   * The port requests are sent to, over plain HTTP.
   * @default 80
   */
  readonly port?: number;
}

/** The ExternalName Services made per gateway, by name, with what they point to. */
const MADE = new WeakMap<IConstruct, Map<string, string>>();

/**
 * A service reached by DNS name: the gateway makes an `ExternalName` Service
 * in its namespace, once per name (backends with the same name, hostname and
 * port share it), and routes send to it over plain HTTP (set
 * `rewrite.hostname` when the service expects its own Host header).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#externalname
 */
export class ExternalBackend implements IGatewayBackend {
  constructor(private readonly props: ExternalBackendProps) {}

  public bind(binding: GatewayBackendBinding): BackendTarget[] {
    const { gateway, what } = binding;
    const given = `${what} backend (GatewayBackend.external)`;
    checkProps(externalBackendPropsSchema, this.props, gateway, { prefix: given, name: `${given} props` });
    const { name, hostname } = this.props;
    const port = this.props.port ?? 80;
    if (binding.routeKind === 'GRPCRoute') {
      throw new ValidationError(
        `${what} is a gRPC route, but external backend '${name}' is reached over HTTP/1.1; send gRPC to a microservice with a 'grpc' port`,
        gateway,
      );
    }
    const made = MADE.get(gateway) ?? new Map<string, string>();
    MADE.set(gateway, made);
    const destination = `${hostname}:${port}`;
    const existing = made.get(name);
    if (existing === undefined) {
      assertServiceName(name, 63, gateway);
      assertHostname(`external backend '${name}' hostname`, hostname, false, gateway);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new ValidationError(`external backend '${name}' port must be 1-65535, got ${port}`, gateway);
      }
      emitObject(gateway, `ExternalService-${name}`, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: binding.gatewayNamespace, labels: { ...binding.labels } },
        spec: { type: 'ExternalName', externalName: hostname, ports: [{ name: 'http', port, protocol: 'TCP' }] },
      });
      made.set(name, destination);
    } else if (existing !== destination) {
      throw new ValidationError(
        `external backend name '${name}' already points to ${existing} on this gateway, not ${destination}; give each external service its own name`,
        gateway,
      );
    }
    return [{
      serviceName: name,
      namespace: binding.gatewayNamespace,
      port,
      weight: 1,
      description: `external backend '${name}' (${hostname})`,
      home: gateway,
      admissionProblem: () => undefined,
    }];
  }
}
