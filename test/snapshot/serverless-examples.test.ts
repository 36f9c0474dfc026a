import { App } from 'cdk8s';
import { FunctionGatewayChart } from '../../examples/function-behind-gateway';
import { FunctionSplitChart } from '../../examples/function-traffic-split';
import { NightlyCronChart } from '../../examples/nightly-cron';
import { QueueWorkerChart } from '../../examples/queue-worker';
import { ThumbnailEventsChart } from '../../examples/thumbnail-events';
import { GatewayRendering } from '../../lib';
import { snapshotOf } from '../../lib/testing';

describe('serverless examples', () => {
  test.each([GatewayRendering.gatewayApi(), GatewayRendering.istio()])('function-behind-gateway: a scale-to-zero function behind the gateway (%s)', (rendering) => {
    expect(snapshotOf(new FunctionGatewayChart(new App(), 'function-behind-gateway', { rendering }))).toMatchSnapshot();
  });

  test('function-traffic-split: 80/20 between two pinned revisions, a tag URL each', () => {
    expect(snapshotOf(new FunctionSplitChart(new App(), 'function-traffic-split'))).toMatchSnapshot();
  });

  test('thumbnail-events: a Broker, a Trigger on image.uploaded, a dead-letter sink', () => {
    expect(snapshotOf(new ThumbnailEventsChart(new App(), 'thumbnail-events'))).toMatchSnapshot();
  });

  test('nightly-cron: a PingSource waking a function every night', () => {
    expect(snapshotOf(new NightlyCronChart(new App(), 'nightly-cron'))).toMatchSnapshot();
  });

  test('queue-worker: a microservice scaled 0→N by KEDA on a RabbitMQ queue', () => {
    expect(snapshotOf(new QueueWorkerChart(new App(), 'queue-worker'))).toMatchSnapshot();
  });

  test('the split moves by one number: only the traffic block changes', () => {
    const at = (canaryPercent: number) => snapshotOf(new FunctionSplitChart(new App(), 'function-traffic-split', { canaryPercent }));
    const before = at(20);
    const after = at(50);
    const changed = Object.keys(after).filter((key) => JSON.stringify(after[key]) !== JSON.stringify(before[key]));
    expect(changed).toEqual(['Service pricing/pricing']);
    expect((after[changed[0]] as any).spec.template).toEqual((before[changed[0]] as any).spec.template);
  });
});
