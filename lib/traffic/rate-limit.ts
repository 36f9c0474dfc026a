import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';
import { formatDuration, millisOf } from './durations';

/**
 * A local rate limit: each pod of the service admits at most `requests`
 * requests per `interval`, with bursts up to `burst` (a token bucket of
 * `burst` tokens refilled with `requests` tokens every `interval`). Requests
 * over the limit are answered with `statusCode` without reaching the
 * workload. The limit is per pod: three pods admit three times as much.
 */
export interface LocalRateLimit {
  /** Requests admitted per interval (the tokens added at each refill), a whole number ≥ 1. */
  readonly requests: number;
  /** How often the bucket is refilled, at least 50 ms. */
  readonly interval: Duration;
  /**
   * The most requests admitted at once (the bucket's size), ≥ `requests`.
   * @default - `requests`: no burst above the rate
   */
  readonly burst?: number;
  /**
   * The status of a refused request.
   * @default 429
   */
  readonly statusCode?: number;
}

/** A validated local rate limit, the interval formatted. */
export interface ResolvedLocalRateLimit {
  readonly requests: number;
  /** The interval, formatted (`1s`, `250ms`). */
  readonly interval: string;
  /** The interval in milliseconds. */
  readonly intervalMillis: number;
  readonly burst: number;
  readonly statusCode: number;
}

/** The statuses a refused request may get (Envoy's local rate limit names these in its `StatusCode` enum). */
export const RATE_LIMIT_STATUS_CODES: readonly number[] = [400, 403, 429, 500, 502, 503, 504];

const MIN_INTERVAL_MS = 50;
const UINT32_MAX = 4_294_967_295;

/**
 * Validates a local rate limit.
 *
 * @throws ValidationError naming `what` for a rate, burst, interval or status out of range
 */
export function resolveLocalRateLimit(what: string, limit: LocalRateLimit, scope: IConstruct): ResolvedLocalRateLimit {
  const whole = (field: string, value: number) => {
    if (!Number.isInteger(value) || value < 1 || value > UINT32_MAX) {
      throw new ValidationError(`${what} ${field} must be a whole number ≥ 1, got ${value}`, scope);
    }
  };
  whole('requests', limit.requests);
  const burst = limit.burst ?? limit.requests;
  whole('burst', burst);
  if (burst < limit.requests) {
    throw new ValidationError(
      `${what} burst (${burst}) is below requests (${limit.requests}), so the bucket could never hold a whole refill; make burst ≥ requests or drop it`,
      scope,
    );
  }
  const interval = formatDuration(`${what} interval`, limit.interval, scope);
  if (millisOf(limit.interval) < MIN_INTERVAL_MS) {
    throw new ValidationError(`${what} interval must be at least ${MIN_INTERVAL_MS}ms (the proxies refill no faster), got ${interval}`, scope);
  }
  const statusCode = limit.statusCode ?? 429;
  if (!RATE_LIMIT_STATUS_CODES.includes(statusCode)) {
    throw new ValidationError(`${what} statusCode must be one of ${RATE_LIMIT_STATUS_CODES.join(', ')}, got ${statusCode}`, scope);
  }
  return { requests: limit.requests, interval, intervalMillis: millisOf(limit.interval), burst, statusCode };
}
