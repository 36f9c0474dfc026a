import { App, Chart, Duration } from 'cdk8s';
import fc from 'fast-check';
import { EventScalingProps, Manifest, Microservice, ScaleTrigger, TriggerAuth } from '../../lib';
import { CronTriggerProps, KafkaTriggerProps, RabbitMqTriggerProps, RedisListTriggerProps, RedisStreamTriggerProps } from '../../lib/workload/scaling';
import { digestImage } from '../fixtures';
import { checkCases } from './harness/check-cases';
import { checkDeterministic } from './harness/deterministic';
import { Case, combine, Defect, owned, Sites, strictOrLoose, valid } from './planted-defects';
import { AuthChoice, scaleTriggers, SERVICE_SECRET_KEYS, TriggerChoice } from './serverless-generators';

/** Generated event-scaled services per run of the default test suite: checked once each, and some built twice for determinism. */
const KEDA_RUNS = 700;
const KEDA_DETERMINISM_RUNS = 150;

const SERVICE = 'test/orders';

interface ScalingChoice {
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  readonly triggers: TriggerChoice[];
  readonly pollingInterval?: Duration;
  readonly cooldownPeriod?: Duration;
  readonly idleToZero?: boolean;
  readonly fallbackReplicas?: number;
  readonly fallbackFailureThreshold?: number;
}

interface KedaScenario {
  readonly scaling: ScalingChoice;
  /** A canary revision scaled its own way, or with the service's scaling. */
  readonly canary?: { readonly scaling?: ScalingChoice };
  /** A scale prop of the service beside eventScaling, which KEDA would fight. */
  readonly alsoScaled?: 'replicas' | 'autoscaling';
}

const optionalCase = <T>(arbitrary: fc.Arbitrary<Case<T>>, freq = 2) =>
  fc.option(arbitrary, { nil: undefined, freq }).map((c) => c ?? { value: undefined, defects: [] as Defect[] });

function scaling(s: Sites): fc.Arbitrary<Case<ScalingChoice>> {
  return fc.record({
    minReplicas: optionalCase(s.validOr(fc.integer({ min: 0, max: 3 }), fc.constantFrom(-1, 1.5), 'minReplicas')),
    maxReplicas: s.validOr(fc.integer({ min: 1, max: 20 }), fc.constantFrom(0, -1, 2.5), 'maxReplicas'),
    triggers: s.wrongOr(
      fc.array(scaleTriggers(s), { minLength: 1, maxLength: 3 }).map(combine),
      fc.constant({ value: [] as TriggerChoice[], defects: [] }),
    ),
    pollingInterval: optionalCase(s.validOr(fc.integer({ min: 1, max: 120 }).map((n) => Duration.seconds(n)), fc.constantFrom(Duration.millis(500), Duration.seconds(0)), 'pollingInterval')),
    cooldownPeriod: optionalCase(s.validOr(fc.integer({ min: 0, max: 600 }).map((n) => Duration.seconds(n)), fc.constant(Duration.millis(1500)), 'cooldownPeriod')),
    idleToZero: fc.option(fc.boolean(), { nil: undefined, freq: 3 }),
    fallbackReplicas: optionalCase(s.validOr(fc.integer({ min: 1, max: 20 }), fc.constantFrom(0, 1.5), 'fallbackReplicas')),
    fallbackFailureThreshold: optionalCase(s.validOr(fc.integer({ min: 1, max: 10 }), fc.constantFrom(0, -1), 'fallbackFailureThreshold'), 3),
    inconsistent: fc.boolean(),
  }).map((r) => {
    let value: ScalingChoice = {
      minReplicas: r.minReplicas.value,
      maxReplicas: r.maxReplicas.value,
      triggers: r.triggers.value,
      pollingInterval: r.pollingInterval.value,
      cooldownPeriod: r.cooldownPeriod.value,
      idleToZero: r.idleToZero,
      fallbackReplicas: r.fallbackReplicas.value,
      fallbackFailureThreshold: r.fallbackFailureThreshold.value,
    };
    // strict scalings and most loose ones keep bounds and options consistent (sparing values planted wrong), so the triggers get rendered
    if (!s.loose || !r.inconsistent) {
      const planted = new Set(Object.entries(r).filter(([, c]) => (c as Case<unknown> | undefined)?.defects?.length).map(([key]) => key));
      value = repaired(value, planted);
    }
    const defects: Defect[] = [r.minReplicas, r.maxReplicas, r.triggers, r.pollingInterval, r.fallbackReplicas].flatMap((c) => c.defects);
    defects.push(
      ...(value.cooldownPeriod === undefined ? [] : r.cooldownPeriod.defects),
      ...(value.fallbackFailureThreshold === undefined ? [] : r.fallbackFailureThreshold.defects),
    );
    defects.push(...combinationDefects(value));
    return { value, defects };
  });
}

