import { Duration } from 'cdk8s';

/**
 * Conditions that make a proxy retry a request: Envoy's `x-envoy-retry-on`
 * and `x-envoy-retry-grpc-on` values, which Istio's `retryOn` takes. Linkerd
 * retries on response statuses only (`SERVER_ERROR`, `GATEWAY_ERROR` and
 * `RetryPolicy.statusCodes`) and refuses the rest.
 *
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter#x-envoy-retry-on
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry
 */
export enum RetryOn {
  /** Any 5xx response, or no response at all (reset, connect failure, refused stream). */
  SERVER_ERROR = '5xx',
  /** 502, 503 or 504, or no response at all. */
  GATEWAY_ERROR = 'gateway-error',
  /** The connection to the backend could not be made (a connect timeout included). */
  CONNECT_FAILURE = 'connect-failure',
  /** The backend reset or closed the connection before responding, or a try timed out. */
  RESET = 'reset',
  /** The backend reset the connection before the request was sent (safe for any request). */
  RESET_BEFORE_REQUEST = 'reset-before-request',
  /** The backend refused the HTTP/2 stream (REFUSED_STREAM: safe to retry). */
  REFUSED_STREAM = 'refused-stream',
  /** A 409 Conflict response. */
  RETRIABLE_4XX = 'retriable-4xx',
  /** A status listed in `statusCodes` or in the request's `x-envoy-retriable-status-codes` header. */
  RETRIABLE_STATUS_CODES = 'retriable-status-codes',
  /** A response carrying a header named in the request's `x-envoy-retriable-header-names`. */
  RETRIABLE_HEADERS = 'retriable-headers',
  /** A response the proxy's own rate limit refused (`x-envoy-ratelimited`). */
  ENVOY_RATELIMITED = 'envoy-ratelimited',
  /** An HTTP/3 request that failed after connecting (retried over TCP). */
  HTTP3_POST_CONNECT_FAILURE = 'http3-post-connect-failure',
  /** gRPC status CANCELLED. */
  GRPC_CANCELLED = 'cancelled',
  /** gRPC status DEADLINE_EXCEEDED. */
  GRPC_DEADLINE_EXCEEDED = 'deadline-exceeded',
  /** gRPC status INTERNAL. */
  GRPC_INTERNAL = 'internal',
  /** gRPC status RESOURCE_EXHAUSTED. */
  GRPC_RESOURCE_EXHAUSTED = 'resource-exhausted',
  /** gRPC status UNAVAILABLE. */
  GRPC_UNAVAILABLE = 'unavailable',
}

/** How a route retries failed requests. */
export interface RetryPolicy {
  /** Retries after the first try (1-10). */
  readonly attempts: number;
  /**
   * Time allowed for each try; at most the route's timeout.
   * @default - the route's timeout
   */
  readonly perTryTimeout?: Duration;
  /**
   * What counts as failed.
   * @default [RetryOn.GATEWAY_ERROR], or none beyond `statusCodes` when those are given
   */
  readonly retryOn?: readonly RetryOn[];
  /**
   * Response statuses (100-599) that are retried besides `retryOn`, e.g. `[503]`
   * (Istio: `retriable-status-codes`; Linkerd: `retry.linkerd.io/http`).
   * @default - none
   */
  readonly statusCodes?: readonly number[];
}

/**
 * Keep the mesh's own retries instead of choosing: Istio retries twice on
 * `connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes`
 * (status 503); Linkerd does not retry; an Istio gateway retries as Istio does.
 */
export const MESH_DEFAULT_RETRIES = 'mesh-default';

/**
 * The retries of a route: a policy, or the mesh's own
 * ({@link MESH_DEFAULT_RETRIES}); leaving them out turns retries off.
 */
export type RouteRetries = RetryPolicy | typeof MESH_DEFAULT_RETRIES;
