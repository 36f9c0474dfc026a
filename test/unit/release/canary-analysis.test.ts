import { Duration } from 'cdk8s';
import { CanaryAnalysis, CanaryRelease, Mesh, MeshProvider, Microservice, Monitoring, MonitoringProps, ServiceRoutes } from '../../../lib';
import { CanaryStepsAnnotation } from '../../../lib/core/canary-steps';
import { canaryStages, carriesAnalysis } from '../../../lib/release/deploy/canary-walk';
import { findObject, synthObjects } from '../../../lib/testing';
import { digestImage, expectRefusal, newChart, synthProblems, validationErrorOf } from '../../fixtures';

interface Setup {
  /** @default 'istio' */
  readonly mesh?: 'istio' | 'linkerd';
  /** Observe the service (with these Monitoring props); `false`: not observed. */
  readonly monitoring?: MonitoringProps | false;
}

/** `reviews` in a mesh (stable `blue`, canary `green`) with its routes, observed unless told otherwise. */
function reviews(setup: Setup = {}) {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: setup.mesh === 'linkerd' ? MeshProvider.linkerd() : MeshProvider.istio() });
  const service = new Microservice(chart, 'reviews', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], mesh, track: 'blue' });
  const green = service.addRevision('green', { image: digestImage('ghcr.io/acme/app', 'b') });
  const routes = new ServiceRoutes(chart, 'routes', { service });
  if (setup.monitoring !== false) {
    new Monitoring(chart, 'monitoring', setup.monitoring ?? {}).observe(service);
  }
  return { chart, service, blue: service.revisions[0], green, routes };
}

type Reviews = ReturnType<typeof reviews>;

/** A canary of `green` to 100% with one 10% step holding `pause` ('none': no pause) and analysed as `analysis`. */
function canary(r: Reviews, analysis: CanaryAnalysis, pause: Duration | 'none' = Duration.minutes(2)): CanaryRelease {
  const step = pause === 'none' ? { percent: 10, analysis } : { percent: 10, pause, analysis };
  return new CanaryRelease(r.chart, 'canary', { routes: r.routes, stable: r.blue, canary: r.green, canaryPercent: 100, steps: [step] });
}

function stepsOf(r: Reviews, kind = 'VirtualService', name = 'reviews'): CanaryStepsAnnotation['steps'] {
  const annotations = findObject(synthObjects(r.chart), { kind, name }).metadata.annotations as Record<string, string>;
  return (JSON.parse(annotations['immutable-infra.dev/canary-steps']) as CanaryStepsAnnotation).steps;
}

