import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { readWrittenYaml, toYaml } from '../../lib/internal';

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

/** What the `yaml` package reads from a stream: each document's data, or `undefined` when one has an error. */
const parsedDocuments = (text: string): unknown[] | undefined => {
  const documents = parseAllDocuments(text);
  return documents.some((d) => d.errors.length > 0) ? undefined : documents.map((d) => d.toJS());
};

const manifest = fc.dictionary(text, json, { minKeys: 1, maxKeys: 5 });

/** YAML's own characters, put into a stream by {@link edited}. */
const YAML_TEXT = [' ', '-', ':', ': ', '"', "'", '|', '|+', '\n', '\n  ', '#', '{', '[', '&a ', '*a', '!!str ', '0', 'a', '\\', '---\n', '...\n', '~'];

/** A stream, and it changed at one place: its character dropped, some YAML put before it, or its line repeated. */
const edited = (stream: string) =>
  fc.tuple(fc.nat(stream.length - 1), fc.constantFrom('drop', 'repeat line', ...YAML_TEXT)).map(([at, edit]) => {
    if (edit === 'drop') {
      return { before: stream, after: stream.slice(0, at) + stream.slice(at + 1) };
    }
    if (edit === 'repeat line') {
      const start = stream.lastIndexOf('\n', at - 1) + 1;
      const line = stream.slice(start, stream.indexOf('\n', at) + 1);
      return { before: stream, after: stream.slice(0, start) + line + stream.slice(start) };
    }
    return { before: stream, after: stream.slice(0, at) + edit + stream.slice(at) };
  });

describe('readWrittenYaml', () => {
  test('reads every stream of maps toYaml writes as the data it was written from, as yaml reads it', () => {
    fc.assert(
      fc.property(fc.array(manifest, { minLength: 1, maxLength: 3 }), (documents) => {
        const stream = toYaml(documents);
        const read = readWrittenYaml(stream);
        expect(read).toBeDefined();
        same(documents, read);
        same(parsedDocuments(stream), read);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  test('what it reads from any text is what yaml reads from it; anything else it leaves to yaml', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.array(manifest, { minLength: 1, maxLength: 2 }).chain((documents) => edited(toYaml(documents))), (stream) => {
        const documents = readWrittenYaml(stream.after);
        if (documents !== undefined) {
          same(parsedDocuments(stream.after), documents);
          if (stream.after !== stream.before) {
            read++;
          }
        }
      }),
      { numRuns: 4000, seed: 12 },
    );
    // the edits that change the stream and still leave one toYaml writes (a value changed, a line repeated in a list) are read, and checked
    expect(read).toBeGreaterThan(200);
  });

  test('leaves to yaml what toYaml does not write: comments, other quotes and layouts, aliases, empty or scalar documents', () => {
    const written = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
    expect(readWrittenYaml(written)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }]);
    for (const text of [
      '',
      '---\n' + written,
      written.replace('\n', ' # the API\n'),
      written.replace('v1', "'v1'"),
      written.replace('name: a', 'name: "a"'),
      written.replace('  name', '    name'),
      written.replace('metadata:\n  name: a', 'metadata: {name: a}'),
      written.replace('\n', '\r\n'),
      written.slice(0, -1),
      `${written}---\n`,
      `${written}---\n---\n${written}`,
      'a: &x b\nc: *x\n',
      'a: b\na: c\n',
      '__proto__:\n  polluted: true\n',
      'just a string\n',
      '- a\n',
    ]) {
      expect([text, readWrittenYaml(text)]).toEqual([text, undefined]);
    }
  });
});
