import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Duration } from 'cdk8s';
import { Broker, EventSink, IngressPeer, Manifest, MeshProvider, Microservice, PingSource } from '../../lib';
import { synthObjects } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';
import { ensureNamespaces, expectAcceptedAndLive } from './apply-checked';
import { REPO_ROOT } from './engines';
import { ISTIO_CASES, SynthCase, synthCase } from './istio-cases';
import { controllerCrds, DATA_PLANE_DEPLOYMENTS, KNATIVE_EVENTING, KnativeEventing, startKnativeEventing } from './knative-eventing';
import { applyServerSide, deleteNamespace, getLive, kubectlOk, liveResourceVersion, pollFor, resourceType } from './kubectl';

/*
 * Knative Eventing judges the output (issue #15): its real webhook and controllers, built from
 * knative.dev/eventing at the pinned KNATIVE_EVENTING_CONTROLLERS_VERSION, run against the
 * suite's cluster, whose Eventing CRDs come from KNATIVE_EVENTING_VERSION (kwok runs the data
 * plane's pods, which deliver nothing).
 *   1. Every Broker, Trigger and PingSource of every stack and example is admitted by
 *      Eventing's webhook, stored as declared, and applied again is no change; an invalid one
 *      the CRD schema admits is refused by the webhook.
 *   2. The controllers reconcile what they can: every Broker becomes Ready at the address our
 *      BrokerIngress declares; a Trigger to a microservice resolves its subscriber URI and
 *      subscribes to the broker's channel; a PingSource to a broker resolves its sink and
 *      becomes Ready.
 *   3. What cannot become Ready here, and why, is asserted (README "Knative Eventing judges the
 *      output"): the functions' addresses (Serving's revisions never become Ready here), a
 *      channel subscriber's readiness (the dispatcher's data plane).
 */

const VERSIONS = readFileSync(join(REPO_ROOT, 'scripts/engines/versions.env'), 'utf8');
const EVENTING_CONTROLLERS_VERSION = /^KNATIVE_EVENTING_CONTROLLERS_VERSION=(\S+)$/m.exec(VERSIONS)?.[1];
const EVENTING_CRDS_VERSION = /^KNATIVE_EVENTING_VERSION=(\S+)$/m.exec(VERSIONS)?.[1];

const EVENTING_KINDS = ['eventing.knative.dev/v1 Broker', 'eventing.knative.dev/v1 Trigger', 'sources.knative.dev/v1 PingSource'];
const isEventing = (o: Manifest) => EVENTING_KINDS.includes(`${o.apiVersion} ${o.kind}`);
const isKnativeService = (o: Manifest) => o.apiVersion.startsWith('serving.knative.dev/') && o.kind === 'Service';

/** Every stack and example with an Eventing object: the Istio ones and the shop in Linkerd. */
const CASES: readonly SynthCase[] = [
  ...ISTIO_CASES,
  {
    name: 'stack shop prod in Linkerd',
    source: 'stacks/shop/shop-chart.ts',
    charts: () => [new ShopChart(new App(), 'shop-prod-linkerd', { environment: 'prod', meshProvider: MeshProvider.linkerd() })],
  },
].filter((c) => synthCase(c).objects.some(isEventing));

/** The Eventing objects of a case with the Knative Services of their namespaces (the sinks), and the cases they are in. */
interface EventingCase {
  readonly objects: readonly Manifest[];
  readonly cases: string[];
}

/** The distinct sets of Eventing objects of the cases (the shop's broker and trigger are the same in several). */
const EVENTING_CASES: readonly EventingCase[] = (() => {
  const distinct = new Map<string, EventingCase>();
  for (const c of CASES) {
    const { objects } = synthCase(c);
    const eventing = objects.filter(isEventing);
    const namespaces = new Set(eventing.map((o) => o.metadata.namespace));
    const key = JSON.stringify(eventing);
    const sinks = objects.filter((o) => isKnativeService(o) && namespaces.has(o.metadata.namespace));
    const known = distinct.get(key) ?? { objects: [...sinks, ...eventing], cases: [] };
    known.cases.push(c.name);
    distinct.set(key, known);
  }
  return [...distinct.values()];
})();

