/**
 * Canary walks under `pulumi up`: the real Pulumi CLI with the Kubernetes
 * provider and the Node.js dynamic provider, the suite's cluster (kwok pods
 * become ready) and the real Prometheus, scraping a local exporter that
 * reports per revision what Istio's sidecars would (as in
 * canary-analysis.test.ts). The program runs in-process (Automation API,
 * inline, as in pulumi.test.ts); the walk runs in the dynamic provider's own
 * process, which the CLI starts with `pulumi-resource-pulumi-nodejs`, the
 * launcher @pulumi/pulumi ships (a Pulumi installation has it beside the
 * CLI): it runs the SDK's dynamic provider, resolved from the project
 * directory (here through NODE_PATH), which loads the walk from the
 * library's sources through ts-node. The tests run in order, on one stack.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { EngineEvent, Stack } from '@pulumi/pulumi/automation';
import { App, Chart, Duration } from 'cdk8s';
import { ChartDeployment } from '../../lib/pulumi';
import { addReviewsRelease, HEALTHY, scrapedReviews } from './analysed-canary';
import { IstioMetricsExporter } from './istio-metrics-exporter';
import { deleteNamespace, getLive } from './kubectl';
import { localPulumiStack } from './local-pulumi-stack';
import { PrometheusServer } from './prometheus-server';
import { getJson, sampleRouting } from './release-runtime';

const work = mkdtempSync(join(tmpdir(), 'immutable-infra-pulumi-canary-'));
const NAMESPACE = 'pulumi-canary';
const WALK = `${NAMESPACE}/Routes/Mesh/Routing/CanaryWalk`;
const ROUTE = `${NAMESPACE}/Routes/Mesh/Routing/VirtualService`;
const PAUSE_SECONDS = 10;
/** The release of `reviews` (see addReviewsRelease), as a chart. */
function release(stable: 'v1' | 'v2', canary?: 'v2' | 'v3'): { chart: Chart; revisions: Record<string, string> } {
  const chart = new Chart(new App(), NAMESPACE, { namespace: NAMESPACE });
  return { chart, revisions: addReviewsRelease(chart, stable, canary, { pauseSeconds: PAUSE_SECONDS }) };
}

const ids = { ...release('v1', 'v2').revisions, ...release('v2', 'v3').revisions };

let exporter: IstioMetricsExporter;
let prometheus: PrometheusServer;
let stack: Stack;

/** The release the next `pulumi up` deploys. */
let upcoming: { stable: 'v1' | 'v2'; canary?: 'v2' | 'v3' } = { stable: 'v1' };

function program(): Record<string, unknown> {
  const deployment = new ChartDeployment('reviews', {
    charts: [release(upcoming.stable, upcoming.canary).chart],
    awaitTimeout: Duration.minutes(3),
    prometheusUrl: prometheus.url,
  });
  return { walked: Object.fromEntries(Object.entries(deployment.canaryWalks).map(([name, walk]) => [name, walk.walked])) };
}

/** One finished `pulumi up`: its events, the route's weights as sampled while it ran, and the routing checks. */
interface UpRun {
  readonly result: 'succeeded' | 'failed';
  readonly error: string;
  readonly events: EngineEvent[];
  readonly outputs: Record<string, any>;
  /** The canary route's weights by subset, each time they changed. */
  readonly weights: Array<Record<string, number>>;
  readonly violations: readonly string[];
  readonly seconds: number;
}

/** The canary route's weights by subset (track); `undefined` before the VirtualService exists. */
async function liveWeights(): Promise<Record<string, number> | undefined> {
  const list = await getJson(['virtualservices.networking.istio.io', '-n', NAMESPACE]);
  const route = (list.items as any[]).find((v) => v.metadata.name === 'reviews')?.spec.http[0].route as any[] | undefined;
  return route === undefined ? undefined : Object.fromEntries(route.map((r) => [r.destination.subset, r.weight ?? 100]));
}

