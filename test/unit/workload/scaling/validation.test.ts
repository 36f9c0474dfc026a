import { Duration } from 'cdk8s';
import { Microservice, MicroserviceProps } from '../../../../lib';
import { CronTriggerProps, EventScalingProps, KafkaTriggerProps, RabbitMqTriggerProps, RedisListTriggerProps, RedisStreamTriggerProps, ScaleTrigger, TriggerAuth } from '../../../../lib/workload/scaling';
import { digestImage, newChart, validationErrorOf } from '../../../fixtures';
import { queueTrigger } from './helpers';

const STABLE = 'test/orders/stable';

/** The message of the ValidationError a worker `orders` with these props throws; the path must be `path`. */
function failure(scaling: Partial<EventScalingProps>, props: Partial<MicroserviceProps> = {}, path = STABLE): string {
  const error = validationErrorOf(
    () => new Microservice(newChart(), 'orders', { image: digestImage(), eventScaling: { maxReplicas: 10, triggers: [queueTrigger], ...scaling }, ...props }),
  );
  expect(error.path).toBe(path);
  expect(error.message.endsWith(` (at ${path})`)).toBe(true);
  return error.detail;
}

const triggerFailure = (trigger: ScaleTrigger, scaling: Partial<EventScalingProps> = {}, props: Partial<MicroserviceProps> = {}) =>
  failure({ triggers: [trigger], ...scaling }, props);

const rabbit = (props: Partial<RabbitMqTriggerProps>) =>
  ScaleTrigger.rabbitMq({ queueName: 'orders', mode: 'QueueLength', value: 20, auth: TriggerAuth.fromSecret('rabbitmq', { host: 'url' }), ...props });
const kafka = (props: Partial<KafkaTriggerProps>) =>
  ScaleTrigger.kafka({ bootstrapServers: ['kafka.kafka.svc:9092'], consumerGroup: 'orders', topic: 'orders', lagThreshold: 10, ...props });
const redisList = (props: Partial<RedisListTriggerProps>) => ScaleTrigger.redisList({ address: 'redis:6379', listName: 'jobs', listLength: 5, ...props });
const redisStream = (props: Partial<RedisStreamTriggerProps>) => ScaleTrigger.redisStream({ address: 'redis:6379', stream: 'orders', ...props });
const cron = (props: Partial<CronTriggerProps>) =>
  ScaleTrigger.cron({ timezone: 'Europe/Berlin', start: '0 8 * * 1-5', end: '0 20 * * 1-5', desiredReplicas: 3, ...props });

