import { Duration } from 'cdk8s';
import { ValidationError } from '../../core/validation-error';
import { EventDestination, EventSinkBinding, IEventSink } from './event-sink';
import { formatIsoDuration } from './iso-duration';

/** How the delay between retries grows. */
export type BackoffPolicy = 'exponential' | 'linear';

/**
 * How Knative delivers an event to a subscriber: retries, the delay between
 * them, and where events go that could not be delivered.
 *
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export interface EventDelivery {
  /**
   * Where events go that could not be delivered after the retries.
   * @default - none: such events are dropped
   */
  readonly deadLetterSink?: IEventSink;
  /**
   * Retries after the first failed try (a whole number ≥ 0).
   * @default - no retries
   */
  readonly retry?: number;
  /**
   * How the delay grows from one retry to the next: `linear` waits
   * `backoffDelay × n` before retry n, `exponential` `backoffDelay × 2^n`.
   * Knative uses it only together with `backoffDelay` and `retry`.
   * @default - none: retries follow at once
   */
  readonly backoffPolicy?: BackoffPolicy;
  /**
   * The base delay of `backoffPolicy`, to a tenth of a second (written as an
   * ISO 8601 duration, e.g. `PT0.5S`).
   * @default - none: retries follow at once
   */
  readonly backoffDelay?: Duration;
}

/** The `delivery` block of a Knative Broker or Trigger. */
export interface RenderedDelivery {
  /**
   * The bound dead-letter sink.
   * @default - none
   */
  readonly deadLetterSink?: EventDestination;
  /**
   * Retries after the first failed try.
   * @default - none
   */
  readonly retry?: number;
  /**
   * How the delay grows between retries.
   * @default - none
   */
  readonly backoffPolicy?: BackoffPolicy;
  /**
   * The base delay as an ISO 8601 duration, e.g. `PT0.5S`.
   * @default - none
   */
  readonly backoffDelay?: string;
}

const MAX_RETRY = 2_147_483_647;

/**
 * The delivery block for a broker or trigger, its dead-letter sink bound.
 *
 * @param binding the broker or trigger that delivers
 * @throws ValidationError for a retry count that is not a whole number ≥ 0,
 *   an unknown backoff policy, a bad backoff delay, a backoff policy without
 *   its delay (or the other way round), or a backoff without retries, which
 *   Knative would ignore
 * @internal
 */
export function renderDelivery(delivery: EventDelivery, binding: EventSinkBinding): RenderedDelivery {
  const { scope, what } = binding;
  const { retry, backoffPolicy, backoffDelay } = delivery;
  if (retry !== undefined && (!Number.isInteger(retry) || retry < 0 || retry > MAX_RETRY)) {
    throw new ValidationError(`delivery retry must be a whole number from 0 to ${MAX_RETRY}, got ${retry}; pass e.g. retry: 3`, scope);
  }
  if ((backoffPolicy === undefined) !== (backoffDelay === undefined)) {
    const [given, missing] = backoffPolicy === undefined ? ['backoffDelay', 'backoffPolicy'] : ['backoffPolicy', 'backoffDelay'];
    throw new ValidationError(
      `delivery sets ${given} without ${missing}, and Knative uses the two only together; set both, ` +
        "e.g. backoffPolicy: 'exponential', backoffDelay: Duration.millis(500)",
      scope,
    );
  }
  if (backoffPolicy !== undefined && (retry ?? 0) === 0) {
    throw new ValidationError(
      `delivery sets backoffPolicy '${backoffPolicy}' but no retries (retry: ${retry ?? 'unset'}), so the backoff is never used; set retry to 1 or more, or drop the backoff`,
      scope,
    );
  }
  const deadLetterSink = delivery.deadLetterSink?.bindSink({ ...binding, what: `${what} (dead letters)` });
  return {
    deadLetterSink,
    retry,
    backoffPolicy,
    backoffDelay: backoffDelay === undefined ? undefined : formatIsoDuration('delivery backoffDelay', backoffDelay, scope),
  };
}