describe('CanaryStep.analysis', () => {
  test('is carried on the route pointers with the queries of both revisions: the recording rules\' expressions, for revision and window', () => {
    const r = reviews();
    canary(r, {
      maxErrorPercentAboveStable: 1, maxLatencyMsAboveStable: 50, latencyPercentile: 95, minRequests: 50,
      interval: Duration.seconds(15), window: Duration.minutes(2),
    });
    const [step] = stepsOf(r);
    const selector = (revision: string, ...extra: string[]) =>
      `{${['namespace="test"', 'service="reviews"', 'reporter="destination"', ...extra, `revision="${revision}"`].join(', ')}}`;
    const requests = (revision: string, ...extra: string[]) =>
      `sum by (namespace, service, revision) (rate(istio_requests_total${selector(revision, ...extra)}[120s]))`;
    expect(step).toEqual({
      percent: 10,
      pauseSeconds: 120,
      analysis: {
        service: 'test/reviews',
        intervalSeconds: 15,
        windowSeconds: 120,
        minRequests: 50,
        maxErrorPercentAboveStable: 1,
        maxLatencyMsAboveStable: 50,
        latencyPercentile: 95,
        canary: {
          requestRate: requests(r.green.revisionId),
          errorRatio: `(${requests(r.green.revisionId, 'response_code=~"5.."')} or on (namespace, service, revision) 0 * ${requests(r.green.revisionId)}) / ${requests(r.green.revisionId)}`,
          latencySeconds: `histogram_quantile(0.95, sum by (namespace, service, revision, le) (rate(istio_request_duration_milliseconds_bucket${selector(r.green.revisionId)}[120s]))) / 1000`,
        },
        stable: expect.objectContaining({ requestRate: requests(r.blue.revisionId) }),
      },
    });
    // One source of truth: the per-revision recording rules, with the revision matcher and the window.
    const rules = (findObject(synthObjects(r.chart), { kind: 'PrometheusRule', name: 'reviews' }).spec as any).groups[0].rules as Array<{ record: string; expr: string }>;
    const narrowed = (record: string, revision: string) =>
      rules.find((rule) => rule.record === record)!.expr.replace(/\}\[5m\]/g, `, revision="${revision}"}[120s]`);
    expect(step.analysis!.canary.requestRate).toBe(narrowed('revision:requests:rate5m', r.green.revisionId));
    expect(step.analysis!.stable.latencySeconds).toBe(narrowed('revision:latency_seconds:p99_rate5m', r.blue.revisionId).replace('histogram_quantile(0.99,', 'histogram_quantile(0.95,'));
  });

  test('defaults: 20 requests, a 30 s interval, a 1 minute window, no latency', () => {
    const r = reviews();
    canary(r, { maxErrorPercentAboveStable: 0.5 });
    const [step] = stepsOf(r);
    expect(step.analysis).toMatchObject({ intervalSeconds: 30, windowSeconds: 60, minRequests: 20, maxErrorPercentAboveStable: 0.5 });
    expect(step.analysis).not.toHaveProperty('maxLatencyMsAboveStable');
    expect(step.analysis!.canary).not.toHaveProperty('latencySeconds');
  });

  test('Linkerd: its proxy\'s metrics; latency p99 unless told; the interval is the pause when shorter; the default window covers two scrape intervals', () => {
    const r = reviews({ mesh: 'linkerd', monitoring: { scrapeIntervalSeconds: 45 } });
    canary(r, { maxErrorPercentAboveStable: 1, maxLatencyMsAboveStable: 20 }, Duration.seconds(10));
    const [step] = stepsOf(r, 'HTTPRoute', 'reviews-http');
    expect(step.analysis).toMatchObject({ intervalSeconds: 10, windowSeconds: 90, latencyPercentile: 99 });
    expect(step.analysis!.canary.errorRatio).toContain(`request_total{namespace="test", service="reviews", direction="inbound", classification="failure", revision="${r.green.revisionId}"}[90s]`);
    expect(step.analysis!.canary.latencySeconds).toBe(
      `histogram_quantile(0.99, sum by (namespace, service, revision, le) (rate(response_latency_ms_bucket{namespace="test", service="reviews", direction="inbound", revision="${r.green.revisionId}"}[90s]))) / 1000`,
    );
  });

  test('the same stack gives the same annotation, byte for byte', () => {
    const annotation = () => {
      const r = reviews();
      canary(r, { maxErrorPercentAboveStable: 1, maxLatencyMsAboveStable: 50 });
      return (findObject(synthObjects(r.chart), { kind: 'VirtualService', name: 'reviews' }).metadata.annotations as Record<string, string>)['immutable-infra.dev/canary-steps'];
    };
    expect(annotation()).toBe(annotation());
  });

  test.each<[string, CanaryAnalysis, Duration | 'none', string]>([
    ['the step has no pause', { maxErrorPercentAboveStable: 1 }, 'none',
      "steps[0].analysis runs during the step's pause, and the step has none; give the step a pause, e.g. pause: Duration.minutes(5)"],
    ['the margin is negative', { maxErrorPercentAboveStable: -1 }, Duration.minutes(1),
      'steps[0].analysis.maxErrorPercentAboveStable must be 0-100 (percentage points), got -1'],
    ['the margin is above 100 points', { maxErrorPercentAboveStable: 101 }, Duration.minutes(1),
      'steps[0].analysis.maxErrorPercentAboveStable must be 0-100 (percentage points), got 101'],
    ['the latency margin is negative', { maxErrorPercentAboveStable: 1, maxLatencyMsAboveStable: -5 }, Duration.minutes(1),
      'steps[0].analysis.maxLatencyMsAboveStable must be a number of milliseconds ≥ 0, got -5'],
    ['a percentile is given without a latency margin', { maxErrorPercentAboveStable: 1, latencyPercentile: 90 }, Duration.minutes(1),
      'steps[0].analysis.latencyPercentile compares nothing without maxLatencyMsAboveStable; add it, or drop latencyPercentile'],
    ['the percentile is 100', { maxErrorPercentAboveStable: 1, maxLatencyMsAboveStable: 5, latencyPercentile: 100 }, Duration.minutes(1),
      'steps[0].analysis.latencyPercentile must be above 0 and below 100, got 100'],
    ['minRequests is 0', { maxErrorPercentAboveStable: 1, minRequests: 0 }, Duration.minutes(1),
      'steps[0].analysis.minRequests must be a whole number ≥ 1, got 0'],
    ['minRequests is not whole', { maxErrorPercentAboveStable: 1, minRequests: 2.5 }, Duration.minutes(1),
      'steps[0].analysis.minRequests must be a whole number ≥ 1, got 2.5'],
    ['the interval is not whole seconds', { maxErrorPercentAboveStable: 1, interval: Duration.millis(1500) }, Duration.minutes(1),
      'steps[0].analysis.interval must be a whole number of seconds ≥ 1, got 1.5s'],
    ['the interval is longer than the pause', { maxErrorPercentAboveStable: 1, interval: Duration.minutes(2) }, Duration.minutes(1),
      "steps[0].analysis.interval (120s) is longer than the step's pause (60s), so no check would run before its end; shorten the interval or lengthen the pause"],
    ['the window is under a second', { maxErrorPercentAboveStable: 1, window: Duration.millis(500) }, Duration.minutes(1),
      'steps[0].analysis.window must be a whole number of seconds ≥ 1, got 0.5s'],
  ])('fails when %s', (_, analysis, pause, message) => {
    const r = reviews();
    expect(validationErrorOf(() => canary(r, analysis, pause)).message).toBe(`${message} (at test/canary)`);
  });

  test('fails at synth when the service is not observed: the queries need its revision label', () => {
    const r = reviews({ monitoring: false });
    canary(r, { maxErrorPercentAboveStable: 1 });
    expect(synthProblems(r.chart)).toEqual([
      "[test/canary] steps[0].analysis compares the canary's golden signals with the stable revision's in Prometheus, but service reviews is not observed, " +
        'so no series carries its revision; observe it: monitoring.observe(reviews) with a Monitoring in the app',
    ]);
  });

  test('fails at synth when the window is shorter than two scrape intervals', () => {
    const r = reviews({ monitoring: { scrapeIntervalSeconds: 30 } });
    canary(r, { maxErrorPercentAboveStable: 1, window: Duration.seconds(45) });
    expect(synthProblems(r.chart)).toEqual([
      '[test/canary] steps[0].analysis.window (45s) is shorter than two scrape intervals of service reviews (30s each), ' +
        'so a range could hold fewer than two samples and rate() would have nothing; use at least Duration.seconds(60)',
    ]);
  });

  describe('wrong JavaScript values', () => {
    test.each([
      ['a misspelled margin', { maxErrorRateIncrease: 0.01 }, 'steps[0].analysis.maxErrorRateIncrease', 'is not a known prop', /the known props are maxErrorPercentAboveStable, /],
      ['a margin given as a string', { maxErrorPercentAboveStable: '1%' }, 'steps[0].analysis.maxErrorPercentAboveStable', "got '1%'", /number/],
      ['an interval given as seconds', { maxErrorPercentAboveStable: 1, interval: 30 }, 'steps[0].analysis.interval', 'got 30', /Duration\.seconds\(30\)/],
    ])('%s', (_, analysis, prop, shown, fix) => {
      const r = reviews();
      expectRefusal(() => canary(r, analysis as never), { path: 'test/canary', prop, shown, fix });
    });
  });
});

describe('the stages deploy walks', () => {
  test('carry each step\'s analysis once, for the stage whose pause it runs in', () => {
    const r = reviews();
    new CanaryRelease(r.chart, 'canary', {
      routes: r.routes, stable: r.blue, canary: r.green, canaryPercent: 100,
      steps: [{ percent: 10, pause: Duration.minutes(1) }, { percent: 50, pause: Duration.minutes(5), analysis: { maxErrorPercentAboveStable: 2 } }],
    });
    const pointers = synthObjects(r.chart).filter((o) => o.kind === 'VirtualService');
    expect(pointers.map(carriesAnalysis)).toEqual([true]);
    const stages = canaryStages(pointers, new Map());
    expect(stages.map((s) => [s.percents, s.analyses.map((a) => a.maxErrorPercentAboveStable)])).toEqual([[[10], []], [[50], [2]]]);
  });
});
