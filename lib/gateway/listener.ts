import { IConstruct } from 'constructs';
import { assertObjectName } from '../core/names';
import { checkProps } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';
import { EndUserAuthentication, resolveEndUserAuthentication, ResolvedEndUserAuthentication } from '../traffic/end-user-auth';
import { listenerPropsSchema } from './gateway-schemas';
import { ANY_HOSTNAME, assertHostname } from './hostnames';
import { ListenerTls } from './listener-tls';

/** What a listener speaks. */
export enum ListenerProtocol {
  /** Plain HTTP; takes HTTP routes. */
  HTTP = 'HTTP',
  /** HTTP over TLS; takes HTTP routes; needs `tls`. */
  HTTPS = 'HTTPS',
  /** gRPC (HTTP/2), over TLS when `tls` is given; takes gRPC routes. */
  GRPC = 'GRPC',
  /** Plain TCP connections, whatever they carry; takes TCP routes; needs `port`, no hostnames. */
  TCP = 'TCP',
  /**
   * TLS connections passed through unopened to the backend, which holds the
   * certificate: routed by the SNI hostname; takes TLS routes; needs `port`.
   */
  TLS_PASSTHROUGH = 'TLS',
}

/** The kind of route a listener takes. */
export type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TCPRoute' | 'TLSRoute';

/** The route kind of each protocol. */
const ROUTE_KINDS: Readonly<Record<ListenerProtocol, RouteKind>> = {
  [ListenerProtocol.HTTP]: 'HTTPRoute',
  [ListenerProtocol.HTTPS]: 'HTTPRoute',
  [ListenerProtocol.GRPC]: 'GRPCRoute',
  [ListenerProtocol.TCP]: 'TCPRoute',
  [ListenerProtocol.TLS_PASSTHROUGH]: 'TLSRoute',
};

/**
 * Whether the listener carries connections (TCP, TLS passthrough) rather than HTTP requests.
 *
 * @internal
 */
export function isStreamListener(listener: Pick<Listener, 'protocol'>): boolean {
  return listener.protocol === ListenerProtocol.TCP || listener.protocol === ListenerProtocol.TLS_PASSTHROUGH;
}

/** A port the gateway listens on. */
export interface ListenerProps {
  /** What the listener speaks. */
  readonly protocol: ListenerProtocol;
  /**
   * The port; required for TCP and TLS passthrough.
   * @default - 80 for HTTP and plaintext gRPC, 443 for HTTPS and gRPC over TLS
   */
  readonly port?: number;
  /**
   * The hostnames the listener takes requests for (TLS passthrough: the SNI
   * hostnames it takes connections for; TCP has none); a leading `*.`
   * matches any subdomain (`*.example.com` takes `a.example.com`, not `example.com`).
   * @default - any hostname
   */
  readonly hostnames?: readonly string[];
  /**
   * The certificate: required for HTTPS, optional for gRPC (plaintext
   * HTTP/2 without it), not allowed for HTTP, TCP and TLS passthrough (whose
   * backend holds the certificate).
   * @default - none
   */
  readonly tls?: ListenerTls;
  /**
   * Answer every request with a permanent (301) redirect to `https://` on
   * the gateway's HTTPS listener instead of routing it. HTTP only.
   * @default false
   */
  readonly redirectToHttps?: boolean;
  /**
   * End-user (JWT) authentication of every request the listener takes, on
   * all its routes: the tokens accepted and which requests must present one
   * (a requirement's paths and methods narrow it within the listener). HTTP,
   * HTTPS and gRPC listeners only; rendered as Istio policies on the
   * gateway's proxies, so it needs `GatewayRendering.istio()` or the `istio`
   * GatewayClass. A route of the listener cannot add its own.
   * @default - none: routes may authenticate their own requests
   */
  readonly authentication?: EndUserAuthentication;
}

/** A listener after validation, defaults filled in. */
export interface Listener {
  /** The listener's name, unique on its gateway. */
  readonly name: string;
  readonly protocol: ListenerProtocol;
  readonly port: number;
  /** The hostnames; empty for any. */
  readonly hostnames: readonly string[];
  readonly tls: ListenerTls | undefined;
  readonly redirectToHttps: boolean;
  /** The kind of route the listener takes. */
  readonly routeKind: RouteKind;
  /** The Secret holding the certificate, `undefined` without TLS. */
  readonly secretName: string | undefined;
  /** End-user authentication of every request of the listener, `undefined` for none. */
  readonly authentication: ResolvedEndUserAuthentication | undefined;
}

/**
 * A listener's hostnames, {@link ANY_HOSTNAME} standing for none.
 *
 * @internal
 */
export function listenerHosts(listener: Listener): readonly string[] {
  return listener.hostnames.length > 0 ? listener.hostnames : [ANY_HOSTNAME];
}

/**
 * The names of the Gateway API listeners a listener becomes, one per
 * hostname: `<name>` for one hostname or none, `<name>-<n>` for several.
 *
 * @internal
 */
