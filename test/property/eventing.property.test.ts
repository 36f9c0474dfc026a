import { App, Chart } from 'cdk8s';
import fc from 'fast-check';
import {
  Broker,
  EventDelivery,
  EventSink,
  IEventSink,
  IngressPeer,
  Manifest,
  Microservice,
  PingSource,
  ServerlessFunction,
} from '../../lib';
import { digestImage } from '../fixtures';
import { checkCases } from './harness/check-cases';
import { checkDeterministic } from './harness/deterministic';
import { Case, caseRecord, combine, Defect, optional, owned, Sites, sites, strictOrLoose, valid } from './planted-defects';
import {
  deliveries,
  DeliveryChoice,
  eventingNames,
  filterNames,
  filterValues,
  knativeSchedules,
  partOfs,
  SinkChoice,
  sinks,
  timeZones,
} from './serverless-generators';

/** Generated brokers with triggers, publishers and a PingSource per run of the default test suite: checked once each, and some built twice for determinism. */
const EVENTING_RUNS = 600;
const EVENTING_DETERMINISM_RUNS = 150;
/** Generated schedules and time zones of a PingSource per run. */
const SCHEDULE_RUNS = 1500;

const BROKER = 'test/events';
const PING = 'test/tick';

interface TriggerChoice {
  readonly id: string;
  readonly name?: string;
  readonly filter?: Record<string, string>;
  readonly subscriber: SinkChoice;
  readonly delivery?: DeliveryChoice;
}

interface PingChoice {
  readonly name?: string;
  readonly partOf?: string;
  readonly schedule: string;
  readonly timezone?: string;
  readonly data?: string;
  readonly contentType?: string;
  readonly sink: SinkChoice | { readonly kind: 'the-broker' };
}

interface EventingScenario {
  readonly broker: { readonly name?: string; readonly class?: string; readonly partOf?: string; readonly delivery?: DeliveryChoice };
  readonly triggers: TriggerChoice[];
  /** `orders` posts to the broker, through the ingress in this namespace (the default when undefined). */
  readonly publisher?: { readonly eventingNamespace?: string };
  readonly ping: PingChoice;
}

const filter = (s: Sites): fc.Arbitrary<Case<Record<string, string>>> =>
  fc.uniqueArray(fc.tuple(filterNames(s), filterValues(s)), { minLength: 1, maxLength: 3, selector: ([n]) => n.value })
    .map((entries) => ({
      value: Object.fromEntries(entries.map(([n, v]) => [n.value, v.value])),
      defects: entries.flatMap(([n, v]) => [...n.defects, ...v.defects]),
    }));

const trigger = (s: Sites, id: string): fc.Arbitrary<Case<TriggerChoice>> => caseRecord({
  id: valid(fc.constant(id)),
  name: optional(s.validOr(fc.constantFrom(`${id}-trigger`, `on-${id}`), fc.constantFrom<string>(id.toUpperCase(), `${id}_1`, 't'.repeat(64), 5 as unknown as string), 'trigger name'), 1),
  filter: optional(filter(s), 3),
  subscriber: sinks(s),
  delivery: optional(deliveries(s), 1),
});

/** A schedule with the time zone in a prop or in a prefix, never both unless planted. */
const scheduleAndZone = (s: Sites): fc.Arbitrary<Case<{ schedule: string; timezone?: string }>> =>
  fc.tuple(knativeSchedules(s), fc.option(timeZones(s), { nil: undefined, freq: 2 }), s.wrongOr(valid(fc.constant(false)), valid(fc.constant(true))))
    .map(([schedule, zone, both]) => {
      const prefixed = /^(CRON_)?TZ=/.test(schedule.value);
      // a strict scenario names the zone once
      const timezone = prefixed && !both.value ? undefined : zone;
      const defects: Defect[] = [...schedule.defects, ...(timezone?.defects ?? [])];
      if (prefixed && timezone !== undefined) {
        defects.push({ owner: '', what: 'a time zone in the schedule and in timezone' });
      }
      return { value: { schedule: schedule.value, timezone: timezone?.value }, defects };
    });

const DATA = ['{"report":"daily"}', 'hello', '[1,2]', '42', '{"a":{"b":[true,null]}}'];
const CONTENT_TYPES = ['application/json', 'text/plain', 'text/plain; charset=utf-8', 'application/cloudevents+json'];

