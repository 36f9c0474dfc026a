import { Microservice, planRelease, releaseSteps } from '../../../../lib';
import { objectRole } from '../../../../lib/core/object-role';
import { planDeployment } from '../../../../lib/pulumi/deployment-plan';
import { synthObjects } from '../../../../lib/testing';
import { EventScalingProps, ScaleTrigger, TriggerAuth } from '../../../../lib/workload/scaling';
import { digestImage, newChart } from '../../../fixtures';

const queue = (value = 20, parameters: Record<string, string> = { host: 'url' }) =>
  ScaleTrigger.rabbitMq({ queueName: 'orders', mode: 'QueueLength', value, auth: TriggerAuth.fromServiceSecret('amqp', parameters) });

/** A worker whose trigger authenticates with one of its own Secrets. */
function worker(image = digestImage(), scaling: Partial<EventScalingProps> = {}) {
  const chart = newChart();
  new Microservice(chart, 'orders', {
    image,
    secrets: [{ name: 'amqp', literals: { url: 'amqp://orders:secret@rabbitmq:5672/', user: 'orders' } }],
    eventScaling: { maxReplicas: 10, triggers: [queue()], ...scaling },
  });
  return chart;
}

const names = (objects: readonly { kind: string; metadata: { name?: string } }[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`.replace(/[0-9a-f]{10}/g, '#'));

describe('KEDA objects in a release', () => {
  test('the ScaledObject and TriggerAuthentication are revision objects, made with their Deployment after it', () => {
    const objects = synthObjects(worker());
    expect(objects.filter((o) => o.apiVersion === 'keda.sh/v1alpha1').map(objectRole)).toEqual(['revision', 'revision']);
    const [, create] = releaseSteps([], objects);
    expect(names(create.objects)).toEqual([
      'Secret/orders-amqp-#',
      'Deployment/orders-#',
      'TriggerAuthentication/orders-#',
      'ScaledObject/orders-#',
      'PodDisruptionBudget/orders-#',
    ]);
  });

  test('a new revision creates its own KEDA objects and retires the old ones, the ScaledObject before its Deployment', () => {
    const before = synthObjects(worker());
    const after = synthObjects(worker(digestImage('ghcr.io/acme/app', 'b')));
    const [, create, , retire] = releaseSteps(before, after);
    expect(names(create.objects)).toEqual(['Deployment/orders-#', 'TriggerAuthentication/orders-#', 'ScaledObject/orders-#', 'PodDisruptionBudget/orders-#']);
    expect(names(retire.objects)).toEqual(['PodDisruptionBudget/orders-#', 'ScaledObject/orders-#', 'TriggerAuthentication/orders-#', 'Deployment/orders-#']);
  });

  test('Pulumi: the ScaledObject waits for its Deployment and TriggerAuthentication, which waits for its Secret', () => {
    const plan = planDeployment([worker()]);
    const logical = (kind: string) => plan.find((p) => p.manifest.kind === kind)!;
    expect(logical('ScaledObject').logicalName).toBe('test/orders/stable/EventScaler/Resource');
    expect(logical('ScaledObject').dependsOn.slice().sort()).toEqual([logical('Deployment').logicalName, logical('TriggerAuthentication').logicalName].sort());
    expect(logical('TriggerAuthentication').dependsOn).toEqual([logical('Secret').logicalName]);
    const position = (kind: string) => plan.indexOf(logical(kind));
    expect(position('Secret')).toBeLessThan(position('TriggerAuthentication'));
    expect(position('TriggerAuthentication')).toBeLessThan(position('ScaledObject'));
    expect(position('Deployment')).toBeLessThan(position('ScaledObject'));
  });

  test('rescaling a live revision changes its KEDA objects in place: more replicas before traffic moves, the rest after', () => {
    const before = synthObjects(worker());
    const grown = synthObjects(worker(digestImage(), { minReplicas: 1, maxReplicas: 20 }));
    const retuned = synthObjects(worker(digestImage(), { triggers: [queue(50, { host: 'url', username: 'user' })] }));
    const [, grow, growRoute, growRetire] = releaseSteps(before, grown);
    expect(names(grow.objects)).toEqual(['ScaledObject/orders-#']);
    expect(names(growRoute.objects)).toEqual([]);
    expect(growRetire.objects).toEqual([]);
    const [, tune, tuneRoute] = releaseSteps(before, retuned);
    expect(names(tune.objects)).toEqual([]);
    expect(names(tuneRoute.objects)).toEqual(['TriggerAuthentication/orders-#', 'ScaledObject/orders-#']);
    for (const after of [grown, retuned]) {
      const plan = planRelease(before, after);
      expect(plan.violations).toEqual([]);
      expect(plan.created).toEqual([]);
      expect(plan.updated.map((u) => u.kind)).toEqual(after === grown ? ['ScaledObject'] : ['TriggerAuthentication', 'ScaledObject']);
    }
  });

  test('Pulumi: KEDA objects are replaced only when what they scale changes; their settings update in place', () => {
    const plan = planDeployment([worker()]);
    const resource = (kind: string) => plan.find((p) => p.manifest.kind === kind)!;
    expect(resource('ScaledObject').replaceOnChanges).toEqual(['metadata', 'spec.scaleTargetRef']);
    expect(resource('TriggerAuthentication').replaceOnChanges).toEqual(['metadata']);
  });
});