export function sectionNames(listener: Listener): string[] {
  return listener.hostnames.length <= 1 ? [listener.name] : listener.hostnames.map((_, index) => `${listener.name}-${index + 1}`);
}

/**
 * Validates a listener of gateway `gatewayName`.
 *
 * @throws ValidationError for a malformed port or hostname, a TLS listener
 *   without a certificate, TLS on plain HTTP, or a redirect on a non-HTTP listener
 * @internal
 */
export function resolveListener(name: string, props: ListenerProps, gatewayName: string, scope: IConstruct): Listener {
  const what = `listener '${name}'`;
  checkProps(listenerPropsSchema, props, scope, { prefix: what, name: `${what} props` });
  const { protocol, tls } = props;
  if (!Object.values(ListenerProtocol).includes(protocol)) {
    throw new ValidationError(`${what} protocol must be one of ${Object.values(ListenerProtocol).join(', ')}, got '${protocol}'`, scope);
  }
  if (isStreamListener(props) && props.port === undefined) {
    throw new ValidationError(`${what} is ${protocol}, which has no usual port; give it port (e.g. 5432 for a database)`, scope);
  }
  if (isStreamListener(props) && tls !== undefined) {
    throw new ValidationError(
      `${what} is ${protocol}, which does not terminate TLS (${protocol === ListenerProtocol.TCP ? 'it forwards bytes' : 'the backend holds the certificate'}); drop tls`,
      scope,
    );
  }
  if (protocol === ListenerProtocol.TCP && (props.hostnames ?? []).length > 0) {
    throw new ValidationError(`${what} is TCP, which carries no hostname to match; drop hostnames, or use TLS passthrough to route by SNI`, scope);
  }
  const port = props.port ?? (protocol === ListenerProtocol.HTTPS || (protocol === ListenerProtocol.GRPC && tls) ? 443 : 80);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ValidationError(`${what} port must be 1-65535, got ${port}`, scope);
  }
  const hostnames = [...(props.hostnames ?? [])];
  hostnames.forEach((hostname) => assertHostname(`${what} hostname`, hostname, true, scope));
  if (new Set(hostnames).size !== hostnames.length) {
    throw new ValidationError(`${what} lists a hostname twice (${hostnames.join(', ')}); list each once`, scope);
  }
  if (protocol === ListenerProtocol.HTTPS && tls === undefined) {
    throw new ValidationError(
      `${what} is HTTPS but has no certificate; give it tls: ListenerTls.fromCertManager(CertificateIssuer.clusterIssuer('…')) or ListenerTls.fromSecret('…')`,
      scope,
    );
  }
  if (protocol === ListenerProtocol.HTTP && tls !== undefined) {
    throw new ValidationError(`${what} is plain HTTP and cannot use a certificate; make it HTTPS or drop tls`, scope);
  }
  if (tls?.issuer !== undefined && hostnames.length === 0) {
    throw new ValidationError(
      `${what} asks cert-manager for a certificate but has no hostnames to put in it; give it hostnames or use ListenerTls.fromSecret`,
      scope,
    );
  }
  if (tls?.issuer !== undefined) {
    assertObjectName(`${what} certificate issuer name`, tls.issuer.name, scope);
  }
  if (tls?.secretName !== undefined) {
    assertObjectName(`${what} tls secret name`, tls.secretName, scope);
  }
  const redirectToHttps = props.redirectToHttps ?? false;
  if (redirectToHttps && protocol !== ListenerProtocol.HTTP) {
    throw new ValidationError(`${what} is ${protocol}; only an HTTP listener can redirect to HTTPS, so drop redirectToHttps`, scope);
  }
  return {
    name,
    protocol,
    port,
    hostnames,
    tls,
    redirectToHttps,
    routeKind: ROUTE_KINDS[protocol],
    secretName: tls === undefined ? undefined : tls.secretName ?? `${gatewayName}-${name}-tls`,
    authentication: resolveListenerAuthentication(what, props, scope),
  };
}

/**
 * Validates a listener's end-user authentication.
 *
 * @throws ValidationError for an invalid authentication, or one on a listener that takes no requests to authenticate
 */
function resolveListenerAuthentication(what: string, props: ListenerProps, scope: IConstruct): ResolvedEndUserAuthentication | undefined {
  if (props.authentication === undefined) {
    return undefined;
  }
  if (isStreamListener(props)) {
    throw new ValidationError(
      `${what} is ${props.protocol}, whose connections carry no requests to read a token from; drop authentication, or use an HTTPS listener`,
      scope,
    );
  }
  if (props.redirectToHttps === true) {
    throw new ValidationError(
      `${what} redirects every request to HTTPS, and a token requirement would refuse the redirect itself; put authentication on the HTTPS listener`,
      scope,
    );
  }
  return resolveEndUserAuthentication(`${what} authentication`, props.authentication, scope);
}
