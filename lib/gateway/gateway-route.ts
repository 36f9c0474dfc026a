import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkProps } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';
import { formatDuration } from '../traffic/durations';
import { EndUserAuthentication, resolveEndUserAuthentication, ResolvedEndUserAuthentication } from '../traffic/end-user-auth';
import { HeaderRewrite, resolveHeaderRewrite } from '../traffic/header-rewrite';
import { HeaderMatch, HttpMatch, isCatchAll, MatchType, validateMatch } from '../traffic/http-match';
import { ResolvedSessionAffinity, resolveLoadBalancing, SessionAffinity } from '../traffic/load-balancing';
import { assertPercentage } from '../traffic/percentage';
import { LocalRateLimit, ResolvedLocalRateLimit, resolveLocalRateLimit } from '../traffic/rate-limit';
import { assertRevisionOf } from '../traffic/route-backend';
import { ResolvedRetries, resolveRetries } from '../traffic/route-retries';
import { TrafficMirror } from '../traffic/traffic-mirror';
import { Microservice } from '../workload/microservice';
import { RetryPolicy } from '../workload/retry-policy';
import { revisionService } from '../workload/revision-service';
import { BackendTarget, GatewayBackendBinding, IGatewayBackend } from './backend-target';
import { grpcRoutePropsSchema, httpRoutePropsSchema } from './gateway-schemas';
import { assertHostname } from './hostnames';
import { HttpRedirect, PathRewrite, UrlRewrite } from './http-filters';
import { microserviceTarget } from './service-backend';

/** What every gateway route has, HTTP or gRPC. */
export interface GatewayRouteCommonProps {
  /**
   * The hostnames the route serves; each must be within the hostnames of a
   * listener that takes the route's kind.
   * @default - every hostname of those listeners
   */
  readonly hostnames?: readonly string[];
  /**
   * Request and response header changes.
   * @default - none
   */
  readonly headers?: HeaderRewrite;
  /**
   * The time allowed for the whole request, retries included.
   * @default - the gateway implementation's default
   */
  readonly timeout?: Duration;
  /**
   * How failed requests are retried. The standard Gateway API (v1) has no
   * retries, so only the Istio rendering accepts them.
   * @default - no retries
   */
  readonly retries?: RetryPolicy;
  /**
   * A live revision receiving copies of the route's requests (responses
   * dropped), through its own Service.
   * @default - none
   */
  readonly mirror?: TrafficMirror;
  /**
   * A local rate limit on the route's requests: each gateway proxy admits at
   * most `requests` per `interval` to the route (a token bucket per proxy
   * and per hostname the route serves). Only the Istio rendering accepts it
   * (an EnvoyFilter on the route, pinned to the Istio version the library
   * is tested with); the Gateway API and Ingress have no rate limit.
   * @default - no limit
   */
  readonly rateLimit?: LocalRateLimit;
  /**
   * Pin each client to a pod of the route's backend at the gateway, by
   * hashing part of its requests (a header, a cookie, the source IP or a
   * query parameter). It holds within a Service: a weighted split between
   * revisions is decided per request. Only the Istio rendering accepts it (a
   * DestinationRule for the gateway's pods); the Gateway API has session
   * persistence in its experimental channel only.
   * @default - no affinity at the gateway
   */
  readonly sessionAffinity?: SessionAffinity;
}

/** Props of an HTTP route: which requests, and where they go. */
export interface GatewayRouteProps extends GatewayRouteCommonProps {
  /**
   * The requests the route takes: any one of the matches (each match's
   * conditions all hold). Where several routes match a request, the most
   * specific wins, as the Gateway API defines it: an exact path, then the
   * longest prefix, then a method, then the most headers, then the most
   * query parameters; regular-expression paths rank after every prefix;
   * ties go to the route whose name sorts first (the Gateway API's rule for
   * routes created together).
   * @default - every request
   */
  readonly matches?: readonly HttpMatch[];
  /**
   * Where the requests go; give this or `redirect`.
   * @default - none: the route redirects
   */
  readonly backend?: IGatewayBackend;
  /**
   * Answer with a redirect instead of forwarding; give this or `backend`.
   * @default - none: the route forwards to `backend`
   */
  readonly redirect?: HttpRedirect;
  /**
   * Changes to the URL before forwarding.
   * @default - none
   */
  readonly rewrite?: UrlRewrite;
  /**
   * End-user (JWT) authentication of the route's requests at the gateway:
   * the issuers accepted and the claims required (the route's matches are
   * its scope, so its requirements take `claims` only). Rendered as Istio
   * policies on the gateway's proxies (the Istio rendering, or the Gateway
   * API rendering with the `istio` GatewayClass); refused elsewhere.
   * @default - none: requests pass without a token
   */
  readonly authentication?: EndUserAuthentication;
}

