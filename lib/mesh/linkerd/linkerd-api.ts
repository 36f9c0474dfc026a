import type { ServicePort } from '../../workload/service-port';

/**
 * The Linkerd API versions, annotation keys and limits the provider writes,
 * in one place so the constructs and their tests agree.
 *
 * @see https://linkerd.io/2/reference/authorization-policy/
 * @see https://linkerd.io/2/reference/retries/
 * @see https://linkerd.io/2/reference/circuit-breaking/
 * @internal
 */
export const LinkerdApi = {
  /** `Server`, `HTTPRoute` (the storage versions of the Linkerd CRDs). */
  POLICY_V1BETA3: 'policy.linkerd.io/v1beta3',
  /** `AuthorizationPolicy`, `MeshTLSAuthentication`, `NetworkAuthentication`. */
  POLICY_V1ALPHA1: 'policy.linkerd.io/v1alpha1',
  /** The API group of the policy kinds, for references between them. */
  POLICY_GROUP: 'policy.linkerd.io',
} as const;

/**
 * Annotation keys Linkerd reads.
 *
 * @internal
 */
export const LinkerdAnnotations = {
  /** On pods: inject the proxy. */
  INJECT: 'linkerd.io/inject',
  /** On pods: what the proxy admits on a port no policy covers. */
  DEFAULT_INBOUND_POLICY: 'config.linkerd.io/default-inbound-policy',
  /** On HTTPRoutes: the response statuses retried (`5xx`, `gateway-error`, codes, ranges). */
  RETRY_HTTP: 'retry.linkerd.io/http',
  /** On HTTPRoutes: the most retries of one request. */
  RETRY_LIMIT: 'retry.linkerd.io/limit',
  /** On HTTPRoutes: the time after which a try is cancelled and retried. */
  RETRY_TIMEOUT: 'retry.linkerd.io/timeout',
  /** On the Service clients resolve: turns on circuit breaking (`consecutive`). */
  FAILURE_ACCRUAL: 'balancer.linkerd.io/failure-accrual',
  /** Consecutive failures that take an endpoint out of the load balancer. */
  FAILURE_ACCRUAL_MAX_FAILURES: 'balancer.linkerd.io/failure-accrual-consecutive-max-failures',
  /** The first penalty of a tripped endpoint (Linkerd's default 1s). */
  FAILURE_ACCRUAL_MIN_PENALTY: 'balancer.linkerd.io/failure-accrual-consecutive-min-penalty',
  /** The longest penalty, reached by exponential backoff (Linkerd's default 60s). */
  FAILURE_ACCRUAL_MAX_PENALTY: 'balancer.linkerd.io/failure-accrual-consecutive-max-penalty',
} as const;

/**
 * Limits of the policy.linkerd.io/v1beta3 HTTPRoute schema (the API server
 * rejects an object beyond them).
 *
 * @internal
 */
export const HttpRouteLimits = {
  RULES: 16,
  MATCHES: 8,
  BACKEND_REFS: 16,
  HEADER_MATCHES: 16,
  QUERY_PARAM_MATCHES: 16,
  PATH_LENGTH: 1024,
  HEADER_MODIFIER_ENTRIES: 16,
} as const;

/**
 * Linkerd's default longest failure-accrual penalty, in milliseconds.
 *
 * @internal
 */
export const DEFAULT_MAX_PENALTY_MILLIS = 60_000;

/**
 * The ports Linkerd proxies: TCP only. A UDP or SCTP port bypasses the
 * proxy, so no Linkerd policy or route applies to it (the service's
 * NetworkPolicy still does).
 *
 * @internal
 */
export function proxiedPorts(ports: readonly ServicePort[]): ServicePort[] {
  return ports.filter((p) => p.protocol === 'TCP');
}
