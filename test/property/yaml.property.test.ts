import fc from 'fast-check';
import { parse } from 'yaml';
import { toYaml } from '../../lib/internal';

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('yes', 'No', 'ON', 'off', 'y', 'null', '~', '', ' ', '1:20', '0x1F', '0o17', '017', '.inf', '-.NaN', '1e3', '+1', '- a', 'a: b', 'a #b', '#c', '@x', '`x', '!tag', '&a', '*a', '|', '>', '%x', '=', '<<', '?', '"q"', "'s'"),
  fc.constantFrom('line\n', 'a\nb', 'a\n\n', '\nlead', ' lead\nx', 'trail \nx', 'tab\there\n', 'a\r\nb', 'end\n\n\n', 'x\u2028y', 'bom\ufeff', 'del\u007f'),
);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** JSON equality, so that -0 and 0 compare equal as they do after serialization. */
const same = (a: unknown, b: unknown) => expect(JSON.stringify(b)).toBe(JSON.stringify(a));

describe('toYaml', () => {
  test('every document reads back as the same data with a YAML 1.2 and a YAML 1.1 parser', () => {
    fc.assert(
      fc.property(fc.array(json, { minLength: 1, maxLength: 3 }), (documents) => {
        const parts = toYaml(documents).split(/^---\n/m);
        expect(parts).toHaveLength(documents.length);
        parts.forEach((part, i) => {
          same(documents[i], parse(part));
          same(documents[i], parse(part, { version: '1.1' }));
        });
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  test('keys beyond those the writer remembers are written the same way', () => {
    const keys = Array.from({ length: 6000 }, (_, i) => (i % 3 === 0 ? `key-${i}` : i % 3 === 1 ? `k ${i}: x` : 'yes'));
    const document = Object.fromEntries(keys.map((key, i) => [key, { [key]: i }]));
    const first = toYaml([document]);
    expect(toYaml([document])).toBe(first);
    same(document, parse(first));
    same(document, parse(first, { version: '1.1' }));
    expect(first).toContain('\n"k 5998: x":\n  "k 5998: x": 5998\n');
  });

  test('writes manifests the way cdk8s synth lays them out', () => {
    const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: {} }, data: { 'app.conf': 'x = 1\n', LEVEL: 'info' } };
    const document = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a', '  labels: {}', 'data:', '  app.conf: |', '    x = 1', '  LEVEL: info', ''].join('\n');
    expect(toYaml([manifest, manifest])).toBe(`${document}---\n${document}`);
  });
});