/** A gRPC request condition; give `service`, `method`, or both. */
export interface GrpcMatch {
  /**
   * The fully qualified gRPC service, e.g. `shop.cart.v1.Cart`.
   * @default - any service
   */
  readonly service?: string;
  /**
   * The method, e.g. `AddItem`.
   * @default - any method
   */
  readonly method?: string;
  /**
   * Headers (gRPC metadata) that must all match.
   * @default - any headers
   */
  readonly headers?: readonly HeaderMatch[];
}

/** Props of a gRPC route. */
export interface GatewayGrpcRouteProps extends GatewayRouteCommonProps {
  /**
   * The calls the route takes: any one of the matches.
   * @default - every call
   */
  readonly matches?: readonly GrpcMatch[];
  /** Where the calls go: a backend with a port named for gRPC. */
  readonly backend: IGatewayBackend;
}

/** A validated redirect. */
export interface ResolvedRedirect extends HttpRedirect {
  readonly statusCode: 301 | 302;
}

/** A validated mirror: the revision's Service and the share copied. */
export interface ResolvedGatewayMirror {
  readonly target: BackendTarget;
  readonly percentage: number;
}

/** What every validated gateway route has. */
interface GatewayRouteBase {
  /** The route's name, unique on its gateway. */
  readonly name: string;
  /** The hostnames given; empty for those of the listeners. */
  readonly hostnames: readonly string[];
  /** Where requests go, weighted; empty for a redirect. */
  readonly targets: readonly BackendTarget[];
  /**
   * Header changes, names lower-cased.
   * @default - none
   */
  readonly headers?: HeaderRewrite;
  /**
   * The time allowed for the whole request, formatted.
   * @default - no timeout
   */
  readonly timeout?: string;
  /**
   * How failed requests are retried.
   * @default - no retries
   */
  readonly retries?: ResolvedRetries;
  /**
   * Where copies of the requests go.
   * @default - none
   */
  readonly mirror?: ResolvedGatewayMirror;
  /**
   * The local rate limit of the route's requests.
   * @default - none
   */
  readonly rateLimit?: ResolvedLocalRateLimit;
  /**
   * The session affinity at the gateway.
   * @default - none
   */
  readonly sessionAffinity?: ResolvedSessionAffinity;
}

/** A validated HTTP route. */
export interface HttpGatewayRoute extends GatewayRouteBase {
  readonly kind: 'HTTPRoute';
  /** Any one of these matches; empty for every request. */
  readonly matches: readonly HttpMatch[];
  /**
   * The redirect answered instead of forwarding.
   * @default - none
   */
  readonly redirect?: ResolvedRedirect;
  /**
   * Changes to the URL before forwarding.
   * @default - none
   */
  readonly rewrite?: UrlRewrite;
  /**
   * End-user authentication of the route's requests.
   * @default - none
   */
  readonly authentication?: ResolvedEndUserAuthentication;
}

/** A validated gRPC route. */
export interface GrpcGatewayRoute extends GatewayRouteBase {
  readonly kind: 'GRPCRoute';
  /** Any one of these matches; empty for every call. */
  readonly matches: readonly GrpcMatch[];
}

/** A route of a gateway after validation, in the form both renderings compile. */
export type GatewayRoute = HttpGatewayRoute | GrpcGatewayRoute;

const GRPC_SERVICE = /^[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)*$/;
const GRPC_METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;
const REWRITE_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

/**
 * Validates an HTTP route and binds its backend.
 *
 * @throws ValidationError naming the route for any invalid part
 * @internal
 */
export function resolveHttpRoute(name: string, props: GatewayRouteProps, binding: GatewayBackendBinding): HttpGatewayRoute {
  const { what, gateway: scope } = binding;
  checkProps(httpRoutePropsSchema, props, scope, { prefix: what, name: `${what} props` });
  const matches = props.matches ?? [];
  matches.forEach((match, index) => validateMatch(`${what} match ${index + 1}`, match, scope));
  assertOneCatchAll(what, matches.length, matches.some(isCatchAll), scope);
  if ((props.backend === undefined) === (props.redirect === undefined)) {
    throw new ValidationError(`${what} needs exactly one of backend (forward the requests) and redirect (send the client elsewhere); give one`, scope);
  }
  const redirect = props.redirect && resolveRedirect(what, props, scope);
  if (props.rewrite !== undefined) {
    assertPathRewrite(`${what} rewrite`, props.rewrite.path, matches, scope);
    if (props.rewrite.hostname !== undefined) {
      assertHostname(`${what} rewrite hostname`, props.rewrite.hostname, false, scope);
    }
    if (props.rewrite.path === undefined && props.rewrite.hostname === undefined) {
      throw new ValidationError(`${what} rewrite changes nothing; give it path or hostname, or drop it`, scope);
    }
  }
  const authentication = props.authentication && resolveRouteAuthentication(what, props.authentication, scope);
  const common = resolveCommon(name, props, props.backend, binding);
  const rewrite = withTargetHostname(what, props.rewrite, common.targets, scope);
  return { kind: 'HTTPRoute', matches: matches.filter((m) => !isCatchAll(m)), redirect, rewrite, authentication, ...common };
}

