import { Chart, Duration } from 'cdk8s';
import { Broker, BrokerProps, EventSink, Microservice, PingSource, PingSourceProps } from '../../../../lib';
import { ExpectedRefusal, expectRefusal, newChart } from '../../../fixtures';
import { receiver } from './fixtures';

// Wrong JavaScript values given to the eventing constructs (Broker, its
// triggers, PingSource, deliveries and sinks), as plain JavaScript, JSON or
// YAML config give them: each is refused with a ValidationError naming the
// construct's path, the prop, the value as given and the fix.

/** Stands for a value from the environment that is not set. */
const unset = process.env.IMMUTABLE_INFRA_TEST_SURELY_UNSET;

/** A bad input and what its refusal must say. */
interface BadInput extends ExpectedRefusal {
  /** Builds the bad input beside the receiver `thumbnails` in `chart` (namespace 'test'). */
  readonly build: (chart: Chart, thumbnails: Microservice) => unknown;
}

const broker = (props: Record<string, unknown>) => (chart: Chart) => new Broker(chart, 'events', props as BrokerProps);
const ping = (props: Record<string, unknown>) => (chart: Chart, thumbnails: Microservice) =>
  new PingSource(chart, 'nightly', { schedule: '0 3 * * *', sink: EventSink.service(thumbnails), ...props } as PingSourceProps);
const trigger = (options: (thumbnails: Microservice) => Record<string, unknown>) => (chart: Chart, thumbnails: Microservice) =>
  new Broker(chart, 'events').addTrigger('resize', options(thumbnails) as never);

const cases: Record<string, Record<string, BadInput>> = {
  'wrong type': {
    'a subscriber given by name': {
      build: trigger(() => ({ subscriber: 'thumbnails' })),
      path: 'test/events', prop: "trigger 'resize' subscriber", shown: "got 'thumbnails' (a string)", fix: /EventSink\.service\(thumbnails\)/,
    },
    'a filter as a list': {
      build: trigger((t) => ({ subscriber: EventSink.service(t), filter: ['type=image.uploaded'] })),
      path: 'test/events', prop: "trigger 'resize' filter", shown: "got ['type=image.uploaded']", fix: /\{ type: 'image\.uploaded' \}/,
    },
    'a retry count as a string': {
      build: broker({ delivery: { retry: '3' } }),
      path: 'test/events', prop: 'delivery.retry', shown: "got '3' (a string)", fix: /without quotes: 3/,
    },
    'a backoff delay in milliseconds': {
      build: broker({ delivery: { retry: 3, backoffPolicy: 'exponential', backoffDelay: 500 } }),
      path: 'test/events', prop: 'delivery.backoffDelay', shown: 'got 500 (a number)', fix: /Duration\.seconds\(500\) if seconds are meant/,
    },
    'a schedule as a number': {
      build: ping({ schedule: 5 }),
      path: 'test/nightly', prop: 'schedule', shown: 'got 5 (a number)', fix: /'5'/,
    },
    'a sink URL as a URL object': {
      build: ping({ sink: EventSink.uri(new URL('https://hooks.example.com/events') as never) }),
      path: 'test/nightly', prop: "PingSource 'nightly' sink (the URL given to EventSink.uri)", shown: 'got a URL', fix: /https:\/\/hooks\.example\.com\/events/,
    },
    'a sink service given by name': {
      build: ping({ sink: EventSink.service('thumbnails' as never) }),
      path: 'test/nightly', prop: "PingSource 'nightly' sink (the service given to EventSink.service)", shown: "got 'thumbnails' (a string)", fix: /a Microservice such as orders/,
    },
    'a publisher given by name': {
      build: (chart) => new Broker(chart, 'events').addPublisher('orders' as never),
      path: 'test/events', prop: 'addPublisher service', shown: "got 'orders' (a string)", fix: /a Microservice such as orders/,
    },
    'an eventing namespace as a number': {
      build: (chart, thumbnails) => new Broker(chart, 'events').addPublisher(thumbnails, 5 as never),
      path: 'test/events', prop: 'addPublisher eventingNamespace', shown: 'got 5 (a number)', fix: /in quotes: '5'/,
    },
    'a sink path as a number': {
      build: (chart, t) => ping({ sink: EventSink.service(t, { path: 42 as never }) })(chart, t),
      path: 'test/nightly', prop: "PingSource 'nightly' sink (the options given to EventSink.service) path", shown: 'got 42 (a number)', fix: /'42'/,
    },
  },
  'missing required value': {
    'a trigger without a subscriber': {
      build: trigger(() => ({ name: 'resize' })),
      path: 'test/events', prop: "trigger 'resize' subscriber", shown: 'is required', fix: /EventSink\.service/,
    },
    'a PingSource without a sink': {
      build: ping({ sink: undefined }),
      path: 'test/nightly', prop: 'sink', shown: 'is required', fix: /EventSink\.service/,
    },
  },
  'NaN, Infinity and out of range': {
    'a NaN retry count': {
      build: broker({ delivery: { retry: NaN } }), path: 'test/events', prop: 'delivery.retry', shown: 'got NaN', fix: /NaN comes from/,
    },
    'an Infinity retry count': {
      build: broker({ delivery: { retry: Infinity } }), path: 'test/events', prop: 'delivery.retry', shown: 'got Infinity', fix: /finite number such as 3/,
    },
    'a negative retry count': {
      build: broker({ delivery: { retry: -1 } }), path: 'test/events', prop: 'delivery retry', shown: 'got -1', fix: /pass e\.g\. retry: 3/,
    },
  },
  'unset environment variable (undefined)': {
    'a filter value': {
      build: trigger((t) => ({ subscriber: EventSink.service(t), filter: { type: unset } })),
      path: 'test/events', prop: "trigger 'resize' filter.type", shown: 'is undefined', fix: /not set: set it, or leave the key out/,
    },
    'a schedule': {
      build: ping({ schedule: unset }), path: 'test/nightly', prop: 'schedule', shown: 'is required', fix: /'0 3 \* \* \*'/,
    },
  },
  'unknown key': {
    'a misspelled dead-letter sink': {
      build: (chart, t) => broker({ delivery: { deadLetter: EventSink.service(t) } })(chart),
      path: 'test/events', prop: 'delivery.deadLetter', shown: 'is not a known prop', fix: /did you mean 'deadLetterSink'\?/,
    },
    'a time zone spelled as one word in camel case': {
      build: ping({ timeZone: 'Europe/Berlin' }), path: 'test/nightly', prop: 'timeZone', shown: 'is not a known prop', fix: /did you mean 'timezone'\?/,
    },
  },
};

describe.each(Object.keys(cases))('eventing bad input: %s', (group) => {
  test.each(Object.entries(cases[group]))('%s', (_, c) => {
    const chart = newChart();
    const thumbnails = new Microservice(chart, 'thumbnails', receiver('a'));
    expectRefusal(() => c.build(chart, thumbnails), c);
  });
});

describe('eventing bad input: the same values given right are accepted', () => {
  test('a broker with delivery, a trigger and a PingSource', () => {
    const chart = newChart();
    const thumbnails = new Microservice(chart, 'thumbnails', receiver('a'));
    const events = new Broker(chart, 'events', { delivery: { retry: 3, backoffPolicy: 'exponential', backoffDelay: Duration.millis(500) } });
    events.addTrigger('resize', { subscriber: EventSink.service(thumbnails, { path: '/events' }), filter: { type: 'image.uploaded' } });
    expect(() => new PingSource(chart, 'nightly', { schedule: '0 3 * * *', sink: EventSink.uri('https://hooks.example.com/events') })).not.toThrow();
  });
});
