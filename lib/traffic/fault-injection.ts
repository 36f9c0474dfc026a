import { Duration } from 'cdk8s';

/** Requests held back before they are forwarded. */
export interface DelayFault {
  /** How long each affected request waits. */
  readonly delay: Duration;
  /** The share of requests delayed, in (0, 100]. */
  readonly percentage: number;
}

/** Requests answered with an error instead of being forwarded. */
export interface AbortFault {
  /** The HTTP status returned (400-599). */
  readonly httpStatus: number;
  /** The share of requests aborted, in (0, 100]. */
  readonly percentage: number;
}

/** Faults a route injects, to test how callers cope. */
export interface FaultInjection {
  /**
   * Delay some requests.
   * @default - no delay
   */
  readonly delay?: DelayFault;
  /**
   * Abort some requests.
   * @default - no abort
   */
  readonly abort?: AbortFault;
}
