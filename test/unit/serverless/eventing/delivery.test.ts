import { Duration } from 'cdk8s';
import { Microservice } from '../../../../lib';
import { Broker, EventDelivery, EventSink } from '../../../../lib/serverless/eventing';
import { newChart, validationErrorOf } from '../../../fixtures';
import { receiver, specOf } from './fixtures';

/** The delivery block of a trigger 'deliver' with `delivery`. */
function deliveryOf(delivery: EventDelivery): unknown {
  const chart = newChart();
  new Broker(chart, 'default').addTrigger('deliver', { subscriber: EventSink.uri('https://hooks.example.com/'), delivery });
  return specOf(chart, 'Trigger', 'deliver').delivery;
}

/** The message of the error a trigger 'deliver' with `delivery` fails with. */
function deliveryError(delivery: EventDelivery): string {
  const broker = new Broker(newChart(), 'default');
  return validationErrorOf(() => broker.addTrigger('deliver', { subscriber: EventSink.uri('https://hooks.example.com/'), delivery })).message;
}

describe('delivery', () => {
  test('retry, backoff policy and delay, and a dead-letter sink', () => {
    expect(deliveryOf({
      retry: 5,
      backoffPolicy: 'linear',
      backoffDelay: Duration.seconds(2),
      deadLetterSink: EventSink.uri('https://dlq.example.com/events'),
    })).toEqual({ retry: 5, backoffPolicy: 'linear', backoffDelay: 'PT2S', deadLetterSink: { uri: 'https://dlq.example.com/events' } });
  });

  test('retries alone, and retry 0 alone', () => {
    expect(deliveryOf({ retry: 3 })).toEqual({ retry: 3 });
    expect(deliveryOf({ retry: 0 })).toEqual({ retry: 0 });
  });

  test('a microservice as dead-letter sink must admit Knative Eventing too, and is named as the dead letters of the trigger', () => {
    const chart = newChart();
    const dlq = new Microservice(chart, 'dlq', receiver('d', { allowIngressFrom: [] }));
    const broker = new Broker(chart, 'default');
    expect(validationErrorOf(() => broker.addTrigger('deliver', {
      subscriber: EventSink.uri('https://hooks.example.com/'),
      delivery: { deadLetterSink: EventSink.service(dlq) },
    })).message).toBe(
      "trigger 'deliver' (dead letters) delivers to dlq, but dlq admits only its declared callers (NetworkPolicy), so the Knative Eventing pods that deliver events " +
        "in namespace 'knative-eventing' would be refused; add allowIngressFrom: [IngressPeer.namespace('knative-eventing')] to dlq (at test/default/deliver)",
    );
  });

  test.each([
    [Duration.millis(0), 'PT0S'],
    [Duration.millis(100), 'PT0.1S'],
    [Duration.millis(500), 'PT0.5S'],
    [Duration.seconds(2), 'PT2S'],
    [Duration.millis(12_300), 'PT12.3S'],
    [Duration.seconds(90), 'PT1M30S'],
    [Duration.minutes(5), 'PT5M'],
    [Duration.hours(2), 'PT2H'],
    [Duration.millis(3_600_500), 'PT1H0.5S'],
    [Duration.hours(3276), 'PT3276H'],
  ])('a backoff delay of %s is %p (ISO 8601)', (delay, iso) => {
    expect(deliveryOf({ retry: 1, backoffPolicy: 'exponential', backoffDelay: delay })).toMatchObject({ backoffDelay: iso });
  });

  test.each([-1, 1.5, 2_147_483_648])('fails when retry is %p', (retry) => {
    expect(deliveryError({ retry })).toBe(`delivery retry must be a whole number from 0 to 2147483647, got ${retry}; pass e.g. retry: 3 (at test/default/deliver)`);
  });

  test('fails when retry is NaN, naming the trigger at its broker', () => {
    expect(deliveryError({ retry: Number.NaN })).toMatch(/^trigger 'deliver' delivery\.retry must be a finite number, got NaN; .* \(at test\/default\)$/);
  });

  test('fails when the backoff policy is unknown', () => {
    expect(deliveryError({ retry: 1, backoffPolicy: 'fibonacci' as 'linear', backoffDelay: Duration.seconds(1) })).toBe(
      "trigger 'deliver' delivery.backoffPolicy must be one of 'exponential', 'linear', got 'fibonacci' (a string) (at test/default)",
    );
  });

  test('fails when a backoff policy comes without a delay, or a delay without a policy', () => {
    expect(deliveryError({ retry: 1, backoffPolicy: 'linear' })).toBe(
      "delivery sets backoffPolicy without backoffDelay, and Knative uses the two only together; set both, e.g. backoffPolicy: 'exponential', " +
        'backoffDelay: Duration.millis(500) (at test/default/deliver)',
    );
    expect(deliveryError({ retry: 1, backoffDelay: Duration.seconds(1) })).toBe(
      "delivery sets backoffDelay without backoffPolicy, and Knative uses the two only together; set both, e.g. backoffPolicy: 'exponential', " +
        'backoffDelay: Duration.millis(500) (at test/default/deliver)',
    );
  });

  test('fails when a backoff comes without retries, so it would never be used', () => {
    expect(deliveryError({ backoffPolicy: 'exponential', backoffDelay: Duration.seconds(1) })).toBe(
      "delivery sets backoffPolicy 'exponential' but no retries (retry: unset), so the backoff is never used; set retry to 1 or more, or drop the backoff (at test/default/deliver)",
    );
    expect(deliveryError({ retry: 0, backoffPolicy: 'linear', backoffDelay: Duration.seconds(1) })).toBe(
      "delivery sets backoffPolicy 'linear' but no retries (retry: 0), so the backoff is never used; set retry to 1 or more, or drop the backoff (at test/default/deliver)",
    );
  });

  test.each([Duration.millis(250), Duration.millis(1.5)])('fails when the backoff delay is finer than a tenth of a second (%s)', (delay) => {
    const millis = delay.toMilliseconds({ integral: false });
    expect(deliveryError({ retry: 1, backoffPolicy: 'linear', backoffDelay: delay })).toBe(
      `delivery backoffDelay must be a whole number of tenths of a second, as Knative reads ISO 8601 durations to 0.1s, got ${millis}ms; ` +
        'round it to 100ms steps, e.g. Duration.millis(500) (at test/default/deliver)',
    );
  });

  test('fails when the backoff delay is longer than Knative reads', () => {
    expect(deliveryError({ retry: 1, backoffPolicy: 'linear', backoffDelay: Duration.hours(3277) })).toBe(
      'delivery backoffDelay must be at most 3276 hours, the most Knative reads, got 3277 hours (at test/default/deliver)',
    );
  });
});
