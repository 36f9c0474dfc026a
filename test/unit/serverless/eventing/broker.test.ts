import { App, Chart, Duration } from 'cdk8s';
import { Microservice } from '../../../../lib';
import { Broker, EventSink, PingSource, Trigger } from '../../../../lib/serverless/eventing';
import { synthObjects, synthYaml } from '../../../../lib/testing';
import { newChart, validationErrorOf } from '../../../fixtures';
import { objectOf, receiver, specOf } from './fixtures';

describe('Broker', () => {
  test('an eventing.knative.dev/v1 Broker named by its id, with the multi-tenant channel-based class and no spec by default', () => {
    const chart = newChart();
    new Broker(chart, 'default');
    expect(objectOf(chart, 'Broker', 'default')).toEqual({
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Broker',
      metadata: {
        name: 'default',
        namespace: 'test',
        annotations: { 'eventing.knative.dev/broker.class': 'MTChannelBasedBroker' },
        labels: { 'app.kubernetes.io/name': 'default', 'app.kubernetes.io/managed-by': 'immutable-infra', 'app.kubernetes.io/part-of': 'test' },
      },
    });
  });

  test('name and class from props', () => {
    const chart = newChart();
    const broker = new Broker(chart, 'events', { name: 'orders', class: 'Kafka' });
    expect(broker.brokerName).toBe('orders');
    expect(broker.namespace).toBe('test');
    expect(objectOf(chart, 'Broker', 'orders').metadata.annotations).toEqual({ 'eventing.knative.dev/broker.class': 'Kafka' });
  });

  test('its delivery: retries, backoff and a dead-letter microservice', () => {
    const chart = newChart();
    const dlq = new Microservice(chart, 'dlq', receiver('d'));
    new Broker(chart, 'default', {
      delivery: { retry: 3, backoffPolicy: 'exponential', backoffDelay: Duration.millis(500), deadLetterSink: EventSink.service(dlq, { path: '/dead' }) },
    });
    expect(specOf(chart, 'Broker', 'default')).toEqual({
      delivery: {
        retry: 3,
        backoffPolicy: 'exponential',
        backoffDelay: 'PT0.5S',
        deadLetterSink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'dlq', namespace: 'test' }, uri: '/dead' },
      },
    });
  });

  test('is a sink: a reference to the Broker, e.g. for a PingSource', () => {
    const chart = newChart();
    const broker = new Broker(chart, 'default');
    new PingSource(chart, 'tick', { schedule: '@hourly', sink: broker });
    expect(specOf(chart, 'PingSource', 'tick').sink).toEqual({ ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default', namespace: 'test' } });
  });

  test('addTrigger makes a Trigger under the broker', () => {
    const chart = newChart();
    const broker = new Broker(chart, 'default');
    const trigger = broker.addTrigger('all', { subscriber: EventSink.uri('https://hooks.example.com/') });
    expect(trigger).toBeInstanceOf(Trigger);
    expect(trigger.node.path).toBe('test/default/all');
    expect(trigger.broker).toBe(broker);
    expect(specOf(chart, 'Trigger', 'all').broker).toBe('default');
  });

  test('fails when a trigger id is used twice', () => {
    const broker = new Broker(newChart(), 'default');
    broker.addTrigger('all', { subscriber: EventSink.uri('https://hooks.example.com/') });
    expect(validationErrorOf(() => broker.addTrigger('all', { subscriber: EventSink.uri('https://hooks.example.com/') })).message).toBe(
      "trigger 'all' already exists on broker 'default'; give each trigger its own id (at test/default)",
    );
  });

  test('fails when the name is not a DNS label', () => {
    expect(validationErrorOf(() => new Broker(newChart(), 'Default')).message).toBe(
      "broker name must be 1-63 lower-case letters, digits or '-' and start and end with a letter or digit, got 'Default' (at test/Default)",
    );
  });

  test.each(['', 'MT Channel'])('fails when the class is %p', (brokerClass) => {
    expect(validationErrorOf(() => new Broker(newChart(), 'default', { class: brokerClass })).message).toBe(
      `class must be a broker class without spaces, such as 'MTChannelBasedBroker' or 'Kafka', got '${brokerClass}' (at test/default)`,
    );
  });

  test('fails when its chart has no namespace', () => {
    const chart = new Chart(new App(), 'bare');
    expect(validationErrorOf(() => new Broker(chart, 'default')).message).toBe(
      "broker 'default' has no namespace, and Knative's eventing objects live in one; give its chart a namespace (at bare/default)",
    );
  });

  test('fails when two brokers of a namespace share a name', () => {
    const chart = newChart();
    new Broker(chart, 'default');
    expect(validationErrorOf(() => new Broker(chart, 'other', { name: 'default' })).message).toBe(
      "Broker name 'default' is already used by test/default; give this construct another name (at test/other)",
    );
  });

  test("a publisher depends on the brokers' ingress in the eventing namespace", () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', receiver('a'));
    new Broker(chart, 'default').addPublisher(orders, 'eventing');
    expect(orders.dependencies.map((d) => `${d.namespace}/${d.serviceName}`)).toEqual(['eventing/broker-ingress']);
  });

  test.each(['Bad NS', '', 'x'.repeat(64)])("fails when a publisher's eventing namespace is %p, not a DNS label (an Istio Sidecar would get the host '<it>/broker-ingress.<it>.svc.cluster.local')", (namespace) => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', receiver('a'));
    const error = validationErrorOf(() => new Broker(chart, 'default').addPublisher(orders, namespace));
    expect(error.path).toBe('test/default');
    expect(error.detail).toBe(`eventingNamespace must be 1-63 lower-case letters, digits or '-' and start and end with a letter or digit, got '${namespace}'`);
  });

  test('fails when its delivery is invalid, naming the broker', () => {
    expect(validationErrorOf(() => new Broker(newChart(), 'default', { delivery: { retry: -1 } })).message).toBe(
      'delivery retry must be a whole number from 0 to 2147483647, got -1; pass e.g. retry: 3 (at test/default)',
    );
  });
});