/** Bounds and options a strict scaling keeps consistent: min ≤ max, a cooldown only when idling to zero, a fallback within the bounds. */
function repaired(v: ScalingChoice, planted: ReadonlySet<string> = new Set()): ScalingChoice {
  if (planted.has('minReplicas') || planted.has('maxReplicas')) {
    return v;
  }
  const min = v.minReplicas ?? 0;
  const idleToZero = v.idleToZero === true && min === 0 ? undefined : v.idleToZero;
  const idles = min === 0 || idleToZero === true;
  // room above minReplicas for a cron window, where it has to raise the count
  const max = Math.max(v.maxReplicas, min, 1, !idles && v.triggers.some((t) => t.kind === 'cron') ? min + 1 : 1);
  const fallbackReplicas = v.fallbackReplicas === undefined || planted.has('fallbackReplicas') ? v.fallbackReplicas : Math.min(Math.max(v.fallbackReplicas, min, 1), max);
  const triggers = v.triggers.map((t) => {
    if (t.kind !== 'cron') {
      return t;
    }
    // the window raises the count within the bounds
    const requested = t.props.desiredReplicas;
    const desired = Number.isInteger(requested) && requested >= 1 ? Math.min(max, Math.max(requested, idles ? 1 : min + 1)) : requested;
    return { ...t, props: { ...t.props, desiredReplicas: desired } };
  });
  const wakes = triggers.some((t) => t.kind !== 'redis-stream' || t.props.pendingEntriesCount === undefined);
  return {
    ...v,
    maxReplicas: max,
    idleToZero,
    cooldownPeriod: idles ? v.cooldownPeriod : undefined,
    fallbackReplicas,
    fallbackFailureThreshold: fallbackReplicas === undefined ? undefined : v.fallbackFailureThreshold,
    triggers: triggers.length === 0 || (idles && !wakes) ? [...triggers, rabbitTrigger] : triggers,
  };
}

const rabbitTrigger: TriggerChoice = { kind: 'rabbitmq', props: { queueName: 'orders', mode: 'QueueLength', value: 20, auth: { source: 'secret', name: 'rabbitmq', parameters: { host: 'url' } } } };

const whole = (n: number | undefined) => n === undefined || (Number.isSafeInteger(n));

/** What KEDA and the library refuse of the bounds and options as a whole, modelled independently. */
function combinationDefects(v: ScalingChoice): Defect[] {
  const defects: string[] = [];
  const min = v.minReplicas ?? 0;
  const boundsValid = whole(v.minReplicas) && min >= 0 && whole(v.maxReplicas) && v.maxReplicas >= 1;
  if (boundsValid && min > v.maxReplicas) {
    defects.push(`minReplicas ${min} above maxReplicas ${v.maxReplicas}`);
  }
  if (v.triggers.length === 0) {
    defects.push('no triggers');
  }
  if (v.idleToZero === true && min === 0) {
    defects.push('idleToZero with minReplicas 0');
  }
  const idles = min === 0 || v.idleToZero === true;
  if (v.cooldownPeriod !== undefined && !idles) {
    defects.push('a cooldown for a revision that never idles');
  }
  if (v.fallbackReplicas === undefined && v.fallbackFailureThreshold !== undefined) {
    defects.push('a fallback threshold without fallback replicas');
  }
  const fallback = v.fallbackReplicas;
  if (boundsValid && fallback !== undefined && whole(fallback) && fallback >= 1 && (fallback < min || fallback > v.maxReplicas)) {
    defects.push(`fallbackReplicas ${v.fallbackReplicas} outside ${min}-${v.maxReplicas}`);
  }
  for (const t of v.triggers) {
    if (t.kind === 'cron' && boundsValid && whole(t.props.desiredReplicas) && t.props.desiredReplicas >= 1) {
      if (t.props.desiredReplicas > v.maxReplicas) {
        defects.push(`cron desiredReplicas ${t.props.desiredReplicas} above maxReplicas`);
      } else if (t.props.desiredReplicas <= min && !idles) {
        defects.push(`cron desiredReplicas ${t.props.desiredReplicas} not above minReplicas`);
      }
    }
  }
  if (idles && v.triggers.length > 0 && v.triggers.every((t) => t.kind === 'redis-stream' && t.props.pendingEntriesCount !== undefined && t.props.lagCount === undefined && t.props.streamLength === undefined)) {
    defects.push('no trigger that wakes the revision from zero');
  }
  return defects.map((what) => ({ owner: '', what }));
}

const scenarios: fc.Arbitrary<Case<KedaScenario>> = strictOrLoose((s) => fc.record({
  scaling: scaling(s),
  canary: fc.option(fc.option(scaling(s), { nil: undefined, freq: 2 }), { nil: undefined, freq: 3 }),
  alsoScaled: s.wrongOr(valid(fc.constant<'replicas' | 'autoscaling' | undefined>(undefined)), fc.constantFrom<'replicas' | 'autoscaling'>('replicas', 'autoscaling').map((p) => ({
    value: p as 'replicas' | 'autoscaling' | undefined,
    defects: [{ owner: '', what: `${p} beside eventScaling` }],
  }))),
}).map((r) => ({
  value: { scaling: r.scaling.value, canary: r.canary === undefined ? undefined : { scaling: r.canary?.value }, alsoScaled: r.alsoScaled.value },
  defects: [...r.scaling.defects, ...(r.canary?.defects ?? []), ...r.alsoScaled.defects],
})));

