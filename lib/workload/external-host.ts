import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';

/** A host outside the cluster that a service calls. */
export interface ExternalHostProps {
  /** The DNS name, e.g. 'payments.example.com'; a leading '*.' matches subdomains. */
  readonly host: string;
  /**
   * The port called.
   * @default 443
   */
  readonly port?: number;
  /**
   * The protocol on that port.
   * @default 'TLS'
   */
  readonly protocol?: 'TLS' | 'HTTPS' | 'HTTP' | 'GRPC' | 'TCP';
}

/** An external host, defaults filled in. */
export interface ExternalHost {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'TLS' | 'HTTPS' | 'HTTP' | 'GRPC' | 'TCP';
}

const HOST = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The declared external hosts, checked.
 *
 * @throws ValidationError for a malformed host, a port outside 1-65535 or a host declared twice
 */
export function resolveExternalHosts(hosts: readonly ExternalHostProps[], scope: IConstruct): ExternalHost[] {
  const seen = new Set<string>();
  return hosts.map((h) => {
    const resolved: ExternalHost = { host: h.host, port: h.port ?? 443, protocol: h.protocol ?? 'TLS' };
    if (!HOST.test(resolved.host) || resolved.host.length > 253) {
      throw new ValidationError(
        `externalHosts host must be a lower-case DNS name such as 'api.example.com' or '*.example.com', got '${resolved.host}'`,
        scope,
      );
    }
    if (!Number.isInteger(resolved.port) || resolved.port < 1 || resolved.port > 65535) {
      throw new ValidationError(`externalHosts port of '${resolved.host}' must be 1-65535, got ${resolved.port}`, scope);
    }
    const key = `${resolved.host}:${resolved.port}`;
    if (seen.has(key)) {
      throw new ValidationError(`externalHosts declares ${key} twice; declare each host and port once`, scope);
    }
    seen.add(key);
    return resolved;
  });
}