/**
 * The route's URL rewrite with the Host its targets need (a function behind
 * Knative's ingress), which must be one for all of them.
 *
 * @throws ValidationError when targets need different Hosts, only some need
 *   one, or the route rewrites the Host to something else
 */
function withTargetHostname(
  what: string,
  rewrite: UrlRewrite | undefined,
  targets: readonly BackendTarget[],
  scope: IConstruct,
): UrlRewrite | undefined {
  const needed = [...new Set(targets.map((t) => t.hostname))];
  const hostname = needed[0];
  if (hostname === undefined && needed.length <= 1) {
    return rewrite;
  }
  if (needed.length > 1) {
    throw new ValidationError(
      `${what} splits requests across ${targets.map((t) => t.description).join(', ')}, which need different Host headers; ` +
        'give each its own route (split a function\'s traffic with its own traffic targets)',
      scope,
    );
  }
  if (rewrite?.hostname !== undefined && rewrite.hostname !== hostname) {
    throw new ValidationError(
      `${what} rewrites the Host to '${rewrite.hostname}', but ${targets[0].description} is reached only by Host '${hostname}'; drop rewrite.hostname`,
      scope,
    );
  }
  return { ...rewrite, hostname };
}

/**
 * Validates a gRPC route and binds its backend.
 *
 * @throws ValidationError naming the route for any invalid part
 * @internal
 */
export function resolveGrpcRoute(name: string, props: GatewayGrpcRouteProps, binding: GatewayBackendBinding): GrpcGatewayRoute {
  const { what, gateway: scope } = binding;
  checkProps(grpcRoutePropsSchema, props, scope, { prefix: what, name: `${what} props` });
  const matches = props.matches ?? [];
  matches.forEach((match, index) => {
    const where = `${what} match ${index + 1}`;
    if (match.service !== undefined && (!GRPC_SERVICE.test(match.service) || match.service.length > 1024)) {
      throw new ValidationError(`${where} service must be a fully qualified gRPC service name such as 'shop.cart.v1.Cart', got '${match.service}'`, scope);
    }
    if (match.method !== undefined && (!GRPC_METHOD.test(match.method) || match.method.length > 1024)) {
      throw new ValidationError(`${where} method must be a gRPC method name such as 'AddItem', got '${match.method}'`, scope);
    }
    validateMatch(where, { headers: match.headers }, scope);
  });
  const empty = (m: GrpcMatch) => m.service === undefined && m.method === undefined && (m.headers ?? []).length === 0;
  assertOneCatchAll(what, matches.length, matches.some(empty), scope);
  return { kind: 'GRPCRoute', matches: matches.filter((m) => !empty(m)), ...resolveCommon(name, props, props.backend, binding) };
}

/**
 * Validates a route's end-user authentication, whose scope is the route's matches.
 *
 * @throws ValidationError for an invalid authentication, or a requirement with its own paths or methods
 */
function resolveRouteAuthentication(what: string, auth: EndUserAuthentication, scope: IConstruct): ResolvedEndUserAuthentication {
  const resolved = resolveEndUserAuthentication(`${what} authentication`, auth, scope);
  const narrowing = resolved.require.findIndex((r) => r.paths.length > 0 || r.methods.length > 0);
  if (narrowing !== -1) {
    throw new ValidationError(
      `${what} authentication require ${narrowing + 1} lists paths or methods, but a gateway route's requirements cover the route's own requests; ` +
        'give the requirement claims only, and match the paths and methods in a route of their own',
      scope,
    );
  }
  return resolved;
}

/** @throws ValidationError for an empty match beside others (which would make them pointless) */
function assertOneCatchAll(what: string, count: number, hasEmpty: boolean, scope: IConstruct): void {
  if (count > 1 && hasEmpty) {
    throw new ValidationError(`${what} has an empty match beside others, so the others never matter; drop the matches or the empty one`, scope);
  }
}

