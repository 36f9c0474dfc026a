import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';
import { RetryOn, RetryPolicy } from '../workload/retry-policy';
import { formatDuration, millisOf } from './durations';

/** A validated retry policy. */
export interface ResolvedRetries {
  /** Retries after the first try. */
  readonly attempts: number;
  /**
   * Time allowed for each try, formatted.
   * @default - the route's timeout
   */
  readonly perTryTimeout?: string;
  /** What counts as failed, without duplicates. */
  readonly retryOn: readonly RetryOn[];
  /** Response statuses retried besides `retryOn`, without duplicates, in order. */
  readonly statusCodes: readonly number[];
}

/**
 * Validates a retry policy against the route's timeout.
 *
 * @throws ValidationError naming `what` for an invalid policy
 * @internal
 */
export function resolveRetries(what: string, retries: RetryPolicy, timeout: Duration | undefined, scope: IConstruct): ResolvedRetries {
  if (!Number.isInteger(retries.attempts) || retries.attempts < 1 || retries.attempts > 10) {
    throw new ValidationError(`${what} retries.attempts must be a whole number 1-10, got ${retries.attempts}`, scope);
  }
  const perTryTimeout = retries.perTryTimeout && formatDuration(`${what} retries.perTryTimeout`, retries.perTryTimeout, scope);
  if (retries.perTryTimeout && timeout && millisOf(retries.perTryTimeout) > millisOf(timeout)) {
    throw new ValidationError(
      `${what} retries.perTryTimeout (${perTryTimeout}) is longer than the route timeout (${formatDuration('timeout', timeout, scope)}), ` +
        'so no retry could ever start; make perTryTimeout ≤ timeout',
      scope,
    );
  }
  const statusCodes = [...new Set(retries.statusCodes ?? [])];
  const badCode = statusCodes.find((code) => !Number.isInteger(code) || code < 100 || code > 599);
  if (badCode !== undefined) {
    throw new ValidationError(`${what} retries.statusCodes must be HTTP statuses 100-599, got ${badCode}`, scope);
  }
  const retryOn = retries.retryOn ?? (statusCodes.length > 0 ? [] : [RetryOn.GATEWAY_ERROR]);
  if (retryOn.length === 0 && statusCodes.length === 0) {
    throw new ValidationError(`${what} retries.retryOn is empty, so nothing would be retried; list a condition or a status code, or drop retries`, scope);
  }
  return { attempts: retries.attempts, perTryTimeout, retryOn: [...new Set(retryOn)], statusCodes };
}

/**
 * A retry policy's conditions and statuses as one list, the form Envoy's
 * `x-envoy-retry-on` (Istio's `retryOn`) takes: a status in it is retried as
 * a retriable status code.
 */
export function retryConditions(retries: ResolvedRetries): string[] {
  return [...retries.retryOn, ...retries.statusCodes.map(String)];
}
