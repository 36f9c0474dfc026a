import { Duration } from 'cdk8s';

/** Conditions that make a proxy retry a request. */
export enum RetryOn {
  /** Any 5xx response. */
  SERVER_ERROR = '5xx',
  /** 502, 503 or 504. */
  GATEWAY_ERROR = 'gateway-error',
  /** The connection to the backend could not be made. */
  CONNECT_FAILURE = 'connect-failure',
  /** The backend reset or closed the connection before responding. */
  RESET = 'reset',
  /** The backend refused the HTTP/2 stream. */
  REFUSED_STREAM = 'refused-stream',
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
   * @default [RetryOn.GATEWAY_ERROR]
   */
  readonly retryOn?: readonly RetryOn[];
}
