import { Duration } from 'cdk8s';
import fc from 'fast-check';
import { CanaryAnalysis, CanaryRelease, Manifest, Mesh, MeshProvider, Microservice, Monitoring, ServiceRoutes } from '../../lib';
import { CanaryStepsAnnotation } from '../../lib/core/canary-steps';
import { newChart } from '../fixtures';
import { checkConstructProperty, ScenarioBuild } from './harness/check-property';
import { checkDeterministic } from './harness/deterministic';
import { digest, gen, optionalGen, withDefect } from './workload-generators';

/** Generated analysed canary steps: for properties 1-3, and built twice for determinism. */
const NUM_RUNS = { valid: 300, deterministic: 60 };
/** Percent of analyses with one invalid prop. */
const DEFECT_PERCENT = 25;

/** An analysis as generated: durations as seconds, made `Duration`s by the build. */
interface GeneratedAnalysis extends Omit<CanaryAnalysis, 'interval' | 'window'> {
  readonly intervalSeconds?: number;
  readonly windowSeconds?: number;
}

interface AnalysisScenario {
  readonly provider: 'istio' | 'linkerd';
  /** The Monitoring's scrape interval; `undefined`: the service is not observed. */
  readonly scrapeIntervalSeconds: number | undefined;
  /** The step's pause; `undefined`: none. */
  readonly pauseSeconds: number | undefined;
  readonly analysis: GeneratedAnalysis;
}

const analysis = withDefect<GeneratedAnalysis>(
  {
    maxErrorPercentAboveStable: gen(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(-0.5, 100.5, NaN)),
    maxLatencyMsAboveStable: optionalGen(gen(fc.integer({ min: 0, max: 2000 }), fc.constantFrom(-1, Infinity))),
    latencyPercentile: optionalGen(gen(fc.constantFrom(50, 90, 95, 99, 99.9), fc.constantFrom(0, 100, 150))),
    minRequests: optionalGen(gen(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0, 2.5, -3))),
    intervalSeconds: optionalGen(gen(fc.integer({ min: 1, max: 120 }), fc.constantFrom(0.5, 1.25))),
    windowSeconds: optionalGen(gen(fc.integer({ min: 1, max: 900 }), fc.constantFrom(0.25, 2.5))),
  },
  DEFECT_PERCENT,
);

const scenario: fc.Arbitrary<AnalysisScenario> = fc.record({
  provider: fc.constantFrom('istio' as const, 'linkerd' as const),
  scrapeIntervalSeconds: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 60 }), weight: 12 }, { arbitrary: fc.constant(undefined), weight: 1 }),
  pauseSeconds: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 900 }), weight: 12 }, { arbitrary: fc.constant(undefined), weight: 1 }),
  analysis,
});

const build: ScenarioBuild<AnalysisScenario> = (s, b) => {
  const chart = newChart();
  const mesh = b.step('test/mesh', () => new Mesh(chart, 'mesh', { provider: s.provider === 'istio' ? MeshProvider.istio() : MeshProvider.linkerd() }));
  const reviews = b.step('test/reviews', () =>
    new Microservice(chart, 'reviews', { image: digest('a'), ports: [{ port: 80, containerPort: 8080 }], mesh, track: 'blue', networkPolicy: false }),
  );
  const green = b.step('test/reviews', () => reviews.addRevision('green', { image: digest('b') }));
  const routes = b.step('test/routes', () => new ServiceRoutes(chart, 'routes', { service: reviews }));
  if (s.scrapeIntervalSeconds !== undefined) {
    b.step('test/monitoring', () => new Monitoring(chart, 'monitoring', { scrapeIntervalSeconds: s.scrapeIntervalSeconds }).observe(reviews));
  }
  const { intervalSeconds, windowSeconds, ...rest } = s.analysis;
  const props: CanaryAnalysis = {
    ...rest,
    ...(intervalSeconds === undefined ? {} : { interval: Duration.millis(intervalSeconds * 1000) }),
    ...(windowSeconds === undefined ? {} : { window: Duration.millis(windowSeconds * 1000) }),
  };
  const pause = s.pauseSeconds === undefined ? {} : { pause: Duration.seconds(s.pauseSeconds) };
  const step = { percent: 10, ...pause, analysis: props };
  b.step(['test/canary', 'test/routes'], () =>
    new CanaryRelease(chart, 'canary', { routes, stable: reviews.revisions[0], canary: green, canaryPercent: 100, steps: [step] }));
  return chart;
};

/** The pointers carry the analysis with the queries of both revisions over its window, within the pause and the scrape interval's bounds. */
function checkAnnotation(s: AnalysisScenario, objects: readonly Manifest[]): void {
  const pointer = objects.find((o) => o.kind === (s.provider === 'istio' ? 'VirtualService' : 'HTTPRoute'))!;
  const steps = (JSON.parse((pointer.metadata.annotations as Record<string, string>)['immutable-infra.dev/canary-steps']) as CanaryStepsAnnotation).steps;
  const spec = steps[0].analysis!;
  const revisions = objects.filter((o) => o.kind === 'Deployment').map((o) => (o.metadata.labels as Record<string, string>)['immutable-infra.dev/revision']);
  expect(spec.windowSeconds).toBeGreaterThanOrEqual(2 * s.scrapeIntervalSeconds!);
  expect(spec.intervalSeconds).toBeLessThanOrEqual(s.pauseSeconds!);
  expect(spec.maxErrorPercentAboveStable).toBe(s.analysis.maxErrorPercentAboveStable);
  for (const [queries, revision] of [[spec.stable, revisions[0]], [spec.canary, revisions[1]]] as const) {
    for (const query of Object.values(queries)) {
      expect(query).toContain(`revision="${revision}"}[${spec.windowSeconds}s]`);
    }
    expect(queries.latencySeconds !== undefined).toBe(s.analysis.maxLatencyMsAboveStable !== undefined);
  }
}

describe('Canary analyses under generated props, on Istio and Linkerd', () => {
  test('the queries and thresholds on the pointers, or a ValidationError naming the canary; nothing else escapes', () => {
    const tally = checkConstructProperty(scenario, build, { numRuns: NUM_RUNS.valid, seed: 1616, check: checkAnnotation });
    tally.expectBothWays();
    tally.expectRefusals(
      /runs during the step's pause, and the step has none/,
      /maxErrorPercentAboveStable must be 0-100/,
      /maxErrorPercentAboveStable must be a finite number/,
      /maxLatencyMsAboveStable must be a number of milliseconds/,
      /latencyPercentile compares nothing without maxLatencyMsAboveStable/,
      /latencyPercentile must be above 0 and below 100/,
      /minRequests must be a whole number/,
      /interval must be a whole number of seconds/,
      /window must be a whole number of seconds/,
      /is longer than the step's pause/,
      /is not observed/,
      /is shorter than two scrape intervals/,
    );
  });

  test('the same analysis synthesizes byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenario, build, { numRuns: NUM_RUNS.deterministic, seed: 1617 });
  });
});
