import { ScaleTrigger, TriggerAuth } from '../../../../lib/workload/scaling';
import { onlyTrigger } from './helpers';

describe('ScaleTrigger', () => {
  test('RabbitMQ: queue, mode, value and protocol as strings; the connection from the auth', () => {
    const { trigger } = onlyTrigger(ScaleTrigger.rabbitMq({
      queueName: 'orders',
      mode: 'QueueLength',
      value: 20,
      activationValue: 2,
      vhostName: '/shop',
      auth: TriggerAuth.fromSecret('rabbitmq', { host: 'amqp-url' }),
    }));
    expect(trigger).toEqual({
      type: 'rabbitmq',
      metadata: { queueName: 'orders', mode: 'QueueLength', value: '20', activationValue: '2', protocol: 'auto', vhostName: '/shop' },
      authenticationRef: { name: expect.stringMatching(/^orders-[0-9a-f]{10}$/) },
    });
  });

  test('RabbitMQ: a message rate through the management API may be fractional', () => {
    const { trigger } = onlyTrigger(ScaleTrigger.rabbitMq({
      queueName: 'orders',
      mode: 'MessageRate',
      value: 12.5,
      protocol: 'http',
      auth: TriggerAuth.fromSecret('rabbitmq', { host: 'http-url', username: 'user', password: 'pass' }),
    }));
    expect(trigger.metadata).toEqual({ queueName: 'orders', mode: 'MessageRate', value: '12.5', protocol: 'http' });
  });

  test('Kafka: brokers joined by commas, group, topic, lag threshold; SASL and TLS switched on in the trigger', () => {
    const { trigger, authentications } = onlyTrigger(ScaleTrigger.kafka({
      bootstrapServers: ['kafka-0.kafka.svc:9092', 'kafka-1.kafka.svc:9092'],
      consumerGroup: 'orders-consumer',
      topic: 'orders.created',
      lagThreshold: 50,
      activationLagThreshold: 5,
      offsetResetPolicy: 'earliest',
      allowIdleConsumers: false,
      sasl: 'scram_sha512',
      tls: true,
      auth: TriggerAuth.fromSecret('kafka-client', { username: 'user', password: 'password', ca: 'ca.crt' }),
    }));
    expect(trigger.type).toBe('kafka');
    expect(trigger.metadata).toEqual({
      bootstrapServers: 'kafka-0.kafka.svc:9092,kafka-1.kafka.svc:9092',
      consumerGroup: 'orders-consumer',
      topic: 'orders.created',
      lagThreshold: '50',
      activationLagThreshold: '5',
      offsetResetPolicy: 'earliest',
      allowIdleConsumers: 'false',
      sasl: 'scram_sha512',
      tls: 'enable',
    });
    expect((authentications[0].spec as any).secretTargetRef.map((r: any) => r.parameter)).toEqual(['ca', 'password', 'username']);
  });

  test('Kafka without credentials has no authenticationRef and no TriggerAuthentication', () => {
    const { trigger, authentications } = onlyTrigger(ScaleTrigger.kafka({
      bootstrapServers: ['kafka.kafka.svc:9092'],
      consumerGroup: 'orders-consumer',
      topic: 'orders',
      lagThreshold: 10,
    }));
    expect(trigger).toEqual({
      type: 'kafka',
      metadata: { bootstrapServers: 'kafka.kafka.svc:9092', consumerGroup: 'orders-consumer', topic: 'orders', lagThreshold: '10' },
    });
    expect(authentications).toEqual([]);
  });

  test('Kafka: SASL mode and TLS may come from the Secret instead, as auth parameters', () => {
    const { trigger, authentications } = onlyTrigger(ScaleTrigger.kafka({
      bootstrapServers: ['kafka.kafka.svc:9093'],
      consumerGroup: 'orders-consumer',
      topic: 'orders',
      lagThreshold: 10,
      auth: TriggerAuth.fromSecret('kafka-client', { sasl: 'sasl', username: 'user', password: 'password', tls: 'tls', cert: 'tls.crt', key: 'tls.key' }),
    }));
    expect(trigger.metadata.sasl).toBeUndefined();
    expect(trigger.metadata.tls).toBeUndefined();
    expect((authentications[0].spec as any).secretTargetRef.map((r: any) => r.parameter)).toEqual(['cert', 'key', 'password', 'sasl', 'tls', 'username']);
  });

  test('Kafka: Kerberos (gssapi) with a keytab', () => {
    const { trigger } = onlyTrigger(ScaleTrigger.kafka({
      bootstrapServers: ['kafka.kafka.svc:9092'],
      consumerGroup: 'orders-consumer',
      topic: 'orders',
      lagThreshold: 10,
      sasl: 'gssapi',
      auth: TriggerAuth.fromSecret('kerberos', { username: 'principal', keytab: 'keytab', realm: 'realm', kerberosConfig: 'krb5.conf' }),
    }));
    expect(trigger.metadata.sasl).toBe('gssapi');
  });

  test('Redis list: address, list, length; the password from the auth', () => {
    const { trigger, authentications } = onlyTrigger(ScaleTrigger.redisList({
      address: 'redis.cache.svc:6379',
      listName: 'jobs',
      listLength: 5,
      activationListLength: 1,
      databaseIndex: 2,
      enableTls: true,
      auth: TriggerAuth.fromSecret('redis', { password: 'redis-password' }),
    }));
    expect(trigger.type).toBe('redis');
    expect(trigger.metadata).toEqual({
      address: 'redis.cache.svc:6379',
      listName: 'jobs',
      listLength: '5',
      activationListLength: '1',
      databaseIndex: '2',
      enableTLS: 'true',
    });
    expect((authentications[0].spec as any).secretTargetRef).toEqual([{ parameter: 'password', name: 'redis', key: 'redis-password' }]);
  });

  test('Redis list: host and port instead of an address', () => {
    const { trigger } = onlyTrigger(ScaleTrigger.redisList({ host: 'redis.cache.svc', port: 6380, listName: 'jobs', listLength: 5 }));
    expect(trigger.metadata).toEqual({ host: 'redis.cache.svc', port: '6380', listName: 'jobs', listLength: '5' });
  });

  test('Redis list: the server address from the Secret', () => {
    const { trigger, authentications } = onlyTrigger(ScaleTrigger.redisList({
      listName: 'jobs',
      listLength: 5,
      auth: TriggerAuth.fromSecret('redis', { address: 'address', password: 'password' }),
    }));
    expect(trigger.metadata).toEqual({ listName: 'jobs', listLength: '5' });
    expect((authentications[0].spec as any).secretTargetRef.map((r: any) => r.parameter)).toEqual(['address', 'password']);
  });

  test('Redis stream: consumer group lag', () => {
    const { trigger } = onlyTrigger(ScaleTrigger.redisStream({
      address: 'redis.cache.svc:6379',
      stream: 'orders',
      consumerGroup: 'orders-workers',
      lagCount: 10,
      activationLagCount: 1,
    }));
    expect(trigger).toEqual({
      type: 'redis-streams',
      metadata: { address: 'redis.cache.svc:6379', stream: 'orders', consumerGroup: 'orders-workers', lagCount: '10', activationLagCount: '1' },
    });
  });

  test('Redis stream: pending entries of a consumer group, or the length of the stream without one', () => {
    const pending = onlyTrigger(
      ScaleTrigger.redisStream({ address: 'redis:6379', stream: 'orders', consumerGroup: 'workers', pendingEntriesCount: 5 }),
      { minReplicas: 1 },
    );
    expect(pending.trigger.metadata).toEqual({ address: 'redis:6379', stream: 'orders', consumerGroup: 'workers', pendingEntriesCount: '5' });
    const length = onlyTrigger(ScaleTrigger.redisStream({ address: 'redis:6379', stream: 'orders', streamLength: 100 }));
    expect(length.trigger.metadata).toEqual({ address: 'redis:6379', stream: 'orders', streamLength: '100' });
  });

  test('cron: time zone, start, end (whitespace normalized) and desired replicas', () => {
    const { trigger } = onlyTrigger(ScaleTrigger.cron({
      timezone: 'America/Argentina/Buenos_Aires',
      start: '0  8 * * MON-fri',
      end: '30 19 * * 1-5',
      desiredReplicas: 4,
    }));
    expect(trigger).toEqual({
      type: 'cron',
      metadata: { timezone: 'America/Argentina/Buenos_Aires', start: '0 8 * * MON-fri', end: '30 19 * * 1-5', desiredReplicas: '4' },
    });
  });

  test('cron accepts lists, ranges, steps and ? as robfig/cron does', () => {
    for (const start of ['*/15 * * * *', '0,30 6-9 1-15/2 jan,jul ?', '5/10 0 * 12 sun', '0 0 ? * 0-6/2']) {
      expect(onlyTrigger(ScaleTrigger.cron({ timezone: 'UTC', start, end: '59 23 31 12 6', desiredReplicas: 1 })).trigger.metadata.start).toBe(start);
    }
  });
});
