import { Duration } from 'cdk8s';

/** Ejection of backends (pods) that keep failing. */
export interface OutlierDetection {
  /** Consecutive 5xx responses (or connection errors) that eject a pod. */
  readonly consecutiveErrors: number;
  /**
   * How often the ejection analysis runs.
   * @default - the mesh's default (Istio 10s)
   */
  readonly interval?: Duration;
  /**
   * How long an ejected pod stays out at first (longer on repeat ejection).
   * @default - the mesh's default (Istio 30s, Linkerd 1s)
   */
  readonly baseEjectionTime?: Duration;
  /**
   * The most pods ejected at once, in (0, 100].
   * @default - the mesh's default (Istio 10)
   */
  readonly maxEjectionPercent?: number;
}

/** Limits that stop a failing or overloaded service from taking its callers down. */
export interface CircuitBreaker {
  /**
   * The most TCP connections to the service per calling proxy.
   * @default - no limit
   */
  readonly maxConnections?: number;
  /**
   * The most HTTP requests waiting for a connection per calling proxy.
   * @default - no limit
   */
  readonly maxPendingRequests?: number;
  /**
   * The most requests per connection (1 disables keep-alive).
   * @default - no limit
   */
  readonly maxRequestsPerConnection?: number;
  /**
   * Eject pods that keep failing.
   * @default - no ejection
   */
  readonly outlierDetection?: OutlierDetection;
}
