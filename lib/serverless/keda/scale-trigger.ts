import { CronTriggerProps, renderCron } from './cron-trigger';
import { KafkaTriggerProps, renderKafka } from './kafka-trigger';
import { RabbitMqTriggerProps, renderRabbitMq } from './rabbitmq-trigger';
import { RedisListTriggerProps, renderRedisList } from './redis-list-trigger';
import { RedisStreamTriggerProps, renderRedisStream } from './redis-stream-trigger';
import { RenderedTrigger, TriggerContext } from './trigger-rendering';

type Renderer = (context: TriggerContext) => RenderedTrigger;

/**
 * An event source KEDA scales a revision on: a queue, a stream, a schedule.
 * Each metadata key and value follows the KEDA scaler of the same name.
 *
 * @see https://keda.sh/docs/latest/scalers/
 */
export class ScaleTrigger {
  /** Messages waiting in (or published per second to) a RabbitMQ queue. */
  public static rabbitMq(props: RabbitMqTriggerProps): ScaleTrigger {
    return new ScaleTrigger('rabbitmq', (context) => renderRabbitMq(props, context));
  }

  /** The lag of a Kafka consumer group on a topic. */
  public static kafka(props: KafkaTriggerProps): ScaleTrigger {
    return new ScaleTrigger('kafka', (context) => renderKafka(props, context));
  }

  /** The length of a Redis list used as a queue. */
  public static redisList(props: RedisListTriggerProps): ScaleTrigger {
    return new ScaleTrigger('redis', (context) => renderRedisList(props, context));
  }

  /** The lag, pending entries or length of a Redis stream. */
  public static redisStream(props: RedisStreamTriggerProps): ScaleTrigger {
    return new ScaleTrigger('redis-streams', (context) => renderRedisStream(props, context));
  }

  /** A schedule: at least some replicas between a start and an end time. */
  public static cron(props: CronTriggerProps): ScaleTrigger {
    return new ScaleTrigger('cron', (context) => renderCron(props, context));
  }

  /**
   * @param type the KEDA scaler type, e.g. 'rabbitmq'
   */
  private constructor(public readonly type: string, private readonly renderer: Renderer) {}

  /**
   * The trigger for one revision.
   *
   * @throws ValidationError for missing or malformed metadata, or auth parameters the scaler does not read
   */
  public render(context: TriggerContext): RenderedTrigger {
    return this.renderer(context);
  }
}
