import { checkProps, PropSchema } from '../../core/prop-schema';
import { CronTriggerProps, renderCron } from './cron-trigger';
import { KafkaTriggerProps, renderKafka } from './kafka-trigger';
import {
  cronTriggerPropsSchema,
  kafkaTriggerPropsSchema,
  rabbitMqTriggerPropsSchema,
  redisListTriggerPropsSchema,
  redisStreamTriggerPropsSchema,
} from './keda-schemas';
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
    return ScaleTrigger.checked('rabbitmq', 'rabbitMq', rabbitMqTriggerPropsSchema, props, renderRabbitMq);
  }

  /** The lag of a Kafka consumer group on a topic. */
  public static kafka(props: KafkaTriggerProps): ScaleTrigger {
    return ScaleTrigger.checked('kafka', 'kafka', kafkaTriggerPropsSchema, props, renderKafka);
  }

  /** The length of a Redis list used as a queue. */
  public static redisList(props: RedisListTriggerProps): ScaleTrigger {
    return ScaleTrigger.checked('redis', 'redisList', redisListTriggerPropsSchema, props, renderRedisList);
  }

  /** The lag, pending entries or length of a Redis stream. */
  public static redisStream(props: RedisStreamTriggerProps): ScaleTrigger {
    return ScaleTrigger.checked('redis-streams', 'redisStream', redisStreamTriggerPropsSchema, props, renderRedisStream);
  }

  /** A schedule: at least some replicas between a start and an end time. */
  public static cron(props: CronTriggerProps): ScaleTrigger {
    return ScaleTrigger.checked('cron', 'cron', cronTriggerPropsSchema, props, renderCron);
  }

  /**
   * A trigger whose props are checked against `schema` when it is rendered
   * (a factory has no construct to name).
   *
   * @param factory the factory's name, for messages, e.g. 'rabbitMq'
   */
  private static checked<P>(
    type: string,
    factory: string,
    schema: PropSchema<P>,
    props: P,
    render: (props: P, context: TriggerContext) => RenderedTrigger,
  ): ScaleTrigger {
    return new ScaleTrigger(type, (context) => {
      checkProps(schema, props, context.scope, { prefix: context.what, name: `${context.what} props (of ScaleTrigger.${factory})` });
      return render(props, context);
    });
  }

  /**
   * @param type the KEDA scaler type, e.g. 'rabbitmq'
   */
  private constructor(public readonly type: string, private readonly renderer: Renderer) {}

  /**
   * The trigger for one revision.
   *
   * @throws ValidationError for props of the wrong type, missing or malformed metadata, or auth parameters the scaler does not read
   */
  public render(context: TriggerContext): RenderedTrigger {
    return this.renderer(context);
  }
}