const ping = (s: Sites): fc.Arbitrary<Case<PingChoice>> => fc.record({
  name: optional(eventingNames(s), 1),
  partOf: optional(partOfs(s), 1),
  when: scheduleAndZone(s),
  data: optional(s.validOr(fc.constantFrom(...DATA), fc.constant(''), 'data')),
  contentType: optional(s.validOr(fc.constantFrom(...CONTENT_TYPES), fc.constantFrom<string>('json', 'application/', 'application/json;', '', 'text/plain;charset', ['application/json'] as unknown as string), 'contentType')),
  sink: fc.oneof(sinks(s), valid(fc.constant({ kind: 'the-broker' as const }))),
}).map((r) => {
  let { data, contentType } = { data: r.data.value, contentType: r.contentType.value };
  if (!s.loose && contentType !== undefined && (data === undefined || (contentType === 'application/json' && !isJsonObject(data)))) {
    // a strict source sends a content type with data that fits it
    data = contentType === 'application/json' ? '{"report":"daily"}' : data ?? 'hello';
  }
  const value: PingChoice = { name: r.name.value, partOf: r.partOf.value, ...r.when.value, data, contentType, sink: r.sink.value };
  const defects = [r.name, r.partOf, r.when, r.data, r.contentType, r.sink].flatMap((c) => c.defects);
  if (contentType !== undefined && r.contentType.defects.length === 0) {
    if (data === undefined) {
      defects.push({ owner: '', what: 'a content type without data' });
    } else if (contentType === 'application/json' && !isJsonObject(data)) {
      defects.push({ owner: '', what: `JSON data that is not an object: ${data}` });
    }
  }
  return { value, defects };
});

function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

const scenarios: fc.Arbitrary<Case<EventingScenario>> = strictOrLoose((s) => fc.record({
  broker: owned(BROKER, caseRecord({
    name: optional(eventingNames(s), 1),
    class: optional(s.validOr(fc.constantFrom('MTChannelBasedBroker', 'Kafka'), fc.constantFrom<string>('', 'MT Channel', 7 as unknown as string), 'broker class'), 1),
    partOf: optional(partOfs(s), 1),
    delivery: optional(deliveries(s), 1),
  })),
  triggers: owned(BROKER, fc.subarray(['thumbs', 'audit', 'mail']).chain((ids) => fc.tuple(...ids.map((id) => trigger(s, id))).map(combine))),
  publisher: owned(BROKER, optional(caseRecord({
    eventingNamespace: optional(s.validOr(fc.constantFrom('knative-eventing', 'eventing'), fc.constantFrom('Bad NS', '', 'n'.repeat(64)), 'eventingNamespace'), 1),
  }), 1)),
  ping: owned(PING, ping(s)),
}).map((r) => ({
  value: { broker: r.broker.value, triggers: r.triggers.value, publisher: r.publisher.value, ping: r.ping.value },
  defects: [...r.broker.defects, ...r.triggers.defects, ...r.publisher.defects, ...r.ping.defects],
})));

/** The sinks a scenario delivers to, made the first time they are named. */
class Sinks {
  private readonly made = new Map<string, unknown>();
  constructor(private readonly chart: Chart, private readonly broker: () => Broker) {}

  public of(choice: SinkChoice | { readonly kind: 'the-broker' }): IEventSink {
    switch (choice.kind) {
      case 'service':
        return EventSink.service(this.service('display', { ports: [{ port: 80, containerPort: 8080 }, { name: 'metrics', port: 9090 }] }), {
          port: choice.port,
          path: choice.path,
          eventingNamespace: choice.eventingNamespace,
        });
      case 'closed-service':
        return EventSink.service(this.service('vault', { ports: [{ port: 80, containerPort: 8080 }], allowIngressFrom: [] }));
      case 'no-port-80':
        return EventSink.service(this.service('api', { ports: [{ port: 8080 }] }));
      case 'uri':
        return EventSink.uri(choice.uri);
      case 'function':
        return this.once('fn', () => new ServerlessFunction(this.chart, 'fn', { image: digestImage('ghcr.io/acme/fn', 'e') }));
      case 'other-broker':
        return this.once('archive', () => new Broker(this.chart, 'archive'));
      case 'the-broker':
        return this.broker();
    }
  }

  public get orders(): Microservice {
    return this.service('orders', { ports: [{ port: 80, containerPort: 8080 }] });
  }

