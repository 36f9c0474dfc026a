import { Duration } from 'cdk8s';
import fc from 'fast-check';
import { Broker, FunctionProtocol, FunctionVisibility, PingSource, ServerlessFunction, ValidationError } from '../../lib';
import { synthObjects, synthYaml } from '../../lib/testing';
import { digestImage, newChart } from '../fixtures';
import { expectSchemaValid, mostly } from './generators';

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const scaling = fc.record({
  minScale: optional(mostly(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 2.5))),
  maxScale: optional(mostly(fc.integer({ min: 1, max: 50 }), fc.constantFrom(0, -3))),
  targetConcurrency: optional(mostly(fc.constantFrom(1, 10, 0.5, 100), fc.constantFrom(0, 0.001, -2))),
  targetRequestsPerSecond: optional(mostly(fc.constantFrom(50, 200), fc.constant(-1))),
  containerConcurrency: optional(mostly(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(-1, 1.5, 1001))),
  scaleDownDelay: optional(mostly(fc.integer({ min: 1, max: 3600 }).map((s) => Duration.seconds(s)), fc.constant(Duration.millis(1500)))),
}, { requiredKeys: [] });
const percent = mostly(fc.integer({ min: 0, max: 100 }), fc.constantFrom(-5, 12.5, 120));
const tag = optional(mostly(fc.constantFrom('stable', 'canary', 'preview', 'v2'), fc.constantFrom('Canary', '', 'x'.repeat(60))));
const scenario = fc.record({
  image: mostly(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('bad')),
  port: mostly(fc.constantFrom(8080, 3000, 9000), fc.constantFrom(8012, 0, 70000)),
  protocol: fc.constantFrom(FunctionProtocol.HTTP1, FunctionProtocol.H2C),
  visibility: fc.constantFrom(FunctionVisibility.CLUSTER_LOCAL, FunctionVisibility.PUBLIC),
  timeoutSeconds: optional(mostly(fc.integer({ min: 1, max: 600 }), fc.constantFrom(0, 601))),
  scaling,
  canary: fc.boolean(),
  split: optional(fc.tuple(percent, tag, percent, tag)),
  filterName: mostly(fc.constantFrom('type', 'source', 'subject', 'myext1'), fc.constantFrom('', 'Type', 'my-ext')),
  schedule: mostly(fc.constantFrom('*/5 * * * *', '0 3 * * *', '30 2 * * mon-fri', '@daily'), fc.constantFrom('61 * * * *', '* * *', '@every 5m')),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

/** Builds the function and its event wiring: the chart, or the ValidationError it was refused with. */
function build(s: Scenario) {
  const chart = newChart();
  try {
    const fn = new ServerlessFunction(chart, 'fn', {
      image: s.image === 'bad' ? 'ghcr.io/acme/app:latest' : digestImage('ghcr.io/acme/app', s.image),
      port: s.port,
      protocol: s.protocol,
      visibility: s.visibility,
      timeout: s.timeoutSeconds === undefined ? undefined : Duration.seconds(s.timeoutSeconds),
      scaling: s.scaling,
    });
    if (s.canary) {
      const canary = fn.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'd') });
      if (s.split !== undefined) {
        fn.setTraffic([{ revision: fn.revisions[0], percent: s.split[0], tag: s.split[1] }, { revision: canary, percent: s.split[2], tag: s.split[3] }]);
      }
    }
    new Broker(chart, 'events').addTrigger('t', { filter: { [s.filterName]: 'x' }, subscriber: fn });
    new PingSource(chart, 'tick', { schedule: s.schedule, sink: fn });
    return { chart, objects: synthObjects(chart) };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { error };
    }
    throw error;
  }
}

describe('ServerlessFunction and its events under generated props', () => {
  test('accepted input gives schema-valid, deterministic objects; rejected input a ValidationError with the path; nothing else escapes', () => {
    let accepted = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const result = build(s);
        if (result.error) {
          expect(result.error.path.startsWith('test')).toBe(true);
          return;
        }
        accepted++;
        expectSchemaValid(result.objects);
        expect(synthYaml(build(s).chart!)).toBe(synthYaml(result.chart));
      }),
      { numRuns: 300, seed: 11 },
    );
    expect(accepted).toBeGreaterThan(20);
  });
});