function resolveCommon(
  name: string,
  props: GatewayRouteCommonProps,
  backend: IGatewayBackend | undefined,
  binding: GatewayBackendBinding,
): GatewayRouteBase {
  const { what, gateway: scope } = binding;
  const hostnames = [...(props.hostnames ?? [])];
  hostnames.forEach((hostname) => assertHostname(`${what} hostname`, hostname, true, scope));
  if (new Set(hostnames).size !== hostnames.length) {
    throw new ValidationError(`${what} lists a hostname twice (${hostnames.join(', ')}); list each once`, scope);
  }
  const targets = backend?.bind(binding) ?? [];
  if (backend === undefined && (props.timeout !== undefined || props.retries !== undefined || props.mirror !== undefined)) {
    throw new ValidationError(`${what} redirects, so it forwards nothing to time out, retry or mirror; drop timeout, retries and mirror`, scope);
  }
  return {
    name,
    hostnames,
    targets,
    headers: props.headers && resolveHeaderRewrite(what, props.headers, scope),
    timeout: props.timeout && formatDuration(`${what} timeout`, props.timeout, scope),
    retries: props.retries && resolveRetries(what, props.retries, props.timeout, scope),
    mirror: props.mirror && resolveMirror(what, props.mirror, targets, scope),
    rateLimit: props.rateLimit && resolveLocalRateLimit(`${what} rateLimit`, props.rateLimit, scope),
    sessionAffinity: props.sessionAffinity && resolveLoadBalancing(what, { sessionAffinity: props.sessionAffinity }, scope).sessionAffinity,
  };
}

function resolveRedirect(what: string, props: GatewayRouteProps, scope: IConstruct): ResolvedRedirect {
  const redirect = props.redirect!;
  if (props.rewrite !== undefined) {
    throw new ValidationError(`${what} both redirects and rewrites; a redirect sends the client elsewhere, so put the new path in redirect.path`, scope);
  }
  const { scheme, hostname, port, path } = redirect;
  const statusCode = redirect.statusCode ?? 302;
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw new ValidationError(`${what} redirect scheme must be 'http' or 'https', got '${scheme}'`, scope);
  }
  if (hostname !== undefined) {
    assertHostname(`${what} redirect hostname`, hostname, false, scope);
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new ValidationError(`${what} redirect port must be 1-65535, got ${port}`, scope);
  }
  if (statusCode !== 301 && statusCode !== 302) {
    throw new ValidationError(`${what} redirect statusCode must be 301 or 302, got ${statusCode}`, scope);
  }
  assertPathRewrite(`${what} redirect`, path, props.matches ?? [], scope);
  if (scheme === undefined && hostname === undefined && port === undefined && path === undefined) {
    throw new ValidationError(`${what} redirects to the same URL, a loop; give redirect a scheme, hostname, port or path`, scope);
  }
  return { scheme, hostname, port, path, statusCode };
}

/**
 * @throws ValidationError for a malformed path, or a prefix replacement
 *   without exactly one path-prefix match to replace
 */
function assertPathRewrite(what: string, path: PathRewrite | undefined, matches: readonly HttpMatch[], scope: IConstruct): void {
  if (path === undefined) {
    return;
  }
  if (!REWRITE_PATH.test(path.value) || path.value.length > 1024) {
    throw new ValidationError(`${what} path must start with '/' and hold only URL path characters (≤ 1024), got '${path.value}'`, scope);
  }
  if (path.type === 'ReplacePrefixMatch' && (matches.length !== 1 || matches[0].path?.type !== MatchType.PREFIX)) {
    throw new ValidationError(
      `${what} replaces the matched path prefix, which needs exactly one match on a path prefix, got ${matches.length} match(es); ` +
        'match one PathMatch.prefix(…) or use PathRewrite.full',
      scope,
    );
  }
}

function resolveMirror(what: string, mirror: TrafficMirror, targets: readonly BackendTarget[], scope: IConstruct): ResolvedGatewayMirror {
  const { revision } = mirror;
  const service = revision.node.scope;
  if (!(service instanceof Microservice)) {
    throw new ValidationError(`${what} mirror '${revision.node.path}' is not a revision of a Microservice; mirror to one returned by addRevision`, scope);
  }
  assertRevisionOf(service, revision, `${what} mirror`, scope);
  const percentage = assertPercentage(`${what} mirror percentage`, mirror.percentage ?? 100, scope);
  const port = service.ports.length === 1 ? service.ports[0] : service.ports.find((p) => p.port === targets[0]?.port);
  if (port === undefined) {
    throw new ValidationError(
      `${what} mirrors to ${service.serviceName}, which has ${service.ports.length === 0 ? 'no ports' : 'several ports and none is the route\'s backend port'}; ` +
        'mirror to a revision of a service with one port, or with the port the route sends to',
      scope,
    );
  }
  if (targets.some((t) => t.serviceName === revision.name && t.namespace === service.namespace)) {
    throw new ValidationError(
      `${what} mirrors to revision '${revision.track}', which already serves the route; mirror to a revision outside its backends`,
      scope,
    );
  }
  revisionService(service, revision);
  const target = microserviceTarget(service, revision.name, 1, `${service.serviceName} revision '${revision.track}'`, port);
  return { target, percentage };
}
