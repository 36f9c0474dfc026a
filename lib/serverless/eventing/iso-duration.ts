import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../../core/validation-error';

const MILLIS_PER_TENTH = 100;
const TENTHS_PER_MINUTE = 600;
const TENTHS_PER_HOUR = 36_000;
/**
 * Knative parses delivery durations with rickb777/date's `period.Parse`,
 * which keeps each field (hours, minutes, seconds) as an int16 of tenths:
 * at most 3276.7 of each, to a tenth of a second.
 */
const MAX_HOURS = 3276;

/**
 * A duration as Knative's delivery spec reads it: an ISO 8601 duration in
 * hours, minutes and seconds to a tenth of a second, e.g. `PT0.5S`, `PT2S`,
 * `PT1M30S`, `PT2H`; zero is `PT0S`.
 *
 * @see https://knative.dev/docs/eventing/event-delivery/
 * @throws ValidationError for a duration finer than a tenth of a second or
 *   longer than 3276 hours (Knative would truncate or overflow it)
 */
export function formatIsoDuration(what: string, duration: Duration, scope: IConstruct): string {
  // integral: false, or cdk8s throws a plain Error for 1.5ms before we can say what is wrong
  const millis = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(millis) || millis % MILLIS_PER_TENTH !== 0) {
    throw new ValidationError(
      `${what} must be a whole number of tenths of a second, as Knative reads ISO 8601 durations to 0.1s, got ${millis}ms; ` +
        'round it to 100ms steps, e.g. Duration.millis(500)',
      scope,
    );
  }
  const tenths = millis / MILLIS_PER_TENTH;
  const hours = Math.floor(tenths / TENTHS_PER_HOUR);
  if (hours > MAX_HOURS) {
    throw new ValidationError(`${what} must be at most ${MAX_HOURS} hours, the most Knative reads, got ${hours} hours`, scope);
  }
  const minutes = Math.floor((tenths % TENTHS_PER_HOUR) / TENTHS_PER_MINUTE);
  const secondTenths = tenths % TENTHS_PER_MINUTE;
  const parts = [hours > 0 ? `${hours}H` : '', minutes > 0 ? `${minutes}M` : ''];
  if (secondTenths > 0 || tenths === 0) {
    const fraction = secondTenths % 10;
    parts.push(`${Math.floor(secondTenths / 10)}${fraction > 0 ? `.${fraction}` : ''}S`);
  }
  return `PT${parts.join('')}`;
}
