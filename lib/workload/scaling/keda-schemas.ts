import { isObject, prop, PropsShape } from '../../core/prop-schema';
import type { CronTriggerProps } from './cron-trigger';
import type { KafkaTriggerProps } from './kafka-trigger';
import type { RabbitMqTriggerProps } from './rabbitmq-trigger';
import type { RedisConnectionProps } from './redis-connection';
import type { RedisListTriggerProps } from './redis-list-trigger';
import type { RedisStreamTriggerProps } from './redis-stream-trigger';
import type { TriggerAuth } from './trigger-auth';

// The run-time schemas of the KEDA scale triggers' props (see
// core/prop-schema): types and shapes only; ranges, names and what a scaler
// reads stay the triggers' own checks.

/** Credentials made by TriggerAuth.fromSecret or .fromServiceSecret. */
const authSchema = prop.instance<TriggerAuth>('a TriggerAuth', (v) => isObject(v) && typeof (v as { resolve?: unknown }).resolve === 'function', "TriggerAuth.fromServiceSecret('rabbitmq', { host: 'url' })");

/** What TriggerAuth.fromSecret or .fromServiceSecret was given: a Secret's name and scaler parameter → key in it. */
export const triggerAuthArgumentsSchema = prop.object<{ name: string; parameters: Record<string, string> }>({
  name: prop.string("a Secret name such as 'rabbitmq'"),
  parameters: prop.stringMap("{ host: 'url' }"),
}, 'the arguments of TriggerAuth.fromSecret', "TriggerAuth.fromSecret('rabbitmq', { host: 'url' })");

export const rabbitMqTriggerPropsSchema = prop.object<RabbitMqTriggerProps>({
  queueName: prop.string("a queue name such as 'orders'"),
  mode: prop.oneOf(['QueueLength', 'MessageRate']),
  value: prop.number('20'),
  activationValue: prop.number('0').optional(),
  protocol: prop.oneOf(['auto', 'amqp', 'http']).optional(),
  vhostName: prop.string("a vhost such as '/'").optional(),
  auth: authSchema,
}, 'an object of RabbitMQ trigger props', "{ queueName: 'orders', mode: 'QueueLength', value: 20, auth }");

export const kafkaTriggerPropsSchema = prop.object<KafkaTriggerProps>({
  bootstrapServers: prop.stringList("['kafka.data.svc:9092']"),
  consumerGroup: prop.string("a consumer group such as 'orders-consumer'"),
  topic: prop.string("a topic such as 'orders'"),
  lagThreshold: prop.number('50'),
  activationLagThreshold: prop.number('0').optional(),
  offsetResetPolicy: prop.oneOf(['latest', 'earliest']).optional(),
  allowIdleConsumers: prop.boolean().optional(),
  sasl: prop.oneOf(['plaintext', 'scram_sha256', 'scram_sha512', 'gssapi', 'oauthbearer']).optional(),
  tls: prop.boolean().optional(),
  auth: authSchema.optional(),
}, 'an object of Kafka trigger props', "{ bootstrapServers: ['kafka.data.svc:9092'], consumerGroup: 'orders-consumer', topic: 'orders', lagThreshold: 50 }");

const redisConnectionShape: PropsShape<RedisConnectionProps> = {
  address: prop.string("an address such as 'redis.cache.svc:6379'").optional(),
  host: prop.string("a host such as 'redis.cache.svc'").optional(),
  port: prop.number('6379').optional(),
  databaseIndex: prop.number('0').optional(),
  enableTls: prop.boolean().optional(),
  auth: authSchema.optional(),
};

export const redisListTriggerPropsSchema = prop.object<RedisListTriggerProps>({
  ...redisConnectionShape,
  listName: prop.string("a list name such as 'jobs'"),
  listLength: prop.number('10'),
  activationListLength: prop.number('0').optional(),
}, 'an object of Redis list trigger props', "{ address: 'redis.cache.svc:6379', listName: 'jobs', listLength: 10 }");

export const redisStreamTriggerPropsSchema = prop.object<RedisStreamTriggerProps>({
  ...redisConnectionShape,
  stream: prop.string("a stream name such as 'orders'"),
  consumerGroup: prop.string("a consumer group such as 'orders-workers'").optional(),
  lagCount: prop.number('10').optional(),
  pendingEntriesCount: prop.number('10').optional(),
  streamLength: prop.number('100').optional(),
  activationLagCount: prop.number('0').optional(),
}, 'an object of Redis stream trigger props', "{ address: 'redis.cache.svc:6379', stream: 'orders', consumerGroup: 'orders-workers', lagCount: 10 }");

export const cronTriggerPropsSchema = prop.object<CronTriggerProps>({
  timezone: prop.string("an IANA time zone such as 'Europe/Berlin'"),
  start: prop.string("a cron expression such as '0 8 * * 1-5'"),
  end: prop.string("a cron expression such as '0 20 * * 1-5'"),
  desiredReplicas: prop.number('5'),
}, 'an object of cron trigger props', "{ timezone: 'Europe/Berlin', start: '0 8 * * 1-5', end: '0 20 * * 1-5', desiredReplicas: 5 }");
