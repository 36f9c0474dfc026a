import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';
import type { Revision } from '../workload/revision';
import { formatDuration } from './durations';
import { HEADER_NAME } from './http-match';

/** How a calling proxy picks a pod of the service for each request. */
export enum LoadBalancingAlgorithm {
  /** Each pod in turn. */
  ROUND_ROBIN = 'round-robin',
  /** The pod with the fewest requests in flight (of two picked at random). */
  LEAST_REQUEST = 'least-request',
  /** A pod at random. */
  RANDOM = 'random',
}

/** The cookie that pins a client to a pod. */
export interface AffinityCookie {
  /** The cookie's name (an HTTP token), e.g. 'cart-session'. */
  readonly name: string;
  /**
   * The lifetime of the cookie the proxy sets when a request has none; 0
   * makes it a session cookie.
   * @default - the proxy sets no cookie: only requests that carry one are pinned
   */
  readonly ttl?: Duration;
  /**
   * The path of the cookie the proxy sets, starting with '/'.
   * @default - no path attribute
   */
  readonly path?: string;
}

/**
 * What pins the requests of one client to one pod (consistent hashing):
 * exactly one of these.
 */
export interface SessionAffinity {
  /**
   * Hash a request header, e.g. 'x-user'.
   * @default - not a header
   */
  readonly header?: string;
  /**
   * Hash a cookie.
   * @default - not a cookie
   */
  readonly cookie?: AffinityCookie;
  /**
   * Hash the client's IP address (`true`).
   * @default - not the source IP
   */
  readonly sourceIp?: boolean;
  /**
   * Hash a query parameter, e.g. 'user'.
   * @default - not a query parameter
   */
  readonly queryParameter?: string;
}

/** How the callers of a service spread its requests over its pods. */
export interface LoadBalancing {
  /**
   * The algorithm; leave it out with `sessionAffinity`, which hashes instead.
   * @default - the mesh's own (Istio: least request; Linkerd: EWMA, latency-weighted)
   */
  readonly algorithm?: LoadBalancingAlgorithm;
  /**
   * Pin each client to a pod by hashing part of its requests. It holds within
   * a revision: a weighted split between revisions is decided per request.
   * @default - no affinity
   */
  readonly sessionAffinity?: SessionAffinity;
  /**
   * Send a new pod a growing share of requests over this time (warm-up).
   * @default - full share at once
   */
  readonly slowStart?: Duration;
}

/** A validated session affinity, one kind. */
export type ResolvedSessionAffinity =
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'cookie'; readonly name: string; readonly ttl?: string; readonly path?: string }
  | { readonly kind: 'source-ip' }
  | { readonly kind: 'query-parameter'; readonly name: string };

/** A validated load-balancing policy, durations formatted. */
export interface ResolvedLoadBalancing {
  /**
   * The algorithm.
   * @default - the mesh's own
   */
  readonly algorithm?: LoadBalancingAlgorithm;
  /**
   * The affinity.
   * @default - none
   */
  readonly sessionAffinity?: ResolvedSessionAffinity;
  /**
   * The warm-up time of a new pod.
   * @default - none
   */
  readonly slowStart?: string;
}

/**
 * A revision's own load balancing: it takes the place of the service's
 * `loadBalancing` for the requests sent to that revision (as a whole, not
 * field by field), while the service's locality failover still applies.
 */
export interface RevisionLoadBalancing {
  /** The revision, a live revision of the service. */
  readonly revision: Revision;
  /** Its load balancing, validated. */
  readonly loadBalancing: ResolvedLoadBalancing;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
const QUERY_PARAMETER = /^[A-Za-z0-9\-._~!$'()*+,;:@/?]{1,256}$/;
const COOKIE_PATH = /^\/[\x21-\x3a\x3c-\x7e]{0,1023}$/;

/**
 * Validates a load-balancing policy.
 *
 * @throws ValidationError naming `what` for an invalid part
 */
export function resolveLoadBalancing(what: string, lb: LoadBalancing, scope: IConstruct): ResolvedLoadBalancing {
  if (lb.algorithm !== undefined && lb.sessionAffinity !== undefined) {
    throw new ValidationError(
      `${what} sets algorithm '${lb.algorithm}' and sessionAffinity, but affinity is its own algorithm (consistent hashing); keep one`,
      scope,
    );
  }
  if (lb.algorithm === undefined && lb.sessionAffinity === undefined && lb.slowStart === undefined) {
    throw new ValidationError(`${what} is empty; set algorithm, sessionAffinity or slowStart, or drop it`, scope);
  }
  return {
    algorithm: lb.algorithm,
    sessionAffinity: lb.sessionAffinity && resolveAffinity(`${what}.sessionAffinity`, lb.sessionAffinity, scope),
    slowStart: lb.slowStart && formatDuration(`${what}.slowStart`, lb.slowStart, scope),
  };
}

function resolveAffinity(what: string, affinity: SessionAffinity, scope: IConstruct): ResolvedSessionAffinity {
  const chosen = (['header', 'cookie', 'sourceIp', 'queryParameter'] as const).filter((key) => affinity[key] !== undefined);
  if (chosen.length !== 1) {
    throw new ValidationError(
      `${what} must set exactly one of header, cookie, sourceIp or queryParameter, got ${chosen.length === 0 ? 'none' : chosen.join(', ')}`,
      scope,
    );
  }
  if (affinity.header !== undefined) {
    if (!HEADER_NAME.test(affinity.header)) {
      throw new ValidationError(`${what}.header must be an HTTP header name such as 'x-user', got '${affinity.header}'`, scope);
    }
    return { kind: 'header', name: affinity.header.toLowerCase() };
  }
  if (affinity.cookie !== undefined) {
    return resolveCookie(`${what}.cookie`, affinity.cookie, scope);
  }
  if (affinity.sourceIp !== undefined) {
    if (!affinity.sourceIp) {
      throw new ValidationError(`${what}.sourceIp is false, which pins nothing; set it to true or choose another key`, scope);
    }
    return { kind: 'source-ip' };
  }
  const name = affinity.queryParameter!;
  if (!QUERY_PARAMETER.test(name)) {
    throw new ValidationError(
      `${what}.queryParameter must be 1-256 URL-safe characters such as 'user' (no spaces, '&', '=' or '#'), got ${JSON.stringify(name)}`,
      scope,
    );
  }
  return { kind: 'query-parameter', name };
}

function resolveCookie(what: string, cookie: AffinityCookie, scope: IConstruct): ResolvedSessionAffinity {
  if (!COOKIE_NAME.test(cookie.name)) {
    throw new ValidationError(`${what}.name must be a cookie name (an HTTP token) such as 'session', got ${JSON.stringify(cookie.name)}`, scope);
  }
  if (cookie.path !== undefined && !COOKIE_PATH.test(cookie.path)) {
    throw new ValidationError(`${what}.path must start with '/' and hold no spaces, ';' or control characters, got ${JSON.stringify(cookie.path)}`, scope);
  }
  let ttl: string | undefined;
  if (cookie.ttl !== undefined) {
    ttl = cookie.ttl.toMilliseconds({ integral: false }) === 0 ? '0s' : formatDuration(`${what}.ttl`, cookie.ttl, scope);
  }
  return { kind: 'cookie', name: cookie.name, ttl, path: cookie.path };
}