const workDir = mkdtempSync(join(tmpdir(), 'immutable-infra-knative-eventing-'));
let eventing: KnativeEventing | undefined;
const namespaces = new Set<string>();

beforeAll(async () => {
  eventing = await startKnativeEventing(join(workDir, 'eventing'));
}, 300_000);

afterAll(async () => {
  for (const namespace of namespaces) {
    deleteNamespace(namespace);
  }
  await eventing?.stop();
  rmSync(workDir, { recursive: true, force: true });
}, 600_000);

/** `type=status(reason)` of each condition of a live object. */
const conditions = (live: Record<string, any> | undefined): Record<string, string> =>
  Object.fromEntries(((live?.status?.conditions ?? []) as any[]).map((c) => [c.type, `${c.status}${c.reason ? `(${c.reason})` : ''}`]));
/** The message of one condition of a live object. */
const message = (live: Record<string, any> | undefined, type: string): string | undefined =>
  ((live?.status?.conditions ?? []) as any[]).find((c) => c.type === type)?.message;

const liveOf = (o: Manifest) => getLive(resourceType(o), o.metadata.name!, o.metadata.namespace);

/** Polls the live object until `done` holds for it (returns the last one read). */
function liveWhen(o: Manifest, done: (live: Record<string, any>) => boolean, timeoutMs = 60_000): Record<string, any> | undefined {
  return pollFor(() => {
    const live = liveOf(o);
    return live !== undefined && done(live) ? live : undefined;
  }, timeoutMs) ?? liveOf(o);
}

/** Whether the controller has reconciled the object's current generation. */
const observed = (live: Record<string, any>) => live.status?.observedGeneration === live.metadata.generation;

/** The address Knative's multi-tenant broker ingress serves a broker at: the one BrokerIngress documents. */
const brokerAddress = (broker: Manifest) => `http://broker-ingress.${KNATIVE_EVENTING}.svc.cluster.local/${broker.metadata.namespace}/${broker.metadata.name}`;

function cleanUp(objects: readonly Manifest[]): void {
  for (const namespace of new Set(objects.map((o) => o.metadata.namespace!))) {
    deleteNamespace(namespace);
    namespaces.delete(namespace);
  }
}

