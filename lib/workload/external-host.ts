import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';
import type { RouteRetries } from './retry-policy';

/** TLS the mesh opens to an external host the service calls in plain HTTP. */
export interface ExternalTlsOrigination {
  /**
   * The port the host serves TLS on.
   * @default 443
   */
  readonly port?: number;
  /**
   * The server name sent in the TLS handshake (SNI), and checked against the host's certificate.
   * @default - the host
   */
  readonly sni?: string;
  /**
   * The file, in the proxy, of the certificate authorities that verify the host's certificate.
   * @default '/etc/ssl/certs/ca-certificates.crt' (the proxy image's system bundle)
   */
  readonly caCertificates?: string;
}

/** A host outside the cluster that a service calls. */
export interface ExternalHostProps {
  /** The DNS name, e.g. 'payments.example.com'; a leading '*.' matches subdomains. */
  readonly host: string;
  /**
   * The port called.
   * @default 443, or 80 with `tlsOrigination`
   */
  readonly port?: number;
  /**
   * The protocol on that port.
   * @default 'TLS', or 'HTTP' with `tlsOrigination`
   */
  readonly protocol?: 'TLS' | 'HTTPS' | 'HTTP' | 'GRPC' | 'TCP';
  /**
   * Have the mesh open TLS to the host: the service calls it in plain HTTP
   * on `port` (protocol 'HTTP'), and its proxy sends the request over TLS,
   * verifying the host's certificate. Needs a mesh (Istio: ServiceEntry
   * port sent to the TLS port + DestinationRule `tls.mode: SIMPLE` with SNI;
   * refused by Linkerd, which does not originate TLS).
   * @default - the service's own protocol reaches the host as it is
   */
  readonly tlsOrigination?: ExternalTlsOrigination;
  /**
   * The time allowed for a whole request to the host, retries included.
   * Needs a mesh and protocol 'HTTP' or 'GRPC' (Istio: a VirtualService for
   * the host; refused by Linkerd).
   * @default - no timeout
   */
  readonly timeout?: Duration;
  /**
   * How failed requests to the host are retried, as a route's retries.
   * Needs a mesh and protocol 'HTTP' or 'GRPC' (Istio: a VirtualService for
   * the host; refused by Linkerd).
   * @default - the mesh's own (Istio: 2 retries on connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes)
   */
  readonly retries?: RouteRetries;
}

/** An external host, defaults filled in. */
export interface ExternalHost {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'TLS' | 'HTTPS' | 'HTTP' | 'GRPC' | 'TCP';
  /**
   * The TLS the mesh opens, port and SNI filled in.
   * @default - none
   */
  readonly tlsOrigination?: Required<ExternalTlsOrigination>;
  /**
   * The request timeout.
   * @default - none
   */
  readonly timeout?: Duration;
  /**
   * The retries.
   * @default - the mesh's own
   */
  readonly retries?: RouteRetries;
}

const HOST = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The declared external hosts, checked.
 *
 * @param inMesh whether the service is in a mesh, which TLS origination, timeouts and retries need
 * @throws ValidationError for a malformed host, a port outside 1-65535, a host declared twice, or
 *   TLS origination, a timeout or retries the host's protocol or the lack of a mesh rule out
 * @internal
 */
export function resolveExternalHosts(hosts: readonly ExternalHostProps[], scope: IConstruct, inMesh: boolean): ExternalHost[] {
  const seen = new Set<string>();
  return hosts.map((h) => {
    const originates = h.tlsOrigination !== undefined;
    const resolved: ExternalHost = {
      host: h.host,
      port: h.port ?? (originates ? 80 : 443),
      protocol: h.protocol ?? (originates ? 'HTTP' : 'TLS'),
      tlsOrigination: h.tlsOrigination && {
        port: h.tlsOrigination.port ?? 443,
        sni: h.tlsOrigination.sni ?? h.host,
        caCertificates: h.tlsOrigination.caCertificates ?? '/etc/ssl/certs/ca-certificates.crt',
      },
      timeout: h.timeout,
      retries: h.retries,
    };
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
    checkCallPolicy(resolved, inMesh, scope);
    return resolved;
  });
}

const SNI = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** TLS origination, a timeout and retries: each needs a mesh, and something the proxy can read. */
function checkCallPolicy(h: ExternalHost, inMesh: boolean, scope: IConstruct): void {
  const asked = [h.tlsOrigination && 'tlsOrigination', h.timeout && 'timeout', h.retries && 'retries'].filter((a) => a !== undefined);
  if (asked.length === 0) {
    return;
  }
  const what = `externalHosts '${h.host}:${h.port}'`;
  if (!inMesh) {
    throw new ValidationError(`${what} sets ${asked.join(', ')}, which only a mesh's proxy applies; give the service the mesh prop or drop them`, scope);
  }
  if (h.tlsOrigination !== undefined) {
    if (h.protocol !== 'HTTP') {
      throw new ValidationError(`${what} asks for tlsOrigination on protocol '${h.protocol}'; the service must call it in plain 'HTTP' for the mesh to open TLS`, scope);
    }
    if (h.host.startsWith('*.')) {
      throw new ValidationError(`${what} asks for tlsOrigination on a wildcard host, which has no one name to resolve and verify; name the host`, scope);
    }
    const { port, sni, caCertificates } = h.tlsOrigination;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ValidationError(`${what} tlsOrigination.port must be 1-65535, got ${port}`, scope);
    }
    if (!SNI.test(sni) || sni.length > 253) {
      throw new ValidationError(`${what} tlsOrigination.sni must be a lower-case DNS name such as 'api.example.com', got '${sni}'`, scope);
    }
    if (!/^\/[^\0\s]*$/.test(caCertificates)) {
      throw new ValidationError(`${what} tlsOrigination.caCertificates must be an absolute file path in the proxy, got ${JSON.stringify(caCertificates)}`, scope);
    }
  }
  if ((h.timeout !== undefined || h.retries !== undefined) && h.protocol !== 'HTTP' && h.protocol !== 'GRPC') {
    throw new ValidationError(
      `${what} sets ${h.timeout ? 'a timeout' : 'retries'} on protocol '${h.protocol}', whose requests the mesh cannot see (they are encrypted or not HTTP); ` +
        "call the host in 'HTTP' (with tlsOrigination for TLS to the host) or 'GRPC', or drop it",
      scope,
    );
  }
}
