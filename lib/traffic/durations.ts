import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';

const MAX_DIGITS = 99_999;

/**
 * A duration in the form every backend reads alike: whole seconds as `7s`,
 * anything finer as milliseconds (`250ms`). Istio's CEL `duration()`, the
 * Gateway API pattern `^([0-9]{1,5}(h|m|s|ms)){1,4}$` and Linkerd's
 * annotations all accept it.
 *
 * @throws ValidationError for a duration that is not a positive whole number of milliseconds
 */
export function formatDuration(what: string, duration: Duration, scope: IConstruct): string {
  // integral: false, or cdk8s throws a plain Error for 1.5ms before we can say what is wrong
  const millis = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(millis) || millis < 1) {
    throw new ValidationError(`${what} must be a whole number of milliseconds ≥ 1ms, got ${millis}ms`, scope);
  }
  if (millis % 1000 === 0 && millis / 1000 <= MAX_DIGITS) {
    return `${millis / 1000}s`;
  }
  if (millis <= MAX_DIGITS) {
    return `${millis}ms`;
  }
  throw new ValidationError(
    `${what} of ${millis}ms cannot be written in whole seconds or in 5-digit milliseconds; ` +
      `round it to whole seconds, at most ${MAX_DIGITS}s`,
    scope,
  );
}

/** The milliseconds of a duration, for comparisons. */
export function millisOf(duration: Duration): number {
  return duration.toMilliseconds({ integral: false });
}
