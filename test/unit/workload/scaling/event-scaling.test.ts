import { Duration } from 'cdk8s';
import { Microservice } from '../../../../lib';
import { findObject, findObjects, synthObjects } from '../../../../lib/testing';
import { ScaleTrigger, TriggerAuth } from '../../../../lib/workload/scaling';
import { digestImage, newChart } from '../../../fixtures';
import { queueTrigger, spec, synthWorker } from './helpers';

const canaryImage = digestImage('ghcr.io/acme/app', 'b');

describe('Microservice eventScaling', () => {
  test('a ScaledObject named like the revision scales its Deployment, which has no replicas of its own', () => {
    const { service, objects } = synthWorker({ maxReplicas: 10, triggers: [queueTrigger] });
    const revision = service.revisions[0];
    const scaledObject = findObject(objects, { kind: 'ScaledObject' });
    expect(scaledObject.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaledObject.metadata.name).toBe(revision.name);
    expect(scaledObject.metadata.labels).toEqual(findObject(objects, { kind: 'Deployment' }).metadata.labels);
    expect(spec(scaledObject)).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: revision.name },
      minReplicaCount: 0,
      maxReplicaCount: 10,
      triggers: [expect.objectContaining({ type: 'rabbitmq', authenticationRef: { name: revision.name } })],
    });
    expect(revision.replicas).toBeUndefined();
    expect(spec(findObject(objects, { kind: 'Deployment' })).replicas).toBeUndefined();
  });

  test('scale to zero: no HorizontalPodAutoscaler of ours (KEDA makes its own)', () => {
    const { objects } = synthWorker({ maxReplicas: 10, triggers: [queueTrigger] });
    expect(findObjects(objects, { kind: 'HorizontalPodAutoscaler' })).toEqual([]);
  });

  test('a PodDisruptionBudget (one pod at a time) guards a revision KEDA may scale out, from zero too', () => {
    for (const minReplicas of [0, 1, 2]) {
      const { service, objects } = synthWorker({ minReplicas, maxReplicas: 10, triggers: [queueTrigger] });
      const revision = service.revisions[0];
      const pdb = findObject(objects, { kind: 'PodDisruptionBudget' });
      expect({ minReplicas, name: pdb.metadata.name, spec: spec(pdb) }).toEqual({
        minReplicas,
        name: revision.name,
        spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'immutable-infra.dev/revision': revision.revisionId } } },
      });
    }
  });

  test('a revision KEDA scales to one pod at most gets no PodDisruptionBudget (it would allow that one eviction anyway)', () => {
    for (const minReplicas of [0, 1]) {
      expect(findObjects(synthWorker({ minReplicas, maxReplicas: 1, triggers: [queueTrigger] }).objects, { kind: 'PodDisruptionBudget' })).toEqual([]);
    }
  });

  test('polling interval, cooldown, idle replicas and fallback in KEDA\'s units', () => {
    const zero = synthWorker({
      maxReplicas: 5,
      triggers: [queueTrigger],
      pollingInterval: Duration.seconds(15),
      cooldownPeriod: Duration.minutes(10),
    });
    expect(spec(findObject(zero.objects, { kind: 'ScaledObject' }))).toMatchObject({ pollingInterval: 15, cooldownPeriod: 600 });
    const idle = synthWorker({ minReplicas: 2, maxReplicas: 8, idleToZero: true, fallbackReplicas: 4, triggers: [queueTrigger] });
    const scaledObject = spec(findObject(idle.objects, { kind: 'ScaledObject' }));
    expect(scaledObject).toMatchObject({
      minReplicaCount: 2,
      maxReplicaCount: 8,
      idleReplicaCount: 0,
      fallback: { failureThreshold: 3, replicas: 4 },
    });
    expect(scaledObject.pollingInterval).toBeUndefined();
    expect(scaledObject.cooldownPeriod).toBeUndefined();
  });

  test('eventScaling is not part of the revision identity: rescaling keeps the names', () => {
    const few = synthWorker({ maxReplicas: 2, triggers: [queueTrigger] }).service.revisions[0];
    const many = synthWorker({ minReplicas: 1, maxReplicas: 20, triggers: [queueTrigger, ScaleTrigger.cron({ timezone: 'UTC', start: '0 8 * * *', end: '0 9 * * *', desiredReplicas: 3 })] }).service.revisions[0];
    const fixed = new Microservice(newChart(), 'orders', { image: digestImage(), replicas: 2 }).revisions[0];
    expect(many.revisionId).toBe(few.revisionId);
    expect(fixed.revisionId).toBe(few.revisionId);
  });

  test('a canary revision gets its own ScaledObject and TriggerAuthentication, named after it', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', { image: digestImage(), eventScaling: { maxReplicas: 10, triggers: [queueTrigger] } });
    const canary = orders.addRevision('canary', { image: canaryImage });
    const objects = synthObjects(chart);
    const names = (kind: string) => findObjects(objects, { kind }).map((o) => o.metadata.name).sort();
    expect(names('ScaledObject')).toEqual([orders.revisions[0].name, canary.name].sort());
    expect(names('TriggerAuthentication')).toEqual([orders.revisions[0].name, canary.name].sort());
    const canaryScaledObject = findObject(objects, { kind: 'ScaledObject', name: canary.name });
    expect(spec(canaryScaledObject).scaleTargetRef.name).toBe(canary.name);
    expect(spec(canaryScaledObject).triggers[0].authenticationRef).toEqual({ name: canary.name });
  });

  test('a revision that chooses its own scale drops the service\'s: fixed replicas, or its own triggers', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', { image: digestImage(), eventScaling: { maxReplicas: 10, triggers: [queueTrigger] } });
    const fixed = orders.addRevision('fixed', { image: canaryImage, replicas: 1 });
    const hpa = orders.addRevision('hpa', { image: digestImage('ghcr.io/acme/app', 'c'), autoscaling: { minReplicas: 1, maxReplicas: 3 } });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'ScaledObject' }).map((o) => o.metadata.name)).toEqual([orders.revisions[0].name]);
    expect(spec(findObject(objects, { kind: 'Deployment', name: fixed.name })).replicas).toBe(1);
    expect(findObject(objects, { kind: 'HorizontalPodAutoscaler' }).metadata.name).toBe(hpa.name);

    const fixedChart = newChart();
    const payments = new Microservice(fixedChart, 'payments', { image: digestImage(), replicas: 3 });
    const scaled = payments.addRevision('events', { image: canaryImage, eventScaling: { maxReplicas: 4, triggers: [queueTrigger] } });
    const fixedObjects = synthObjects(fixedChart);
    expect(spec(findObject(fixedObjects, { kind: 'Deployment', name: scaled.name })).replicas).toBeUndefined();
    expect(findObject(fixedObjects, { kind: 'ScaledObject' }).metadata.name).toBe(scaled.name);
  });

  test('credentials from one of the service\'s own Secrets follow its content-hashed name', () => {
    const build = (url: string) => {
      const { objects } = synthWorker(
        { maxReplicas: 10, triggers: [ScaleTrigger.rabbitMq({ queueName: 'orders', mode: 'QueueLength', value: 20, auth: TriggerAuth.fromServiceSecret('amqp', { host: 'url' }) })] },
        { secrets: [{ name: 'amqp', literals: { url } }] },
      );
      return { secret: findObject(objects, { kind: 'Secret' }), auth: findObject(objects, { kind: 'TriggerAuthentication' }) };
    };
    const before = build('amqp://orders:one@rabbitmq:5672/');
    const after = build('amqp://orders:two@rabbitmq:5672/');
    expect(spec(before.auth).secretTargetRef).toEqual([{ parameter: 'host', name: before.secret.metadata.name, key: 'url' }]);
    expect(spec(after.auth).secretTargetRef[0].name).toBe(after.secret.metadata.name);
    expect(after.secret.metadata.name).not.toBe(before.secret.metadata.name);
    expect(after.auth.metadata.name).not.toBe(before.auth.metadata.name);
  });

  test('triggers with the same credentials share a TriggerAuthentication; a different one gets -2', () => {
    const redis = TriggerAuth.fromSecret('redis', { password: 'password' });
    const { service, objects } = synthWorker({
      maxReplicas: 10,
      triggers: [
        queueTrigger,
        ScaleTrigger.redisList({ address: 'redis:6379', listName: 'a', listLength: 5, auth: redis }),
        ScaleTrigger.redisList({ address: 'redis:6379', listName: 'b', listLength: 5, auth: TriggerAuth.fromSecret('redis', { password: 'password' }) }),
        ScaleTrigger.cron({ timezone: 'UTC', start: '0 8 * * *', end: '0 9 * * *', desiredReplicas: 2 }),
      ],
    });
    const name = service.revisions[0].name;
    expect(findObjects(objects, { kind: 'TriggerAuthentication' }).map((o) => o.metadata.name)).toEqual([name, `${name}-2`]);
    expect(spec(findObject(objects, { kind: 'ScaledObject' })).triggers.map((t: any) => t.authenticationRef?.name)).toEqual([name, `${name}-2`, `${name}-2`, undefined]);
  });

  test('a pending-entries trigger is fine beside one that wakes the revision from zero', () => {
    const { objects } = synthWorker({
      maxReplicas: 10,
      triggers: [
        ScaleTrigger.redisStream({ address: 'redis:6379', stream: 'orders', consumerGroup: 'workers', lagCount: 10 }),
        ScaleTrigger.redisStream({ address: 'redis:6379', stream: 'orders', consumerGroup: 'workers', pendingEntriesCount: 1 }),
      ],
    });
    expect(spec(findObject(objects, { kind: 'ScaledObject' })).triggers).toHaveLength(2);
  });
});
