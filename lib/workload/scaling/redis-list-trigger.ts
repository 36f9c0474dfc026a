import { RedisConnectionProps, renderRedisConnection } from './redis-connection';
import { nonBlank, RenderedTrigger, TriggerContext, wholeNumber } from './trigger-rendering';

/**
 * Scale on the length of a Redis list used as a queue (KEDA scaler `redis`).
 *
 * @see https://keda.sh/docs/latest/scalers/redis-lists/
 */
export interface RedisListTriggerProps extends RedisConnectionProps {
  /** The list to watch. */
  readonly listName: string;
  /** Target list length (items) per replica. */
  readonly listLength: number;
  /**
   * Above this length the scaler is active (wakes a revision from zero).
   * @default 0
   */
  readonly activationListLength?: number;
}

/** The `redis` trigger on a list. */
export function renderRedisList(props: RedisListTriggerProps, context: TriggerContext): RenderedTrigger {
  const { scope, what } = context;
  const listName = nonBlank(`${what} listName`, props.listName, 'jobs', scope);
  const listLength = wholeNumber(`${what} listLength`, props.listLength, 1, scope);
  const connection = renderRedisConnection(props, context);
  const metadata: Record<string, string> = { ...connection.metadata, listName, listLength };
  if (props.activationListLength !== undefined) {
    metadata.activationListLength = wholeNumber(`${what} activationListLength`, props.activationListLength, 0, scope);
  }
  return { type: 'redis', metadata, auth: connection.auth, wakesFromZero: true };
}
