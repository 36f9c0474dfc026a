import fc from 'fast-check';
import { ImmutableConfigMap, ImmutableSecret } from '../../lib';
import { newChart } from '../fixtures';
import { mostly } from './generators';
import { checkConstructProperty, ScenarioBuild } from './harness/check-property';
import { checkDeterministic } from './harness/deterministic';
import { labelKey, labelValue, optional, SECRET_NUMBER } from './workload-generators';

/** Generated cases of ImmutableConfigMap and ImmutableSecret: for properties 1-3, and built twice for determinism. */
const NUM_RUNS = { valid: 1500, deterministic: 400 };

const namePrefix = mostly(
  fc.oneof(
    fc.constantFrom('settings', 'orders-settings', 'a', '0'),
    fc.stringMatching(/^[a-z0-9][-a-z0-9]{0,70}[a-z0-9]$/),
  ),
  fc.constantFrom('', 'Settings', '-lead', 'trail-', 'a_b', 'app.config', 'über'),
);
// names of JavaScript object members too: 'toString' is a fine key, 'constructor' and '__proto__' cannot be rendered
const dataKey = mostly(fc.oneof(fc.stringMatching(/^[-._a-zA-Z0-9]{1,24}$/), fc.constant('toString')), fc.constantFrom('a b', '', 'k/x', 'ключ', 'x'.repeat(254), 'constructor', '__proto__'));
/** Stands for a value of 1 MiB, made when the scenario is built (so a counterexample prints short). */
const HUGE = '<1 MiB of x>';
/** Stands for a number where a string goes: in a Secret, secret data no refusal may show. */
const A_NUMBER = '<a number>';
/** Stands for `undefined`, as an unset process.env variable gives. */
const UNSET = '<undefined>';
const dataValue = mostly(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom(HUGE, HUGE, A_NUMBER, UNSET));
const expand = (data: Readonly<Record<string, string>>, kind: 'ConfigMap' | 'Secret' = 'ConfigMap'): Record<string, string> =>
  Object.fromEntries(Object.entries(data).map(([k, v]): [string, unknown] => {
    switch (v) {
      case HUGE:
        return [k, 'x'.repeat(1024 * 1024)];
      case A_NUMBER:
        return [k, kind === 'Secret' ? SECRET_NUMBER : 8080];
      case UNSET:
        return [k, undefined];
      default:
        return [k, v];
    }
  })) as Record<string, string>;
const labels = fc.dictionary(mostly(labelKey.valid, labelKey.invalid!), mostly(labelValue.valid, labelValue.invalid!), { maxKeys: 3 });
const object = fc.record(
  {
    kind: fc.constantFrom('ConfigMap' as const, 'Secret' as const),
    namePrefix,
    // a common small content now and then, so that two objects can make the same name
    data: fc.oneof(fc.dictionary(dataKey, dataValue, { maxKeys: 4 }), fc.constant({ LOG_LEVEL: 'info' })),
    labels: optional(labels),
  },
);
/** One to three objects in one chart: same kind and content twice is one name claimed twice. */
const scenario = fc.array(object, { minLength: 1, maxLength: 3 });

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

const build: ScenarioBuild<Scenario> = (objects, b) => {
  const chart = newChart();
  objects.forEach((o, i) => {
    b.step(`test/object${i}`, () => o.kind === 'ConfigMap'
      ? new ImmutableConfigMap(chart, `object${i}`, { namePrefix: o.namePrefix, data: expand(o.data), labels: o.labels })
      : new ImmutableSecret(chart, `object${i}`, { namePrefix: o.namePrefix, stringData: expand(o.data, 'Secret'), labels: o.labels }));
  });
  return chart;
};

describe('ImmutableConfigMap and ImmutableSecret under generated props', () => {
  test('schema-valid, content-named, immutable objects or a ValidationError naming the construct; nothing else escapes', () => {
    const tally = checkConstructProperty(scenario, build, {
      numRuns: NUM_RUNS.valid,
      seed: 7071,
      check: (objects, manifests) => {
        expect(manifests.map((m) => m.kind)).toEqual(objects.map((o) => o.kind));
        manifests.forEach((manifest, i) => {
          const input = objects[i];
          expect(manifest.immutable).toBe(true);
          expect(manifest.metadata.name).toMatch(/-[0-9a-f]{10}$/);
          expect(input.namePrefix.startsWith(manifest.metadata.name!.replace(/-[0-9a-f]{10}$/, ''))).toBe(true);
          const data = (manifest.data ?? {}) as Record<string, string>;
          const decoded = input.kind === 'Secret'
            ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))
            : data;
          expect(decoded).toEqual(expand(input.data));
        });
      },
    });
    tally.expectBothWays();
    tally.expectRefusals(
      /^namePrefix must be/,
      /key '.*' is invalid/,
      /key '(constructor|__proto__)' cannot be written/,
      /above the 1 MiB limit/,
      /^labels: label key/,
      /^labels: label '.*' has value/,
      /is already used by/,
    );
  });

  test('the same props synthesize byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenario, build, { numRuns: NUM_RUNS.deterministic, seed: 7072 });
  });
});