describe('Knative Eventing (webhook and controllers) judges every Broker, Trigger and PingSource', () => {
  test(`the processes are the pinned build (${EVENTING_CONTROLLERS_VERSION}), hold the ports they were given, and listen on 127.0.0.1 only`, () => {
    expect(EVENTING_CONTROLLERS_VERSION).toBe('v0.42.2');
    const { processes, ports } = eventing!;
    const sockets = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, p.listening().sort()]));
    // No socket on all addresses (`*`, 0.0.0.0, [::]): build.sh patches Knative's listen addresses.
    expect(Object.values(sockets).flat().filter((s) => !s.startsWith('127.0.0.1:'))).toEqual([]);
    const given = (process: string) => Object.entries(ports).filter(([k]) => k.startsWith(`${process}.`)).map(([, p]) => `127.0.0.1:${p}`).sort();
    expect(sockets).toEqual({
      webhook: given('webhook'),
      controller: given('controller'),
      mtBrokerController: given('mtBrokerController'),
      imcController: given('imcController'),
    });
  });

  test(`every API version the ${EVENTING_CONTROLLERS_VERSION} controllers use is served by the cluster's ${EVENTING_CRDS_VERSION} CRDs`, () => {
    const served = (crd: any) => (crd.spec.versions as any[]).filter((v) => v.served).map((v) => `${crd.spec.group}/${v.name} ${crd.spec.names.kind}`);
    const wanted = controllerCrds().flatMap(served).sort();
    const live = controllerCrds().flatMap((c) => {
      const crd = getLive('crd', c.metadata.name!);
      return crd === undefined ? [] : served(crd);
    });
    expect(wanted.filter((v) => !live.includes(v))).toEqual([]);
    // The versions the library emits are among them.
    expect(wanted).toEqual(expect.arrayContaining(EVENTING_KINDS));
  });

  test('the cases cover every stack and example with a Broker or a PingSource', () => {
    const sources = ['examples', 'stacks/shop'].flatMap((dir) =>
      readdirSync(join(REPO_ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`))
      .filter((f) => /new (Broker|PingSource)\(/.test(readFileSync(join(REPO_ROOT, f), 'utf8')));
    expect(sources.length).toBeGreaterThan(0);
    expect([...new Set(CASES.map((c) => c.source))].sort()).toEqual(expect.arrayContaining(sources.sort()));
  });

  test("not vacuous: Eventing's webhook itself refuses a PingSource the CRD schema admits", () => {
    const { objects } = EVENTING_CASES.find((c) => c.objects.some((o) => o.kind === 'PingSource'))!;
    const source = objects.find((o) => o.kind === 'PingSource')!;
    const invalid = { ...source, spec: { ...(source.spec as any), schedule: 'every night at two' } } as Manifest;
    ensureNamespaces([invalid], namespaces);
    const refused = applyServerSide([invalid], { dryRun: true });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('admission webhook "validation.webhook.eventing.knative.dev" denied the request');
    expect(refused.stderr).toContain('schedule');
    const admitted = applyServerSide([source], { dryRun: true });
    expect(admitted.stderr).toBe('');
    expect(admitted.status).toBe(0);
  });

  test.each(EVENTING_CASES.map((c) => [`${c.objects.filter(isEventing).map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).join(', ')} (${c.cases.join('; ')})`, c] as const))(
    '%s: admitted, stored as declared, applied again no change; reconciled as far as it can be here',
    (_, { objects }) => {
      ensureNamespaces(objects, namespaces);
      expectAcceptedAndLive(objects);
      for (const o of objects.filter(isEventing)) {
        // What Eventing's defaulting webhook adds never changes what we declared.
        expect(liveOf(o)).toMatchObject({ metadata: { labels: o.metadata.labels ?? {} }, spec: o.spec ?? {} });
      }
      const versions = objects.filter(isEventing).map((o) => `${o.kind}/${o.metadata.name}@${liveResourceVersion(o)}`);
      const again = applyServerSide(objects);
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      expect(objects.filter(isEventing).map((o) => `${o.kind}/${o.metadata.name}@${liveResourceVersion(o)}`)).toEqual(versions);

      for (const broker of objects.filter((o) => o.kind === 'Broker')) {
        const live = liveWhen(broker, (l) => observed(l) && conditions(l).Ready === 'True', 120_000);
        expect({ name: broker.metadata.name, conditions: conditions(live), address: live?.status?.address?.url }).toEqual({
          name: broker.metadata.name,
          conditions: expect.objectContaining({ Ready: 'True', TriggerChannelReady: 'True', IngressReady: 'True', FilterReady: 'True', Addressable: 'True' }),
          address: brokerAddress(broker),
        });
      }
      // A function's address comes from its Route, which Serving sets only once a revision is
      // Ready, and Serving does not run here (see knative.test.ts for why its revisions cannot be Ready).
      for (const trigger of objects.filter((o) => o.kind === 'Trigger')) {
        const subscriber = (trigger.spec as any).subscriber.ref;
        expect(`${subscriber.apiVersion} ${subscriber.kind}`).toBe('serving.knative.dev/v1 Service');
        const live = liveWhen(trigger, (l) => conditions(l).SubscriberResolved !== undefined, 120_000);
        const { BrokerReady, SubscriberResolved } = conditions(live);
        expect({ name: trigger.metadata.name, BrokerReady, SubscriberResolved, subscriberUri: live?.status?.subscriberUri })
          .toEqual({ name: trigger.metadata.name, BrokerReady: 'True', SubscriberResolved: 'False(Unable to get the Subscriber\'s URI)', subscriberUri: undefined });
        expect(message(live, 'SubscriberResolved')).toContain(
          `address not set for Kind = Service, Namespace = ${trigger.metadata.namespace}, Name = ${subscriber.name}, APIVersion = serving.knative.dev/v1`,
        );
      }
      for (const source of objects.filter((o) => o.kind === 'PingSource')) {
        const sink = (source.spec as any).sink.ref;
        expect(`${sink.apiVersion} ${sink.kind}`).toBe('serving.knative.dev/v1 Service');
        const live = liveWhen(source, (l) => conditions(l).SinkProvided !== undefined, 120_000);
        const { SinkProvided, Ready } = conditions(live);
        expect({ name: source.metadata.name, SinkProvided, Ready, sinkUri: live?.status?.sinkUri })
          .toEqual({ name: source.metadata.name, SinkProvided: 'False(NotFound)', Ready: 'False(NotFound)', sinkUri: undefined });
      }
      cleanUp(objects);
    },
  );
});

describe('what the controllers reconcile with sinks that have an address', () => {
  const NAMESPACE = 'eventing-resolved';
  const DEAD_LETTERS = 'https://dead-letters.example.com/events';
  /** A broker with a delivery policy, a filtered trigger to a microservice, and a PingSource into the broker: library constructs only. */
  const objects = (() => {
    const chart = new Chart(new App(), 'resolved', { namespace: NAMESPACE });
    const audit = new Microservice(chart, 'audit', {
      image: 'ghcr.io/immutable-infra/audit@sha256:1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c',
      ports: [{ port: 80, containerPort: 8080 }],
      allowIngressFrom: [IngressPeer.namespace(KNATIVE_EVENTING)],
    });
    const broker = new Broker(chart, 'events', {
      delivery: { retry: 3, backoffPolicy: 'exponential', backoffDelay: Duration.millis(200), deadLetterSink: EventSink.uri(DEAD_LETTERS) },
    });
    broker.addTrigger('audit-all', { filter: { type: 'order.placed', source: 'shop' }, subscriber: EventSink.service(audit, { path: '/events' }) });
    new PingSource(chart, 'heartbeat', { schedule: '*/5 * * * *', data: 'ping', contentType: 'text/plain', sink: broker });
    return synthObjects(chart);
  })();
  const find = (kind: string) => objects.find((o) => o.kind === kind)!;

  beforeAll(() => {
    ensureNamespaces(objects, namespaces);
    expectAcceptedAndLive(objects);
  });

  test('a broker with a delivery policy: Ready, its dead-letter sink resolved, its channel given the policy', () => {
    const broker = find('Broker');
    const live = liveWhen(broker, (l) => observed(l) && conditions(l).Ready === 'True', 120_000);
    const channel = getLive('inmemorychannels.messaging.knative.dev', 'events-kne-trigger', NAMESPACE);
    const { Ready, DeadLetterSinkResolved } = conditions(live);
    expect({ Ready, DeadLetterSinkResolved, uri: live?.status?.deadLetterSinkUri, channelDelivery: channel?.spec.delivery })
      .toEqual({ Ready: 'True', DeadLetterSinkResolved: 'True', uri: DEAD_LETTERS, channelDelivery: (broker.spec as any).delivery });
  });

  test("a PingSource into a broker: its sink is the broker's address, the adapter Deployment (kwok) is available: Ready", () => {
    const broker = find('Broker');
    const live = liveWhen(find('PingSource'), (l) => observed(l) && conditions(l).Ready === 'True', 120_000);
    expect({ conditions: conditions(live), sinkUri: live?.status?.sinkUri }).toEqual({
      conditions: { Deployed: 'True', OIDCIdentityCreated: expect.stringMatching(/^True/), SinkProvided: 'True', Ready: 'True' },
      sinkUri: brokerAddress(broker),
    });
    const adapter = getLive('deployment', 'pingsource-mt-adapter', KNATIVE_EVENTING);
    expect(adapter?.spec.replicas).toBe(1);
  });

  test("a Trigger to a microservice: its subscriber URI is the service's, and it subscribes to the broker's channel; the subscription's readiness is the dispatcher's", () => {
    const trigger = find('Trigger');
    const subscribed = (l: Record<string, any>) =>
      observed(l) && l.status?.subscriberUri !== undefined && conditions(l).SubscriptionReady !== undefined;
    const live = liveWhen(trigger, subscribed, 120_000);
    expect(live?.status?.subscriberUri).toBe(`http://audit.${NAMESPACE}.svc.cluster.local/events`);
    const subscriptions = JSON.parse(kubectlOk(['get', 'subscriptions.messaging.knative.dev', '-n', NAMESPACE, '-o', 'json'])).items as any[];
    expect(subscriptions.map((s) => `${s.spec.channel.kind}/${s.spec.channel.name}`)).toEqual(['InMemoryChannel/events-kne-trigger']);
    const channel = pollFor(() => {
      const c = getLive('inmemorychannels.messaging.knative.dev', 'events-kne-trigger', NAMESPACE);
      return (c?.spec.subscribers ?? []).length > 0 && conditions(c).Ready !== undefined ? c : undefined;
    }, 60_000);
    const subscription = liveWhen(
      { apiVersion: 'messaging.knative.dev/v1', kind: 'Subscription', metadata: { name: subscriptions[0].metadata.name, namespace: NAMESPACE } },
      (l) => conditions(l).AddedToChannel === 'True',
    );
    const uid = live?.metadata.uid;
    expect({
      // The InMemoryChannel (made by the broker, reconciled by its controller against the kwok-run dispatcher) is Ready ...
      channel: conditions(channel).Ready,
      // ... and lists the trigger's subscription: the broker filter's URL for the trigger, replies to the broker.
      channelSubscribers: (channel?.spec.subscribers ?? []).map((s: any) => [s.subscriberUri, s.replyUri]),
      // Only the dispatcher, which is data plane and runs no code here, reports a subscriber ready in the channel's status.
      channelStatusSubscribers: channel?.status?.subscribers,
      subscription: conditions(subscription),
      subscriptionReady: message(subscription, 'Ready'),
      trigger: conditions(liveOf(trigger)),
      // The broker's delivery policy applies to its triggers: the trigger resolves the broker's dead-letter sink.
      triggerDeadLetters: liveOf(trigger)?.status?.deadLetterSinkUri,
    }).toEqual({
      channel: 'True',
      channelSubscribers: [[
        `http://broker-filter.${KNATIVE_EVENTING}.svc.cluster.local/triggers/${NAMESPACE}/audit-all/${uid}`,
        `http://broker-ingress.${KNATIVE_EVENTING}.svc.cluster.local/${NAMESPACE}/events`,
      ]],
      channelStatusSubscribers: undefined,
      subscription: {
        AddedToChannel: 'True',
        ChannelReady: 'Unknown(SubscriptionNotMarkedReadyByChannel)',
        OIDCIdentityCreated: 'True(authentication-oidc feature disabled)',
        Ready: 'Unknown(SubscriptionNotMarkedReadyByChannel)',
        ReferencesResolved: 'True',
      },
      subscriptionReady: `Failed to get subscription status: subscription "events-audit-all-${uid}" not present in channel "events-kne-trigger" subscriber's list`,
      trigger: {
        BrokerReady: 'True',
        DeadLetterSinkResolved: 'True',
        DependencyReady: 'True',
        OIDCIdentityCreated: 'True(authentication-oidc feature disabled)',
        Ready: 'Unknown(SubscriptionNotMarkedReadyByChannel)',
        SubscriberResolved: 'True',
        SubscriptionReady: 'Unknown(SubscriptionNotMarkedReadyByChannel)',
      },
      triggerDeadLetters: DEAD_LETTERS,
    });
  });

  test('the data plane the controllers need is the release YAML, with its pods run by kwok', () => {
    for (const name of DATA_PLANE_DEPLOYMENTS) {
      const d = getLive('deployment', name, KNATIVE_EVENTING);
      expect(`${name}: ${(d?.status?.conditions ?? []).some((c: any) => c.type === 'Available' && c.status === 'True')}`).toBe(`${name}: true`);
    }
  });
});