describe('eventScaling bad input', () => {
  const scaleCases: Array<[string, Partial<EventScalingProps>, string]> = [
    ['minReplicas is negative', { minReplicas: -1 }, 'eventScaling.minReplicas must be a whole number ≥ 0, got -1'],
    ['minReplicas is fractional', { minReplicas: 1.5 }, 'eventScaling.minReplicas must be a whole number ≥ 0, got 1.5'],
    ['maxReplicas is 0', { maxReplicas: 0 }, 'eventScaling.maxReplicas must be a whole number ≥ 1, got 0'],
    ['minReplicas is above maxReplicas', { minReplicas: 5, maxReplicas: 2 }, 'eventScaling.minReplicas (5) is greater than maxReplicas (2); set maxReplicas ≥ minReplicas'],
    ['there are no triggers', { triggers: [] }, 'eventScaling.triggers is empty, so nothing would scale the revision; add one, e.g. ScaleTrigger.rabbitMq({ … })'],
    ['idleToZero is set with minReplicas 0', { idleToZero: true }, 'eventScaling.idleToZero needs minReplicas ≥ 1 (minReplicas 0 already scales to zero); drop it or raise minReplicas'],
    ['the polling interval is below a second', { pollingInterval: Duration.millis(500) }, 'eventScaling.pollingInterval must be a whole number of seconds ≥ 1, got 0.5s'],
    [
      'a cooldown is set for a revision that never scales to zero',
      { minReplicas: 1, cooldownPeriod: Duration.minutes(1) },
      'eventScaling.cooldownPeriod only applies to a revision that scales to zero, and minReplicas is 1; drop it, or set minReplicas to 0 or idleToZero',
    ],
    [
      'a fallback threshold is set without fallback replicas',
      { fallbackFailureThreshold: 5 },
      'eventScaling.fallbackFailureThreshold is set without fallbackReplicas, so there is no fallback; set fallbackReplicas or drop it',
    ],
    [
      'fallback replicas are above maxReplicas',
      { fallbackReplicas: 20 },
      'eventScaling.fallbackReplicas (20) is outside minReplicas-maxReplicas (0-10), where the autoscaler would clamp it; pick a count within them',
    ],
    ['the fallback threshold is 0', { fallbackReplicas: 2, fallbackFailureThreshold: 0 }, 'eventScaling.fallbackFailureThreshold must be a whole number ≥ 1, got 0'],
    [
      'no trigger can wake the revision from zero',
      { triggers: [redisStream({ consumerGroup: 'workers', pendingEntriesCount: 5 })] },
      'eventScaling scales the revision to zero, but none of its triggers sees work while it has no pods ' +
        "(a Redis stream's pending entries need a consumer); add one that does, such as ScaleTrigger.redisStream({ lagCount }), or set minReplicas ≥ 1",
    ],
  ];
  test.each(scaleCases)('fails when %s', (_, scaling, message) => {
    expect(failure(scaling)).toBe(message);
  });

  test('fails when the service sets both eventScaling and autoscaling (KEDA and an HPA on one Deployment)', () => {
    expect(failure({}, { autoscaling: { minReplicas: 1, maxReplicas: 3 } }, 'test/orders')).toBe(
      'the service sets both autoscaling and eventScaling, and KEDA refuses to scale a Deployment another HorizontalPodAutoscaler scales; set one of them',
    );
  });

  test('fails when the service sets both eventScaling and replicas', () => {
    expect(failure({}, { replicas: 2 }, 'test/orders')).toBe(
      'the service sets both replicas (2) and eventScaling, and KEDA would override the replicas; set one of them',
    );
  });

  test('fails when a revision sets both eventScaling and autoscaling', () => {
    const orders = new Microservice(newChart(), 'orders', { image: digestImage() });
    const error = validationErrorOf(() =>
      orders.addRevision('canary', { autoscaling: { minReplicas: 1, maxReplicas: 2 }, eventScaling: { maxReplicas: 2, triggers: [queueTrigger] } }),
    );
    expect(error.message).toBe(
      "revision 'canary' sets both autoscaling and eventScaling, and KEDA refuses to scale a Deployment another HorizontalPodAutoscaler scales; " +
        'set one of them (at test/orders)',
    );
  });
});

