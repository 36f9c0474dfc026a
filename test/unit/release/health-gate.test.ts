import { App, Chart } from 'cdk8s';
import { Microservice, ServerlessFunction } from '../../../lib';
import { pollIntervals } from '../../../lib/release/cluster/bounded';
import { gateTargets } from '../../../lib/release/deploy/health-gate';
import { synthObjects } from '../../../lib/testing';
import { digestImage } from '../../fixtures';

/** A chart with a fixed-size service, an autoscaled one and a function. */
function objects() {
  const chart = new Chart(new App(), 'app', { namespace: 'app' });
  const web = new Microservice(chart, 'web', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], replicas: 2 });
  const api = new Microservice(chart, 'api', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], autoscaling: { minReplicas: 3, maxReplicas: 6, cpuUtilizationPercent: 70 } });
  new ServerlessFunction(chart, 'resize', { image: digestImage('ghcr.io/acme/resize') });
  return { objects: synthObjects(chart), web: web.revisions[0].name, api: api.revisions[0].name };
}

describe('gateTargets', () => {
  test('every revision Deployment, with its autoscaler\'s minimum; Knative Services only when asked', () => {
    const { objects: manifests, web, api } = objects();
    expect(gateTargets(manifests, false)).toEqual([
      { kind: 'Deployment', namespace: 'app', name: web, minReady: 0 },
      { kind: 'Deployment', namespace: 'app', name: api, minReady: 3 },
    ]);
    expect(gateTargets(manifests, true).filter((t) => t.kind === 'KnativeService')).toEqual([{ kind: 'KnativeService', namespace: 'app', name: 'resize', minReady: 0 }]);
  });
});

describe('pollIntervals', () => {
  test('start short and double up to the longest wait', () => {
    const intervals = pollIntervals(100, 500);
    expect(Array.from({ length: 6 }, () => intervals.next().value)).toEqual([100, 200, 400, 500, 500, 500]);
  });

  test('never start above the longest wait', () => {
    expect(pollIntervals(100, 50).next().value).toBe(50);
  });
});