function triggerAuth(a: AuthChoice | undefined): TriggerAuth | undefined {
  if (a === undefined) {
    return undefined;
  }
  return a.source === 'secret' ? TriggerAuth.fromSecret(a.name, a.parameters) : TriggerAuth.fromServiceSecret(a.name, a.parameters);
}

function trigger(t: TriggerChoice): ScaleTrigger {
  switch (t.kind) {
    case 'rabbitmq':
      return ScaleTrigger.rabbitMq({ ...t.props, auth: triggerAuth(t.props.auth)! } as RabbitMqTriggerProps);
    case 'kafka':
      return ScaleTrigger.kafka({ ...t.props, auth: triggerAuth(t.props.auth) } as KafkaTriggerProps);
    case 'redis-list':
      return ScaleTrigger.redisList({ ...t.props, auth: triggerAuth(t.props.auth) } as RedisListTriggerProps);
    case 'redis-stream':
      return ScaleTrigger.redisStream({ ...t.props, auth: triggerAuth(t.props.auth) } as RedisStreamTriggerProps);
    case 'cron':
      return ScaleTrigger.cron(t.props as CronTriggerProps);
  }
}

const eventScaling = (v: ScalingChoice): EventScalingProps => ({ ...v, triggers: v.triggers.map(trigger) });

/** The worker at test/orders: its own Secret 'amqp' (mounted), scaled on events; maybe a canary scaled its own way. */
function build(s: KedaScenario): Chart[] {
  const chart = new Chart(new App(), 'test', { namespace: 'test' });
  const orders = new Microservice(chart, 'orders', {
    image: digestImage(),
    secrets: [{ name: 'amqp', literals: Object.fromEntries(SERVICE_SECRET_KEYS.map((k) => [k, `value of ${k}`])), mountPath: '/var/run/secrets/amqp' }],
    eventScaling: eventScaling(s.scaling),
    replicas: s.alsoScaled === 'replicas' ? 2 : undefined,
    autoscaling: s.alsoScaled === 'autoscaling' ? { minReplicas: 1, maxReplicas: 3 } : undefined,
  });
  if (s.canary !== undefined) {
    orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'c'), eventScaling: s.canary.scaling && eventScaling(s.canary.scaling) });
  }
  return [chart];
}

/** One ScaledObject per revision, scaling its Deployment within its bounds; every trigger's authentication exists. */
function expectScaledObjects(objects: readonly Manifest[]): void {
  const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
  const scaled = objects.filter((o) => o.kind === 'ScaledObject').map((o) => o.spec as {
    scaleTargetRef: { name: string };
    minReplicaCount: number;
    maxReplicaCount: number;
    triggers: Array<{ authenticationRef?: { name: string } }>;
  });
  const authentications = new Set(objects.filter((o) => o.kind === 'TriggerAuthentication').map((o) => o.metadata.name));
  const problems: string[] = [];
  if (scaled.length !== deployments.length) {
    problems.push(`${scaled.length} ScaledObjects for ${deployments.length} Deployments`);
  }
  for (const spec of scaled) {
    if (!deployments.includes(spec.scaleTargetRef.name) || spec.minReplicaCount > spec.maxReplicaCount) {
      problems.push(`ScaledObject for ${spec.scaleTargetRef.name}: ${spec.minReplicaCount}-${spec.maxReplicaCount}`);
    }
    problems.push(...spec.triggers.filter((t) => t.authenticationRef !== undefined && !authentications.has(t.authenticationRef.name)).map((t) => `no TriggerAuthentication ${t.authenticationRef!.name}`));
  }
  expect(problems).toEqual([]);
}

describe('KEDA event scaling under generated bounds, options and triggers', () => {
  test("accepted exactly when the generated scaling breaks no rule of an independent model of KEDA's, with schema-valid objects the API server accepts; refused with a ValidationError at the service or its revision; nothing else escapes", () => {
    const tally = checkCases(owned(SERVICE, scenarios), build, {
      numRuns: KEDA_RUNS, seed: 29, owners: [SERVICE], exact: true, check: (_, objects) => expectScaledObjects(objects),
      features: (s) => [s.scaling, s.canary?.scaling].flatMap((v) => v?.triggers.map((t) => t.kind) ?? []),
    });
    tally.expectBothWays();
    tally.expectFeatures(['rabbitmq', 'kafka', 'redis-list', 'redis-stream', 'cron'], 50);
  });

  test('synthesis is deterministic: the same service in two fresh apps gives byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenarios, (c) => build(c.value), { numRuns: KEDA_DETERMINISM_RUNS, seed: 30 });
  });
});
