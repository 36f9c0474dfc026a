import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';
import { formatDuration } from './durations';
import { assertPercentage } from './percentage';

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

/** A validated fault. */
export interface ResolvedFault {
  /**
   * The delay (formatted) and the share of requests delayed.
   * @default - no delay
   */
  readonly delay?: { readonly delay: string; readonly percentage: number };
  /**
   * The status returned and the share of requests aborted.
   * @default - no abort
   */
  readonly abort?: { readonly httpStatus: number; readonly percentage: number };
}

/**
 * Validates a fault: a delay, an abort or both, percentages in (0, 100], an error status.
 *
 * @throws ValidationError naming `what` for an invalid fault
 * @internal
 */
export function resolveFault(what: string, fault: FaultInjection, scope: IConstruct): ResolvedFault {
  if (fault.delay === undefined && fault.abort === undefined) {
    throw new ValidationError(`${what} fault has neither delay nor abort; give one or drop the fault`, scope);
  }
  const delay = fault.delay && {
    delay: formatDuration(`${what} fault delay`, fault.delay.delay, scope),
    percentage: assertPercentage(`${what} fault delay percentage`, fault.delay.percentage, scope),
  };
  let abort: ResolvedFault['abort'];
  if (fault.abort !== undefined) {
    const { httpStatus } = fault.abort;
    if (!Number.isInteger(httpStatus) || httpStatus < 400 || httpStatus > 599) {
      throw new ValidationError(`${what} fault abort httpStatus must be an error status 400-599, got ${httpStatus}`, scope);
    }
    abort = { httpStatus, percentage: assertPercentage(`${what} fault abort percentage`, fault.abort.percentage, scope) };
  }
  return { delay, abort };
}