  private service(name: string, props: Partial<ConstructorParameters<typeof Microservice>[2]>): Microservice {
    return this.once(name, () => new Microservice(this.chart, name, {
      image: digestImage('ghcr.io/acme/app', 'a'),
      allowIngressFrom: [IngressPeer.namespace('knative-eventing')],
      ...props,
    }));
  }

  private once<T>(key: string, make: () => T): T {
    if (!this.made.has(key)) {
      this.made.set(key, make());
    }
    return this.made.get(key) as T;
  }
}

function delivery(choice: DeliveryChoice | undefined, sinks: Sinks): EventDelivery | undefined {
  return choice && { ...choice, deadLetterSink: choice.deadLetterSink && sinks.of(choice.deadLetterSink) };
}

/** Builds the broker at test/events with its triggers and publisher, and the PingSource at test/tick. */
function build(s: EventingScenario): Chart[] {
  const chart = new Chart(new App(), 'test', { namespace: 'test' });
  let broker: Broker | undefined;
  const sinks = new Sinks(chart, () => broker!);
  broker = new Broker(chart, 'events', { ...s.broker, delivery: delivery(s.broker.delivery, sinks) });
  for (const t of s.triggers) {
    broker.addTrigger(t.id, { name: t.name, filter: t.filter, subscriber: sinks.of(t.subscriber), delivery: delivery(t.delivery, sinks) });
  }
  if (s.publisher !== undefined) {
    broker.addPublisher(sinks.orders, s.publisher.eventingNamespace);
  }
  new PingSource(chart, 'tick', { ...s.ping, sink: sinks.of(s.ping.sink) });
  return [chart];
}

/** The PingSource holds its schedule and time zone as given; every trigger names its broker. */
function expectEventing(s: EventingScenario, objects: readonly Manifest[]): void {
  const source = objects.find((o) => o.kind === 'PingSource')!.spec as Record<string, unknown>;
  expect([source.schedule, source.timezone]).toEqual([s.ping.schedule, s.ping.timezone]);
  const brokerName = s.broker.name ?? 'events';
  const triggers = objects.filter((o) => o.kind === 'Trigger').map((o) => (o.spec as { broker: string }).broker);
  expect(triggers).toEqual(s.triggers.map(() => brokerName));
}

describe('Knative Eventing under generated brokers, triggers, publishers and PingSources', () => {
  test("accepted exactly when the generated props break no rule of an independent model of Knative Eventing's, with schema-valid objects the API server accepts; refused with a ValidationError at the construct given the bad prop; nothing else escapes", () => {
    const tally = checkCases(scenarios, build, {
      numRuns: EVENTING_RUNS, seed: 17, owners: [BROKER, PING], exact: true, check: expectEventing,
      features: ({ broker, triggers, publisher, ping: source }) => [
        ...triggers.map((t) => `subscriber ${t.subscriber.kind}`), `ping sink ${source.sink.kind}`, ...(publisher ? ['publisher'] : []),
        ...[broker.delivery, ...triggers.map((t) => t.delivery)].flatMap((d) => [...(d?.backoffPolicy ? ['backoff'] : []), ...(d?.deadLetterSink ? ['dead letters'] : [])]),
        ...(triggers.some((t) => t.filter) ? ['filter'] : []), ...(source.timezone ? ['timezone'] : []), ...(source.contentType ? ['contentType'] : []),
      ],
    });
    tally.expectBothWays();
    tally.expectFeatures(['subscriber service', 'subscriber uri', 'subscriber function', 'subscriber other-broker', 'ping sink the-broker', 'publisher', 'backoff', 'dead letters', 'filter', 'timezone', 'contentType'], 30);
  });

  test('synthesis is deterministic: the same brokers, triggers and sources in two fresh apps give byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenarios, (c) => build(c.value), { numRuns: EVENTING_DETERMINISM_RUNS, seed: 18 });
  });

  test('a PingSource takes exactly the schedules and time zones robfig/cron and Knative take (an independent model of both), minus @every', () => {
    const sink = EventSink.uri('https://hooks.example.com/tick');
    const buildSource = (when: { schedule: string; timezone?: string }) => {
      const chart = new Chart(new App(), 'test', { namespace: 'test' });
      new PingSource(chart, 'tick', { ...when, sink });
      return [chart];
    };
    const options = { numRuns: SCHEDULE_RUNS, seed: 23, owners: [PING], exact: true };
    const tally = checkCases(owned(PING, scheduleAndZone(sites(true))), buildSource, options);
    tally.expectBothWays();
  });
});