async function up(): Promise<UpRun> {
  const events: EngineEvent[] = [];
  const started = Date.now();
  const run = stack.up({ onEvent: (event) => events.push(event) });
  const ended = run.then(() => undefined, () => undefined);
  const weights: Array<Record<string, number>> = [];
  const record = async () => {
    const sample = await liveWeights();
    if (sample !== undefined && JSON.stringify(sample) !== JSON.stringify(weights[weights.length - 1])) {
      weights.push(sample);
    }
  };
  const sampling = (async () => {
    let done = false;
    void ended.then(() => (done = true));
    while (!done) {
      await record();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // What `up` left: a change in its last quarter second (a failed walk puts its pointers back
    // just before `up` fails) comes after the loop's last sample.
    await record();
  })();
  const [routing] = await Promise.all([sampleRouting(NAMESPACE, ended), sampling]);
  const seconds = (Date.now() - started) / 1000;
  try {
    const result = await run;
    return { result: 'succeeded', error: '', events, outputs: result.outputs, weights, violations: routing.violations, seconds };
  } catch (error) {
    return { result: 'failed', error: String(error), events, outputs: {}, weights, violations: routing.violations, seconds };
  }
}

const nameOf = (urn: string) => urn.split('::').pop()!;

/** The operation of each resource step that began, by resource name. */
function operations(events: readonly EngineEvent[]): Record<string, string> {
  return Object.fromEntries(events.flatMap((e) => {
    const step = e.resourcePreEvent?.metadata;
    return step === undefined ? [] : [[nameOf(step.urn), step.op]];
  }));
}

/** Where in the event log a step of `name` began (`pre`) or finished (`outputs`); -1 when it did not. */
function eventIndex(events: readonly EngineEvent[], stage: 'pre' | 'outputs', name: string): number {
  return events.findIndex((e) => {
    const step = stage === 'pre' ? e.resourcePreEvent : e.resOutputsEvent;
    return step !== undefined && nameOf(step.metadata.urn) === name;
  });
}

const ready = (revision: string) => {
  const deployment = getLive('deployment.apps', `reviews-${revision}`, NAMESPACE);
  return deployment?.status?.availableReplicas === deployment?.spec.replicas && deployment?.spec.replicas > 0;
};

beforeAll(async () => {
  ({ exporter, prometheus } = await scrapedReviews(NAMESPACE, ids));

  stack = await localPulumiStack(work, 'canary', 'immutable-infra-canary', async () => program());
});

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.close();
  deleteNamespace(NAMESPACE);
  rmSync(work, { recursive: true, force: true });
});

test('the stable release deploys with no walk', async () => {
  const first = await up();
  expect(first.error).toBe('');
  expect(Object.keys(operations(first.events)).filter((name) => name.endsWith('CanaryWalk'))).toEqual([]);
  expect(first.weights[first.weights.length - 1]).toEqual({ v1: 100 });
});

test('a healthy canary walks its analysed 20% step during pulumi up, passes it, then Pulumi sets the final weights', async () => {
  upcoming = { stable: 'v1', canary: 'v2' };
  const run = await up();
  expect(run.error).toBe('');
  expect(run.violations).toEqual([]);
  // The route went from the stable revision to the step's split, held it for the pause, then took the declared weights.
  expect(run.weights).toEqual([{ v1: 100 }, { v1: 80, v2: 20 }, { v1: 0, v2: 100 }]);
  expect(run.seconds).toBeGreaterThan(PAUSE_SECONDS);
  const ops = operations(run.events);
  expect({ walk: ops[WALK], route: ops[ROUTE] }).toEqual({ walk: 'create', route: 'update' });
  // The route's update began only once the walk had finished, and the walk only once the canary was ready.
  const walkDone = eventIndex(run.events, 'outputs', WALK);
  expect(walkDone).toBeGreaterThan(eventIndex(run.events, 'outputs', `Deployment/${NAMESPACE}/reviews-${ids.v2}`));
  expect(eventIndex(run.events, 'pre', ROUTE)).toBeGreaterThan(walkDone);
  expect(run.outputs.walked.value).toEqual({ [WALK]: [[20]] });
  expect(await liveWeights()).toEqual({ v1: 0, v2: 100 });
  expect(ready(ids.v2)).toBe(true);
});

