import { App, Chart } from 'cdk8s';
import { FunctionGatewayChart } from '../../examples/function-behind-gateway';
import { FunctionSplitChart, PRICING_IMAGES } from '../../examples/function-traffic-split';
import { NightlyCronChart } from '../../examples/nightly-cron';
import { QueueWorkerChart } from '../../examples/queue-worker';
import { ThumbnailEventsChart } from '../../examples/thumbnail-events';
import { GatewayRendering, Manifest, MeshProvider, ServerlessFunction } from '../../lib';
import { objectIdentity, objectRole } from '../../lib/internal';
import { synthObjects } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';
import { ensureNamespaces, expectAcceptedAndLive } from './apply-checked';
import { deleteNamespace, getLive, liveResourceVersion, resourceType } from './kubectl';
import { runRelease } from './release-runner';

/** Every serverless example, as a user would apply it. */
const charts: Array<[string, () => Chart]> = [
  ['function-behind-gateway (Gateway API)', () => new FunctionGatewayChart(new App(), 'fn-gw-api', { namespace: 'fn-gw-api' })],
  ['function-behind-gateway (Istio)', () => new FunctionGatewayChart(new App(), 'fn-gw-istio', { namespace: 'fn-gw-istio', rendering: GatewayRendering.istio() })],
  ['function-traffic-split', () => new FunctionSplitChart(new App(), 'function-traffic-split')],
  ['thumbnail-events', () => new ThumbnailEventsChart(new App(), 'thumbnail-events')],
  ['nightly-cron', () => new NightlyCronChart(new App(), 'nightly-cron')],
  ['queue-worker', () => new QueueWorkerChart(new App(), 'queue-worker')],
];

const namespaces = new Set<string>();

afterAll(() => {
  for (const namespace of namespaces) {
    deleteNamespace(namespace);
  }
});

describe('serverless objects are accepted by the real API server with the Knative and KEDA CRDs', () => {
  test.each(charts)('%s: strict server-side dry run, then applied and live', (_, makeChart) => {
    const objects = synthObjects(makeChart());
    ensureNamespaces(objects, namespaces);
    expectAcceptedAndLive(objects);
  });
});

describe('a function released in steps', () => {
  const NAMESPACE = 'fn-release';
  /** The pricing function at one step: stable only, or stable + canary at a percent. */
  const step = (canaryPercent: number | undefined): Manifest[] => {
    const chart = new Chart(new App(), `pricing-${canaryPercent ?? 'stable'}`, { namespace: NAMESPACE });
    const fn = new ServerlessFunction(chart, 'pricing', { image: PRICING_IMAGES.stable, configs: [{ name: 'rates', literals: { VAT: '0.19' } }] });
    if (canaryPercent !== undefined) {
      const canary = fn.addRevision('canary', { image: PRICING_IMAGES.canary });
      fn.setTraffic([{ revision: fn.revisions[0], percent: 100 - canaryPercent, tag: 'stable' }, { revision: canary, percent: canaryPercent, tag: 'canary' }]);
    }
    return synthObjects(chart);
  };
  const liveTraffic = () => getLive('services.serving.knative.dev', 'pricing', NAMESPACE)!.spec.traffic
    .map((t: any) => `${t.tag ?? '-'}:${t.revisionName}:${t.percent}`);

  test('each step only updates the Knative Service and adds revision objects; live traffic is what the code declares', () => {
    namespaces.add(NAMESPACE);
    const sequence = [step(undefined), step(10), step(50)];
    ensureNamespaces(sequence[0], namespaces);
    let before: Manifest[] = [];
    for (const after of sequence) {
      const versions = new Map(before.filter((o) => objectRole(o) === 'revision').map((o) => [objectIdentity(o), liveResourceVersion(o)]));
      const outcome = runRelease(before, after);
      expect(outcome.failed).toBeUndefined();
      for (const [identity, version] of versions) {
        const object = before.find((o) => objectIdentity(o) === identity)!;
        expect(`${identity}@${liveResourceVersion(object)}`).toBe(`${identity}@${version}`);
      }
      const ksvc = after.find((o) => o.apiVersion === 'serving.knative.dev/v1')!;
      const declared = (ksvc.spec as any).traffic.map((t: any) => `${t.tag ?? '-'}:${t.revisionName}:${t.percent}`);
      expect(liveTraffic()).toEqual(declared);
      const live = getLive(resourceType(ksvc), 'pricing', NAMESPACE)!;
      expect(live.spec.template.metadata.name).toBe((ksvc.spec as any).template.metadata.name);
      before = after;
    }
  });
});

describe('the shop with its order-confirmation function', () => {
  test.each([
    ['Istio', () => new ShopChart(new App(), 'shop-fn-istio', { environment: 'prod' })],
    ['Linkerd', () => new ShopChart(new App(), 'shop-fn-linkerd', { environment: 'prod', meshProvider: MeshProvider.linkerd() })],
  ])('in %s: strict server-side dry run, then applied and live', (_, makeChart) => {
    const objects = synthObjects(makeChart());
    expect(objects.some((o) => o.kind === 'Trigger')).toBe(true);
    ensureNamespaces(objects.filter((o) => o.kind !== 'Namespace'), namespaces);
    expectAcceptedAndLive(objects);
  });
});
