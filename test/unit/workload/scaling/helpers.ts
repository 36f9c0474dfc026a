import { Microservice, MicroserviceProps } from '../../../../lib';
import { Manifest } from '../../../../lib/core/manifest-schema';
import { findObject, findObjects, synthObjects } from '../../../../lib/testing';
import { EventScalingProps, ScaleTrigger, TriggerAuth } from '../../../../lib/workload/scaling';
import { digestImage, newChart } from '../../../fixtures';

/** A RabbitMQ trigger with a connection from the existing Secret 'rabbitmq'. */
export const queueTrigger = ScaleTrigger.rabbitMq({
  queueName: 'orders',
  mode: 'QueueLength',
  value: 20,
  auth: TriggerAuth.fromSecret('rabbitmq', { host: 'amqp-url' }),
});

/** A worker `orders` (no ports) scaled on events. */
export function synthWorker(eventScaling: EventScalingProps, props: Partial<MicroserviceProps> = {}) {
  const chart = newChart();
  const service = new Microservice(chart, 'orders', { image: digestImage(), eventScaling, ...props });
  return { chart, service, objects: synthObjects(chart) };
}

/** The spec of an object. */
export const spec = (object: Manifest) => object.spec as any;

/** The triggers of the one ScaledObject. */
export const triggersOf = (objects: readonly Manifest[]) => spec(findObject(objects, { kind: 'ScaledObject' })).triggers;

/** The one trigger of the one ScaledObject of a worker scaled on it alone. */
export function onlyTrigger(trigger: ScaleTrigger, scaling: Partial<EventScalingProps> = {}) {
  const { objects } = synthWorker({ maxReplicas: 10, triggers: [trigger], ...scaling });
  const triggers = triggersOf(objects);
  expect(triggers).toHaveLength(1);
  return { trigger: triggers[0], authentications: findObjects(objects, { kind: 'TriggerAuthentication' }) };
}
