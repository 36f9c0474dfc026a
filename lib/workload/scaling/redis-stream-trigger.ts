import { ValidationError } from '../../core/validation-error';
import { RedisConnectionProps, renderRedisConnection } from './redis-connection';
import { nonBlank, RenderedTrigger, TriggerContext, wholeNumber } from './trigger-rendering';

/**
 * Scale on a Redis stream (KEDA scaler `redis-streams`), by exactly one of:
 * `lagCount` (entries the consumer group has not read; Redis ≥ 7, wakes from
 * zero), `pendingEntriesCount` (read but unacknowledged entries; cannot wake
 * from zero, as nothing is pending without consumers) or `streamLength`
 * (entries in the stream; without a consumer group).
 *
 * @see https://keda.sh/docs/latest/scalers/redis-streams/
 */
export interface RedisStreamTriggerProps extends RedisConnectionProps {
  /** The stream to watch. */
  readonly stream: string;
  /**
   * The consumer group the service reads as; needed by `lagCount` and
   * `pendingEntriesCount`, not allowed with `streamLength`.
   * @default - none
   */
  readonly consumerGroup?: string;
  /**
   * Target unread entries of the consumer group per replica.
   * @default - not this measure
   */
  readonly lagCount?: number;
  /**
   * Target pending (read, unacknowledged) entries per replica.
   * @default - not this measure
   */
  readonly pendingEntriesCount?: number;
  /**
   * Target stream length per replica.
   * @default - not this measure
   */
  readonly streamLength?: number;
  /**
   * Above this count the scaler is active (wakes a revision from zero).
   * @default 0
   */
  readonly activationLagCount?: number;
}

const MEASURES = ['lagCount', 'pendingEntriesCount', 'streamLength'] as const;

/** The `redis-streams` trigger. */
export function renderRedisStream(props: RedisStreamTriggerProps, context: TriggerContext): RenderedTrigger {
  const { scope, what } = context;
  const stream = nonBlank(`${what} stream`, props.stream, 'orders', scope);
  const measures = MEASURES.filter((m) => props[m] !== undefined);
  if (measures.length !== 1) {
    throw new ValidationError(
      `${what} must set exactly one of lagCount, pendingEntriesCount or streamLength, got ${measures.length === 0 ? 'none' : measures.join(' and ')}`,
      scope,
    );
  }
  const measure = measures[0];
  const metadata: Record<string, string> = { stream, [measure]: wholeNumber(`${what} ${measure}`, props[measure]!, 1, scope) };
  if (measure === 'streamLength' && props.consumerGroup !== undefined) {
    throw new ValidationError(
      `${what} sets consumerGroup with streamLength, and KEDA would then scale on pending entries instead; drop consumerGroup, or use lagCount`,
      scope,
    );
  }
  if (measure !== 'streamLength') {
    if (props.consumerGroup === undefined) {
      throw new ValidationError(`${what} ${measure} is measured for a consumer group; set consumerGroup`, scope);
    }
    metadata.consumerGroup = nonBlank(`${what} consumerGroup`, props.consumerGroup, 'orders-workers', scope);
  }
  if (props.activationLagCount !== undefined) {
    metadata.activationLagCount = wholeNumber(`${what} activationLagCount`, props.activationLagCount, 0, scope);
  }
  const connection = renderRedisConnection(props, context);
  return {
    type: 'redis-streams',
    metadata: { ...connection.metadata, ...metadata },
    auth: connection.auth,
    wakesFromZero: measure !== 'pendingEntriesCount',
  };
}
