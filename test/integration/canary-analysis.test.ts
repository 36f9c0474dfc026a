/**
 * Canary analysis against the real Prometheus server: it scrapes a local
 * exporter that reports, per revision, what Istio's sidecars would (the
 * test sets each revision's error rate), and `immutable-infra deploy
 * --prometheus-url` walks a stepped canary on the test cluster (kwok pods),
 * querying it during the step's pause. A healthy canary goes on to 100%; a
 * failing one is rolled back exactly as a failed health gate is.
 */
import { App, Chart } from 'cdk8s';
import { addReviewsRelease, HEALTHY, scrapedReviews } from './analysed-canary';
import { IstioMetricsExporter } from './istio-metrics-exporter';
import { deleteNamespace, getLive } from './kubectl';
import { PrometheusServer } from './prometheus-server';
import { cli, CliRun, distOf, sampleRouting, startCli } from './release-runtime';

const NAMESPACE = 'runtime-analysis';

/** The release of `reviews` (see addReviewsRelease), as a dist. */
function release(stable: 'v1' | 'v2', canary?: 'v2' | 'v3'): { dist: string; revisions: Record<string, string> } {
  let revisions: Record<string, string> = {};
  const dist = distOf((app: App) => {
    const chart = new Chart(app, NAMESPACE, { namespace: NAMESPACE });
    revisions = addReviewsRelease(chart, stable, canary, { pauseSeconds: 12, maxLatencyMsAboveStable: 100 });
  });
  return { dist, revisions };
}

const first = release('v1');
const healthy = release('v1', 'v2');
const failing = release('v2', 'v3');
const ids = { ...healthy.revisions, ...failing.revisions };

let exporter: IstioMetricsExporter;
let prometheus: PrometheusServer;

beforeAll(async () => {
  ({ exporter, prometheus } = await scrapedReviews(NAMESPACE, ids));
});

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.close();
  deleteNamespace(NAMESPACE);
});

const ok = (run: CliRun) => expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
const deployArgs = (dist: string) => ['deploy', dist, '--timeout', '3m', '--prometheus-url', prometheus.url];
/** The canary route's weights by subset (track). */
const weights = () => Object.fromEntries((getLive('virtualservice.networking.istio.io', 'reviews', NAMESPACE)!.spec.http[0].route as any[])
  .map((r) => [r.destination.subset, r.weight ?? 100]));

test('the stable revision of one stack is the canary of the one before', () => {
  expect(healthy.revisions.v2).toBe(failing.revisions.v2);
});

test('a canary no worse than the stable revision passes its analysed step and takes all traffic', async () => {
  ok(await cli(...deployArgs(first.dist)));
  expect(weights()).toEqual({ v1: 100 });

  const running = startCli(...deployArgs(healthy.dist));
  const samples = await sampleRouting(NAMESPACE, running.done);
  const run = await running.done;
  ok(run);
  expect(samples.violations).toEqual([]);
  const lines = run.stdout.split('\n');
  const holding = lines.findIndex((l) => l.includes(`holding for 12s, analysing ${NAMESPACE}/reviews in Prometheus ${prometheus.url}`));
  const passed = lines.findIndex((l) => new RegExp(`✓ analysis ${NAMESPACE}/reviews: canary 0% errors of \\d+(\\.\\d+)? requests, stable 0% \\(allowed: \\+5 points\\); p99 latency canary [\\d.]+ ms, stable [\\d.]+ ms \\(allowed: \\+100 ms\\)`).test(l));
  expect(holding).toBeGreaterThan(0);
  expect(passed).toBeGreaterThan(holding);
  expect(lines.filter((l) => l.includes('✗'))).toEqual([]);
  expect(run.stdout).toContain('Done.');
  expect(weights()).toEqual({ v1: 0, v2: 100 });
});

test('a canary failing more than the margin is rolled back during its pause, as a failed gate is: traffic back on the stable revision, the canary left', async () => {
  exporter.set(ids.v3, { ...HEALTHY, errorFraction: 0.5 });
  const running = startCli(...deployArgs(failing.dist));
  const samples = await sampleRouting(NAMESPACE, running.done);
  const run = await running.done;
  expect(samples.violations).toEqual([]);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^error: canary analysis: ${NAMESPACE}/reviews: canary (4\\d|5\\d)(\\.\\d+)?% errors of \\d+(\\.\\d+)? requests, stable 0%: [\\d.]+ points above the stable revision, more than the 5 allowed \\(maxErrorPercentAboveStable\\)$`, 'm'));
  expect(run.stderr).toContain('error: the release is not healthy; traffic stays on the previous release');
  expect(run.stdout).toMatch(/↺ \d+ pointers? put back as the previous release had them/);
  expect(run.stdout).not.toContain('[4/4] retire');
  expect(weights()).toEqual({ v1: 0, v2: 100 });
  expect(getLive('deployment.apps', `reviews-${ids.v3}`, NAMESPACE)).toBeDefined();
});

test('deploy refuses an analysed canary without --prometheus-url before it applies anything', async () => {
  const run = await cli('deploy', failing.dist, '--timeout', '3m');
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`its canary steps are analysed in Prometheus (CanaryStep.analysis of ${NAMESPACE}/reviews); pass Prometheus's URL (prometheusUrl, --prometheus-url). Nothing was applied`);
  expect(run.stdout).not.toContain('[1/4] prepare');
  expect(weights()).toEqual({ v1: 0, v2: 100 });
});
