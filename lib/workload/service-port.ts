import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';
import { ContainerPortSpec } from './pod-template';

/** A port the service listens on. */
export interface ServicePortProps {
  /**
   * The port's name (an IANA service name: ≤ 15 lower-case letters, digits, '-').
   * @default 'http'
   */
  readonly name?: string;
  /** The port the Service exposes. */
  readonly port: number;
  /**
   * The port the container listens on.
   * @default - the same as `port`
   */
  readonly containerPort?: number;
  /**
   * The protocol.
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** A port of a service, defaults filled in. */
export interface ServicePort extends ContainerPortSpec {
  /** The port the Service exposes. */
  readonly port: number;
}

const IANA_SERVICE_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;

/**
 * The service's ports, defaults filled in.
 *
 * @throws ValidationError for a malformed name, a number outside 1-65535, or a name or number used twice
 * @internal
 */
export function resolvePorts(ports: readonly ServicePortProps[], scope: IConstruct): ServicePort[] {
  const names = new Set<string>();
  const numbers = new Set<string>();
  const containerNumbers = new Set<string>();
  return ports.map((p) => {
    const name = p.name ?? 'http';
    const protocol = p.protocol ?? 'TCP';
    const containerPort = p.containerPort ?? p.port;
    if (!IANA_SERVICE_NAME.test(name) || name.length > 15) {
      throw new ValidationError(
        `port name must be 1-15 lower-case letters, digits or single '-' with at least one letter, got '${name}'`,
        scope,
      );
    }
    for (const [field, value] of [['port', p.port], ['containerPort', containerPort]] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 65535) {
        throw new ValidationError(`${field} must be 1-65535, got ${value}`, scope);
      }
    }
    if (names.has(name)) {
      throw new ValidationError(`port name '${name}' is used twice; give each port its own name`, scope);
    }
    if (numbers.has(`${p.port}/${protocol}`)) {
      throw new ValidationError(`port ${p.port}/${protocol} is declared twice; declare each port once`, scope);
    }
    if (containerNumbers.has(`${containerPort}/${protocol}`)) {
      throw new ValidationError(`containerPort ${containerPort}/${protocol} is declared twice; declare each port once`, scope);
    }
    names.add(name);
    numbers.add(`${p.port}/${protocol}`);
    containerNumbers.add(`${containerPort}/${protocol}`);
    return { name, port: p.port, containerPort, protocol };
  });
}