test('pulumi up again with the same release walks nothing: the walk resource is unchanged', async () => {
  const again = await up();
  expect(again.error).toBe('');
  const ops = operations(again.events);
  expect({ walk: ops[WALK], route: ops[ROUTE] }).toEqual({ walk: 'same', route: 'same' });
  expect(again.weights).toEqual([{ v1: 0, v2: 100 }]);
});

test('a canary failing half its requests fails pulumi up during its step: the route is back on the stable revision, which still serves', async () => {
  exporter.set(ids.v3, { ...HEALTHY, errorFraction: 0.5 });
  upcoming = { stable: 'v2', canary: 'v3' };
  const run = await up();
  expect(run.result).toBe('failed');
  expect(run.violations).toEqual([]);
  // The deploy path's error text.
  expect(run.error).toContain(`the canary walk of VirtualService ${NAMESPACE}/reviews failed; every pointer it moved is back as it was:`);
  expect(run.error).toMatch(new RegExp(`error: canary analysis: ${NAMESPACE}/reviews: canary (4\\d|5\\d)(\\.\\d+)?% errors of \\d+(\\.\\d+)? requests, stable 0%: ` +
    '[\\d.]+ points above the stable revision, more than the 5 allowed \\(maxErrorPercentAboveStable\\)'));
  expect(run.error).toContain('error: the release is not healthy; traffic stays on the previous release');
  expect(run.error).toMatch(/↺ 1 pointer put back as the previous release had them/);
  // The walk moved the route to the step's split and back; Pulumi never updated the route.
  expect(run.weights).toEqual([{ v1: 0, v2: 100 }, { v2: 80, v3: 20 }, { v1: 0, v2: 100 }]);
  const ops = operations(run.events);
  expect({ walk: ops[WALK], route: ops[ROUTE] }).toEqual({ walk: 'update', route: undefined });
  expect(run.events.filter((e) => e.resOpFailedEvent !== undefined).map((e) => nameOf(e.resOpFailedEvent!.metadata.urn))).toEqual([WALK]);
  // Every pointer back on the stable revision: the route sends it all the traffic, and it is ready and served.
  expect(await liveWeights()).toEqual({ v1: 0, v2: 100 });
  const subsets = getLive('destinationrule.networking.istio.io', 'reviews', NAMESPACE)!.spec.subsets as any[];
  expect(subsets.find((s) => s.name === 'v2')?.labels['immutable-infra.dev/revision']).toBe(ids.v2);
  expect(ready(ids.v2)).toBe(true);
  const slices = (await getJson(['endpointslices.discovery.k8s.io', '-n', NAMESPACE, '-l', 'kubernetes.io/service-name=reviews'])).items as any[];
  const servingPods = slices.flatMap((s) => s.endpoints ?? [])
    .filter((e: any) => e.conditions?.ready === true)
    .map((e: any) => e.targetRef.name as string);
  expect(servingPods.some((pod) => pod.startsWith(`reviews-${ids.v2}-`))).toBe(true);
  // The failed canary stays, for inspection, as after a failed health gate.
  expect(getLive('deployment.apps', `reviews-${ids.v3}`, NAMESPACE)).toBeDefined();
});

test('destroy removes the release; deleting the walk touches nothing', async () => {
  const destroyed = await stack.destroy();
  expect(destroyed.summary.result).toBe('succeeded');
  expect(getLive('virtualservice.networking.istio.io', 'reviews', NAMESPACE)).toBeUndefined();
});
