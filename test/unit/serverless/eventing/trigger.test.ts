import { App, Chart, Duration } from 'cdk8s';
import { Microservice } from '../../../../lib';
import { Broker, EventSink, Trigger } from '../../../../lib/serverless/eventing';
import { newChart, validationErrorOf } from '../../../fixtures';
import { objectOf, receiver, specOf } from './fixtures';

const HOOK = EventSink.uri('https://hooks.example.com/events');

/** The message of the error a trigger 'deliver' with `filter` fails with. */
function filterError(filter: Record<string, string>): string {
  const broker = new Broker(newChart(), 'default');
  return validationErrorOf(() => broker.addTrigger('deliver', { filter, subscriber: HOOK })).message;
}

describe('Trigger', () => {
  test('an eventing.knative.dev/v1 Trigger: broker, exact attribute filter, subscriber', () => {
    const chart = newChart();
    const thumbs = new Microservice(chart, 'thumbs', receiver('a'));
    new Broker(chart, 'default').addTrigger('thumbnails', {
      filter: { type: 'image.uploaded', source: '/uploads', bucket: 'photos' },
      subscriber: EventSink.service(thumbs, { path: '/events' }),
    });
    expect(objectOf(chart, 'Trigger', 'thumbnails')).toEqual({
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: {
        name: 'thumbnails',
        namespace: 'test',
        labels: { 'app.kubernetes.io/name': 'thumbnails', 'app.kubernetes.io/managed-by': 'immutable-infra', 'app.kubernetes.io/part-of': 'test', 'eventing.knative.dev/broker': 'default' },
      },
      spec: {
        broker: 'default',
        filter: { attributes: { bucket: 'photos', source: '/uploads', type: 'image.uploaded' } },
        subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'thumbs', namespace: 'test' }, uri: '/events' },
      },
    });
  });

  test('without a filter it takes every event, and without a delivery it uses the broker\'s', () => {
    const chart = newChart();
    new Broker(chart, 'default').addTrigger('all', { subscriber: HOOK });
    expect(specOf(chart, 'Trigger', 'all')).toEqual({ broker: 'default', subscriber: { uri: 'https://hooks.example.com/events' } });
    const empty = newChart();
    new Broker(empty, 'default').addTrigger('all', { filter: {}, subscriber: HOOK });
    expect(specOf(empty, 'Trigger', 'all').filter).toBeUndefined();
  });

  test('its own name, its own delivery, and another broker as subscriber', () => {
    const chart = newChart();
    const audit = new Broker(chart, 'audit');
    new Broker(chart, 'default').addTrigger('forward', {
      name: 'to-audit',
      subscriber: audit,
      delivery: { retry: 4, backoffPolicy: 'linear', backoffDelay: Duration.seconds(1), deadLetterSink: HOOK },
    });
    expect(specOf(chart, 'Trigger', 'to-audit')).toEqual({
      broker: 'default',
      subscriber: { ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'audit', namespace: 'test' } },
      delivery: { retry: 4, backoffPolicy: 'linear', backoffDelay: 'PT1S', deadLetterSink: { uri: 'https://hooks.example.com/events' } },
    });
  });

  test('made directly, in another chart of the broker\'s namespace', () => {
    const app = new App();
    const broker = new Broker(new Chart(app, 'events', { namespace: 'shop' }), 'default');
    const chart = new Chart(app, 'handlers', { namespace: 'shop' });
    const trigger = new Trigger(chart, 'orders', { broker, filter: { type: 'order.placed' }, subscriber: HOOK });
    expect(trigger.triggerName).toBe('orders');
    expect(specOf(chart, 'Trigger', 'orders')).toEqual({ broker: 'default', filter: { attributes: { type: 'order.placed' } }, subscriber: { uri: 'https://hooks.example.com/events' } });
  });

  test('fails when it is in another namespace than its broker', () => {
    const app = new App();
    const broker = new Broker(new Chart(app, 'events', { namespace: 'shop' }), 'default');
    const chart = new Chart(app, 'handlers', { namespace: 'media' });
    expect(validationErrorOf(() => new Trigger(chart, 'orders', { broker, subscriber: HOOK })).message).toBe(
      "trigger 'orders' is in namespace 'media' but broker 'default' is in 'shop', and Knative requires a trigger in its broker's namespace; " +
        "make it with broker.addTrigger or in a chart of namespace 'shop' (at handlers/orders)",
    );
  });

  test('fails when its chart has no namespace', () => {
    const app = new App();
    const broker = new Broker(new Chart(app, 'events', { namespace: 'shop' }), 'default');
    expect(validationErrorOf(() => new Trigger(new Chart(app, 'bare'), 'orders', { broker, subscriber: HOOK })).message).toBe(
      "trigger 'orders' has no namespace, and Knative's eventing objects live in one; give its chart a namespace (at bare/orders)",
    );
  });

  test('fails when the name is not a DNS label', () => {
    const broker = new Broker(newChart(), 'default');
    expect(validationErrorOf(() => broker.addTrigger('t', { name: 'to_audit', subscriber: HOOK })).message).toBe(
      "trigger name must be 1-63 lower-case letters, digits or '-' and start and end with a letter or digit, got 'to_audit' (at test/default/t)",
    );
  });

  test('fails when an attribute name is empty', () => {
    expect(filterError({ '': 'x' })).toBe("filter has an attribute with an empty name; name a CloudEvents attribute such as 'type' or 'source' (at test/default/deliver)");
  });

  test.each([
    ['Type', 'type'],
    ['image-kind', 'imagekind'],
    ['ce_bucket', 'cebucket'],
    ['1st', 'type'],
    ['data.id', 'dataid'],
  ])('fails when an attribute name is %p, suggesting %p', (name, example) => {
    expect(filterError({ [name]: 'x' })).toBe(
      `filter attribute name '${name}' is not one CloudEvents and Knative accept (lower-case letters a-z and digits 0-9, starting with a letter); ` +
        `name the attribute as the events carry it, e.g. '${example}' (at test/default/deliver)`,
    );
  });

  test('attribute names of lower-case letters and digits, extensions included, are accepted', () => {
    const chart = newChart();
    new Broker(chart, 'default').addTrigger('deliver', { filter: { type: 't', subject: 's', bucket2: 'b', knativearrivaltime: 'x' }, subscriber: HOOK });
    expect(Object.keys(specOf(chart, 'Trigger', 'deliver').filter.attributes)).toEqual(['bucket2', 'knativearrivaltime', 'subject', 'type']);
  });

  test('fails when an attribute value is empty, which Knative would read as any value', () => {
    expect(filterError({ type: 'image.uploaded', subject: '' })).toBe(
      "filter attribute 'subject' has an empty value, but a filter matches attributes exactly by string (Knative reads an empty value as \"any value\"); " +
        'give the exact value to match (at test/default/deliver)',
    );
  });

  test('fails when an attribute value is not a string, naming the trigger at its broker', () => {
    expect(filterError({ type: 7 as unknown as string })).toBe("trigger 'deliver' filter.type must be a string, got 7 (a number); write it in quotes: '7' (at test/default)");
  });

  test('fails when two triggers of a namespace share a name', () => {
    const chart = newChart();
    const broker = new Broker(chart, 'default');
    broker.addTrigger('a', { name: 'same', subscriber: HOOK });
    expect(validationErrorOf(() => broker.addTrigger('b', { name: 'same', subscriber: HOOK })).message).toBe(
      "Trigger name 'same' is already used by test/default/a; give this construct another name (at test/default/b)",
    );
  });
});