describe('eventing output', () => {
  /** A broker with a delivery, two triggers and a PingSource, the filters given in `order`. */
  function eventingChart(order: 'forward' | 'reverse'): Chart {
    const chart = newChart();
    const thumbs = new Microservice(chart, 'thumbs', receiver('a'));
    const broker = new Broker(chart, 'default', { delivery: { retry: 2, deadLetterSink: EventSink.uri('https://dlq.example.com/') } });
    const filter: Record<string, string> = order === 'forward'
      ? { type: 'image.uploaded', source: '/uploads', bucket: 'photos' }
      : { bucket: 'photos', source: '/uploads', type: 'image.uploaded' };
    broker.addTrigger('thumbnails', { filter, subscriber: EventSink.service(thumbs) });
    broker.addTrigger('audit', { subscriber: EventSink.uri('https://audit.example.com/') });
    new PingSource(chart, 'tick', { schedule: '*/10 * * * *', timezone: 'Europe/Berlin', data: '{"tick":true}', contentType: 'application/json', sink: broker });
    return chart;
  }

  test('is deterministic: the same YAML on every synth, whatever order the filter attributes are given in', () => {
    const yaml = synthYaml(eventingChart('forward'));
    expect(synthYaml(eventingChart('forward'))).toBe(yaml);
    expect(synthYaml(eventingChart('reverse'))).toBe(yaml);
    expect(Object.keys(specOf(eventingChart('reverse'), 'Trigger', 'thumbnails').filter.attributes)).toEqual(['bucket', 'source', 'type']);
  });

  test('every eventing object passes its schema (@kubernetes-models/knative) in a full synth', () => {
    const kinds = synthObjects(eventingChart('forward')).filter((o) => o.apiVersion.includes('knative.dev')).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds.sort()).toEqual(['Broker/default', 'PingSource/tick', 'Trigger/audit', 'Trigger/thumbnails']);
  });
});
