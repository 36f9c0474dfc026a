import { Chart } from 'cdk8s';
import { Microservice } from '../../../../lib';
import { ScaleTrigger, TriggerAuth } from '../../../../lib/workload/scaling';
import { digestImage, ExpectedRefusal, expectRefusal, newChart } from '../../../fixtures';

// Wrong JavaScript values given to KEDA scale triggers, as plain JavaScript,
// JSON or YAML config give them: a trigger's props are checked when its
// revision renders it (the factory has no construct to name), each refused
// with a ValidationError naming the revision's path, the trigger and its
// prop, the value as given and the fix.

/** Stands for a value from the environment that is not set. */
const unset = process.env.IMMUTABLE_INFRA_TEST_SURELY_UNSET;
const STABLE = 'test/orders/stable';
const TRIGGER = 'eventScaling.triggers[0]';

/** A bad input and what its refusal (at the stable revision) must say. */
interface BadInput extends Omit<ExpectedRefusal, 'path'> {
  /** The trigger the worker `orders` scales on. */
  readonly trigger: () => ScaleTrigger;
}

const auth = TriggerAuth.fromSecret('rabbitmq', { host: 'amqp-url' });
const rabbit = (props: Record<string, unknown>) => () =>
  ScaleTrigger.rabbitMq({ queueName: 'orders', mode: 'QueueLength', value: 20, auth, ...props } as never);
const kafka = (props: Record<string, unknown>) => () =>
  ScaleTrigger.kafka({ bootstrapServers: ['kafka.data.svc:9092'], consumerGroup: 'orders', topic: 'orders', lagThreshold: 10, ...props } as never);
const redisList = (props: Record<string, unknown>) => () => ScaleTrigger.redisList({ address: 'redis:6379', listName: 'jobs', listLength: 5, ...props } as never);
const cron = (props: Record<string, unknown>) => () =>
  ScaleTrigger.cron({ timezone: 'Europe/Berlin', start: '0 8 * * 1-5', end: '0 20 * * 1-5', desiredReplicas: 3, ...props } as never);

const cases: Record<string, Record<string, BadInput>> = {
  'string for a list': {
    'Kafka brokers as one string': {
      trigger: kafka({ bootstrapServers: 'kafka-0:9092 kafka-1:9092' }),
      prop: `${TRIGGER} (kafka) bootstrapServers`, shown: "got 'kafka-0:9092 kafka-1:9092' (a string)", fix: /\['kafka-0:9092', 'kafka-1:9092'\]/,
    },
  },
  'wrong type': {
    'a queue length as a string': {
      trigger: rabbit({ value: '20' }), prop: `${TRIGGER} (rabbitmq) value`, shown: "got '20' (a string)", fix: /without quotes: 20/,
    },
    'a mode in lower case': {
      trigger: rabbit({ mode: 'queuelength' }), prop: `${TRIGGER} (rabbitmq) mode`, shown: "got 'queuelength'", fix: /write 'QueueLength'/,
    },
    'auth given as a Secret name': {
      trigger: rabbit({ auth: 'rabbitmq' }), prop: `${TRIGGER} (rabbitmq) auth`, shown: "got 'rabbitmq' (a string)", fix: /TriggerAuth\.fromServiceSecret/,
    },
    'tls as a string': {
      trigger: kafka({ tls: 'enable' }), prop: `${TRIGGER} (kafka) tls`, shown: "got 'enable'", fix: /true or false/,
    },
    'a Redis port as a string': {
      trigger: () => ScaleTrigger.redisList({ host: 'redis', port: '6379' as never, listName: 'jobs', listLength: 5 }),
      prop: `${TRIGGER} (redis) port`, shown: "got '6379' (a string)", fix: /without quotes: 6379/,
    },
    'auth parameters as a list': {
      trigger: rabbit({ auth: TriggerAuth.fromSecret('rabbitmq', ['host'] as never) }),
      prop: `${TRIGGER} (rabbitmq) auth (TriggerAuth.fromSecret) parameters`, shown: "got ['host']", fix: /\{ host: 'url' \}/,
    },
    'the trigger props as a string': {
      trigger: () => ScaleTrigger.cron('0 8 * * 1-5' as never),
      prop: `${TRIGGER} (cron) props (of ScaleTrigger.cron)`, shown: "got '0 8 * * 1-5' (a string)", fix: /timezone: 'Europe\/Berlin'/,
    },
  },
  'missing required value': {
    'a RabbitMQ trigger without auth': {
      trigger: rabbit({ auth: undefined }), prop: `${TRIGGER} (rabbitmq) auth`, shown: 'is required', fix: /TriggerAuth/,
    },
    'a cron trigger without an end': {
      trigger: cron({ end: undefined }), prop: `${TRIGGER} (cron) end`, shown: 'is required', fix: /'0 20 \* \* 1-5'/,
    },
  },
  'NaN, Infinity and out of range': {
    'a NaN lag threshold': {
      trigger: kafka({ lagThreshold: NaN }), prop: `${TRIGGER} (kafka) lagThreshold`, shown: 'must be a finite number, got NaN', fix: /NaN comes from/,
    },
    'an Infinity list length': {
      trigger: redisList({ listLength: Infinity }), prop: `${TRIGGER} (redis) listLength`, shown: 'got Infinity', fix: /finite number such as 10/,
    },
    'desired replicas of 0': {
      trigger: cron({ desiredReplicas: 0 }), prop: `${TRIGGER} (cron) desiredReplicas`, shown: 'got 0', fix: /whole number ≥ 1/,
    },
  },
  'unset environment variable (undefined)': {
    'a queue name from an unset variable': {
      trigger: rabbit({ queueName: unset }), prop: `${TRIGGER} (rabbitmq) queueName`, shown: 'is required', fix: /'orders'/,
    },
    'an auth key from an unset variable': {
      trigger: rabbit({ auth: TriggerAuth.fromSecret('rabbitmq', { host: unset as never }) }),
      prop: `${TRIGGER} (rabbitmq) auth (TriggerAuth.fromSecret) parameters.host`, shown: 'is undefined', fix: /not set: set it, or leave the key out/,
    },
  },
  'unknown key': {
    'a misspelled queue name': {
      trigger: rabbit({ queue: 'orders' }), prop: `${TRIGGER} (rabbitmq) queue`, shown: 'is not a known prop', fix: /did you mean 'queueName'\?/,
    },
    'a prop of another trigger': {
      trigger: cron({ listName: 'jobs' }), prop: `${TRIGGER} (cron) listName`, shown: 'is not a known prop', fix: /the known props are timezone, start, end, desiredReplicas/,
    },
    'a Kafka prop in snake case': {
      trigger: kafka({ lag_threshold: 10 }), prop: `${TRIGGER} (kafka) lag_threshold`, shown: 'is not a known prop', fix: /did you mean 'lagThreshold'\?/,
    },
  },
};

describe.each(Object.keys(cases))('KEDA trigger bad input: %s', (group) => {
  test.each(Object.entries(cases[group]))('%s', (_, c) => {
    const worker = (chart: Chart) => new Microservice(chart, 'orders', { image: digestImage(), eventScaling: { maxReplicas: 10, triggers: [c.trigger()] } });
    expectRefusal(() => worker(newChart()), { ...c, path: STABLE });
  });
});