describe('ScaleTrigger bad input', () => {
  const T0 = 'eventScaling.triggers[0]';
  const cases: Array<[string, ScaleTrigger, string, Partial<EventScalingProps>?]> = [
    ['a RabbitMQ queue name is empty', rabbit({ queueName: '' }), `${T0} (rabbitmq) queueName must be non-empty without surrounding blanks, got ''; pass e.g. 'orders'`],
    [
      'a RabbitMQ message rate is read over AMQP',
      rabbit({ mode: 'MessageRate' }),
      `${T0} (rabbitmq) mode 'MessageRate' reads the management API, but protocol is 'auto'; set protocol to 'http' (and an http:// host)`,
    ],
    ['a RabbitMQ queue length target is fractional', rabbit({ value: 2.5 }), `${T0} (rabbitmq) value (messages per replica) must be a whole number ≥ 1, got 2.5`],
    ['a RabbitMQ target is 0', rabbit({ value: 0 }), `${T0} (rabbitmq) value (messages per replica) must be a whole number ≥ 1, got 0`],
    [
      'a RabbitMQ message rate target is negative',
      rabbit({ mode: 'MessageRate', protocol: 'http', value: -1 }),
      `${T0} (rabbitmq) value (messages per second per replica) must be a number > 0, got -1`,
    ],
    ['a RabbitMQ activation value is negative', rabbit({ activationValue: -1 }), `${T0} (rabbitmq) activationValue must be a number ≥ 0, got -1`],
    [
      'the RabbitMQ auth does not map host',
      rabbit({ auth: TriggerAuth.fromSecret('rabbitmq', { username: 'user', password: 'pass' }) }),
      `${T0} (rabbitmq) auth must map 'host', the connection URL the scaler reads the queue through`,
    ],
    [
      'an auth maps a parameter the scaler does not read',
      rabbit({ auth: TriggerAuth.fromSecret('rabbitmq', { hots: 'url' }) }),
      `${T0} (rabbitmq) auth maps parameter 'hots', which this scaler does not read; use one of: host, username, password, vhostName, tls, ca, cert, key`,
    ],
    [
      'an auth maps TLS files without switching TLS on',
      rabbit({ auth: TriggerAuth.fromSecret('rabbitmq', { host: 'url', ca: 'ca.crt' }) }),
      `${T0} (rabbitmq) auth maps 'ca' but TLS is off, so the scaler would ignore them; map 'tls' to a key holding 'enable'`,
    ],
    [
      'an auth maps a client certificate without its key',
      rabbit({ auth: TriggerAuth.fromSecret('rabbitmq', { host: 'url', tls: 'tls', cert: 'tls.crt' }) }),
      `${T0} (rabbitmq) auth maps 'cert' without 'key'; map both or neither`,
    ],
    [
      'vhostName is given twice',
      rabbit({ vhostName: '/', auth: TriggerAuth.fromSecret('rabbitmq', { host: 'url', vhostName: 'vhost' }) }),
      `${T0} (rabbitmq) sets vhostName and its auth maps 'vhostName' too; give it once`,
    ],
    ['Kafka has no brokers', kafka({ bootstrapServers: [] }), `${T0} (kafka) bootstrapServers must list at least one broker; pass e.g. ['kafka.kafka.svc:9092']`],
    [
      'a Kafka broker has no port',
      kafka({ bootstrapServers: ['kafka.kafka.svc'] }),
      `${T0} (kafka) bootstrapServers entries must be host:port (port 1-65535), got 'kafka.kafka.svc'; pass e.g. 'kafka.kafka.svc:9092'`,
    ],
    [
      'a Kafka topic is not a topic name',
      kafka({ topic: 'orders created' }),
      `${T0} (kafka) topic must be a Kafka topic name (1-249 letters, digits, '.', '_' or '-'), got 'orders created'`,
    ],
    ['a Kafka consumer group is blank', kafka({ consumerGroup: ' ' }), `${T0} (kafka) consumerGroup must be non-empty without surrounding blanks, got ' '; pass e.g. 'orders-consumer'`],
    ['a Kafka lag threshold is 0', kafka({ lagThreshold: 0 }), `${T0} (kafka) lagThreshold must be a whole number ≥ 1, got 0`],
    [
      'Kafka SASL has no credentials',
      kafka({ sasl: 'plaintext' }),
      `${T0} (kafka) sasl 'plaintext' needs credentials the auth does not map: 'username', 'password'; map them with TriggerAuth.fromSecret or TriggerAuth.fromServiceSecret`,
    ],
    [
      'Kafka Kerberos has both a password and a keytab',
      kafka({ sasl: 'gssapi', auth: TriggerAuth.fromSecret('krb', { username: 'u', password: 'p', keytab: 'k', realm: 'r', kerberosConfig: 'c' }) }),
      `${T0} (kafka) sasl 'gssapi' needs credentials the auth does not map: exactly one of 'password' or 'keytab'; map them with TriggerAuth.fromSecret or TriggerAuth.fromServiceSecret`,
    ],
    [
      'Kafka OAuth has no token endpoint',
      kafka({ sasl: 'oauthbearer', auth: TriggerAuth.fromSecret('oauth', { username: 'client-id', password: 'client-secret' }) }),
      `${T0} (kafka) sasl 'oauthbearer' needs credentials the auth does not map: 'oauthTokenEndpointUri'; map them with TriggerAuth.fromSecret or TriggerAuth.fromServiceSecret`,
    ],
    [
      'Kafka credentials come without a SASL mode',
      kafka({ auth: TriggerAuth.fromSecret('kafka', { username: 'user', password: 'pass' }) }),
      `${T0} (kafka) auth maps 'username', 'password' but no SASL mode, so the scaler would ignore them; set sasl (e.g. 'scram_sha512') or map a 'sasl' parameter`,
    ],
    [
      'Kafka SASL is given twice',
      kafka({ sasl: 'plaintext', auth: TriggerAuth.fromSecret('kafka', { sasl: 'sasl', username: 'user', password: 'pass' }) }),
      `${T0} (kafka) sets sasl and its auth maps 'sasl' too; KEDA refuses both, give it once`,
    ],
    [
      'Kafka TLS is given twice',
      kafka({ tls: true, auth: TriggerAuth.fromSecret('kafka', { tls: 'tls' }) }),
      `${T0} (kafka) sets tls and its auth maps 'tls' too; KEDA refuses both, give it once`,
    ],
    [
      'Kafka TLS files come with TLS off',
      kafka({ auth: TriggerAuth.fromSecret('kafka', { ca: 'ca.crt' }) }),
      `${T0} (kafka) auth maps 'ca' but TLS is off, so the scaler would ignore them; set tls: true`,
    ],
    [
      'a Redis trigger has no server',
      redisList({ address: undefined }),
      `${T0} (redis) has no server to connect to; set address (e.g. 'redis.cache.svc:6379') or host and port, or map them in the auth`,
    ],
    [
      'a Redis server is given twice',
      redisList({ auth: TriggerAuth.fromSecret('redis', { address: 'address', password: 'password' }) }),
      `${T0} (redis) names its server twice (address, the auth's 'address'); give it once`,
    ],
    ['a Redis host comes without a port', redisList({ address: undefined, host: 'redis' }), `${T0} (redis) sets host without port; set both, or address`],
    [
      'a Redis address has no port',
      redisList({ address: 'redis.cache.svc' }),
      `${T0} (redis) address must be host:port (port 1-65535), got 'redis.cache.svc'; pass e.g. 'redis.cache.svc:6379'`,
    ],
    ['a Redis port is out of range', redisList({ address: undefined, host: 'redis', port: 70000 }), `${T0} (redis) port must be 1-65535, got 70000`],
    ['a Redis list length target is 0', redisList({ listLength: 0 }), `${T0} (redis) listLength must be a whole number ≥ 1, got 0`],
    ['a Redis database index is negative', redisList({ databaseIndex: -1 }), `${T0} (redis) databaseIndex must be a whole number ≥ 0, got -1`],
    [
      'Redis TLS is switched on twice',
      redisList({ enableTls: true, auth: TriggerAuth.fromSecret('redis', { tls: 'tls', ca: 'ca.crt' }) }),
      `${T0} (redis) sets enableTls and its auth maps 'tls' too; KEDA refuses both, use the auth's 'tls' alone`,
    ],
    [
      'a Redis stream has no measure',
      redisStream({}),
      `${T0} (redis-streams) must set exactly one of lagCount, pendingEntriesCount or streamLength, got none`,
    ],
    [
      'a Redis stream has two measures',
      redisStream({ consumerGroup: 'workers', lagCount: 5, pendingEntriesCount: 5 }),
      `${T0} (redis-streams) must set exactly one of lagCount, pendingEntriesCount or streamLength, got lagCount and pendingEntriesCount`,
    ],
    [
      'a Redis stream length comes with a consumer group',
      redisStream({ consumerGroup: 'workers', streamLength: 50 }),
      `${T0} (redis-streams) sets consumerGroup with streamLength, and KEDA would then scale on pending entries instead; drop consumerGroup, or use lagCount`,
    ],
    ['a Redis stream lag has no consumer group', redisStream({ lagCount: 5 }), `${T0} (redis-streams) lagCount is measured for a consumer group; set consumerGroup`],
    [
      'a time zone is not an IANA name',
      cron({ timezone: 'Berlin time' }),
      `${T0} (cron) timezone 'Berlin time' is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'`,
    ],
    [
      'a time zone is spelled in the wrong case',
      cron({ timezone: 'europe/berlin' }),
      `${T0} (cron) timezone 'europe/berlin' must be written 'Europe/Berlin' (time zone names are case-sensitive)`,
    ],
    [
      "the time zone is a name Node's ICU takes but the IANA database, which KEDA loads it from, does not have",
      cron({ timezone: 'PST' }),
      `${T0} (cron) timezone 'PST' is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'`,
    ],
    [
      'the time zone is Local',
      cron({ timezone: 'Local' }),
      `${T0} (cron) timezone 'Local' means the zone of the pod that runs the schedule, which the stack does not control; name the zone, e.g. 'UTC' or 'Europe/Berlin'`,
    ],
    [
      'a cron start has seconds',
      cron({ start: '0 0 8 * * 1-5' }),
      `${T0} (cron) start must be a 5-field cron expression, got '0 0 8 * * 1-5', which has 6 fields, and KEDA reads exactly 5 (minute hour day-of-month month day-of-week); e.g. '0 8 * * 1-5'`,
    ],
    [
      'a cron end is a descriptor',
      cron({ end: '@daily' }),
      `${T0} (cron) end must be a 5-field cron expression, got '@daily', which is a descriptor, not 5 fields (KEDA's cron scaler reads no descriptors); e.g. '0 8 * * 1-5'`,
    ],
    [
      'a cron minute is out of range',
      cron({ start: '75 8 * * *' }),
      `${T0} (cron) start must be a 5-field cron expression, got '75 8 * * *', which has minute '75': 75 is above the maximum 59; e.g. '0 8 * * 1-5'`,
    ],
    [
      'a cron weekday is 7',
      cron({ start: '0 8 * * 1-7' }),
      `${T0} (cron) start must be a 5-field cron expression, got '0 8 * * 1-7', which has day-of-week '1-7': 7 is above the maximum 6 (Sunday is 0 or sun); e.g. '0 8 * * 1-5'`,
    ],
    [
      'a cron month name is misspelled',
      cron({ start: '0 8 1 janu *' }),
      `${T0} (cron) start must be a 5-field cron expression, got '0 8 1 janu *', which has month 'janu': 'janu' is not a whole number or a name (jan-dec); e.g. '0 8 * * 1-5'`,
    ],
    [
      'a cron step is 0',
      cron({ start: '*/0 8 * * *' }),
      `${T0} (cron) start must be a 5-field cron expression, got '*/0 8 * * *', which has minute '*/0': the step is 0; a step must be 1 or more; e.g. '0 8 * * 1-5'`,
    ],
    [
      'a cron range runs backwards',
      cron({ start: '0 20-8 * * *' }),
      `${T0} (cron) start must be a 5-field cron expression, got '0 20-8 * * *', which has hour '20-8': the range '20-8' runs backwards (20 is after 8); e.g. '0 8 * * 1-5'`,
    ],
    [
      'a cron list has an empty item',
      cron({ start: '0 8,,9 * * *' }),
      `${T0} (cron) start must be a 5-field cron expression, got '0 8,,9 * * *', which has hour '8,,9': a list item is empty; e.g. '0 8 * * 1-5'`,
    ],
    [
      'a cron start never fires',
      cron({ start: '0 8 30 2 *' }),
      `${T0} (cron) start must be a 5-field cron expression, got '0 8 30 2 *', which never fires: day-of-month '30' does not occur in month '2'; e.g. '0 8 * * 1-5'`,
    ],
    [
      'a cron start names a time zone',
      cron({ start: 'CRON_TZ=UTC 0 8 * * *' }),
      `${T0} (cron) start must be a 5-field cron expression, got 'CRON_TZ=UTC 0 8 * * *', which starts with a time zone (set timezone instead); e.g. '0 8 * * 1-5'`,
    ],
    [
      'a cron start is empty',
      cron({ start: '' }),
      `${T0} (cron) start must be a 5-field cron expression, got '', which has 0 fields, and KEDA reads exactly 5 (minute hour day-of-month month day-of-week); e.g. '0 8 * * 1-5'`,
    ],
    [
      'cron start and end are the same',
      cron({ start: '0 8 * * *', end: '0 8 * * *' }),
      `${T0} (cron) start and end are the same ('0 8 * * *'), so the window never opens; give end another time`,
    ],
    ['cron desired replicas are 0', cron({ desiredReplicas: 0 }), `${T0} (cron) desiredReplicas must be a whole number ≥ 1, got 0`],
    [
      'cron desired replicas are above maxReplicas',
      cron({ desiredReplicas: 12 }),
      `${T0} (cron) desiredReplicas (12) is above maxReplicas (10), which caps it; lower it or raise maxReplicas`,
    ],
    [
      'cron desired replicas do not exceed minReplicas',
      cron({ desiredReplicas: 2 }),
      `${T0} (cron) desiredReplicas (2) is not above minReplicas (2), so the window changes nothing; raise desiredReplicas, or lower minReplicas`,
      { minReplicas: 2 },
    ],
    [
      'an auth maps no parameters',
      redisList({ auth: TriggerAuth.fromSecret('redis', {}) }),
      `${T0} (redis) auth maps no parameters; map at least one, e.g. { username: '<key in the Secret>' }`,
    ],
    [
      'an auth Secret name is not a DNS subdomain',
      redisList({ auth: TriggerAuth.fromSecret('Redis_Creds', { password: 'password' }) }),
      `${T0} (redis) auth secretName must be a DNS subdomain (≤ 253 lower-case letters, digits, '-' and '.'), got 'Redis_Creds'`,
    ],
    [
      'an auth key is not a Secret key',
      redisList({ auth: TriggerAuth.fromSecret('redis', { password: 'redis password' }) }),
      `${T0} (redis) auth parameter 'password' names Secret key 'redis password', which is not a valid key; use ≤ 253 letters, digits, '-', '_' or '.'`,
    ],
    [
      'an auth names a service secret the revision does not have',
      redisList({ auth: TriggerAuth.fromServiceSecret('redis', { password: 'password' }) }),
      `${T0} (redis) auth names secret 'redis', which is not one of the revision's secrets (it declares none); ` +
        'add it to secrets, or use TriggerAuth.fromSecret for a Secret managed elsewhere',
    ],
  ];
  test.each(cases)('fails when %s', (_, trigger, message, scaling = {}) => {
    expect(triggerFailure(trigger, scaling)).toBe(message);
  });

  test('fails when an auth names a key its service secret does not have', () => {
    const trigger = redisList({ auth: TriggerAuth.fromServiceSecret('redis', { password: 'pasword' }) });
    expect(triggerFailure(trigger, {}, { secrets: [{ name: 'redis', literals: { password: 'x', username: 'y' } }] })).toBe(
      `${T0} (redis) auth parameter 'password' names key 'pasword', which secret 'redis' does not have; its keys: 'password', 'username'`,
    );
  });

  test('fails when a later trigger is bad, naming its position', () => {
    expect(triggerFailure(queueTrigger, { triggers: [queueTrigger, kafka({ lagThreshold: -5 })] })).toBe(
      'eventScaling.triggers[1] (kafka) lagThreshold must be a whole number ≥ 1, got -5',
    );
  });
});
