import * as fc from 'fast-check';
import { canonicalJson, contentHash, HASH_LENGTH } from '../../../lib/internal';

describe('canonicalJson', () => {
  test('sorts keys at every depth and drops undefined members', () => {
    const json = canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } });
    expect(json).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
  });

  test('keeps array order, which is meaningful', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });
});

describe('contentHash', () => {
  test('is the same for the same content in any key order', () => {
    expect(contentHash({ a: 1, b: { c: 'x', d: 'y' } })).toBe(contentHash({ b: { d: 'y', c: 'x' }, a: 1 }));
  });

  test('is short lower-case hex', () => {
    expect(contentHash('anything')).toMatch(new RegExp(`^[0-9a-f]{${HASH_LENGTH}}$`));
  });

  test('changes when one byte changes', () => {
    expect(contentHash({ LOG_LEVEL: 'info' })).not.toBe(contentHash({ LOG_LEVEL: 'infO' }));
  });

  test('is a pure function of its input (known vector)', () => {
    // sha256('{"a":1}') = 015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862
    expect(contentHash({ a: 1 })).toBe('015abd7f5c');
  });
});

describe('canonicalJson matches JSON.stringify on plain data', () => {
  test.each([
    [{ b: [1, 'x', null, true, { d: 1.5, c: 'é"\\n' }], a: {} }],
    [[undefined, 1]],
    ['plain'],
    [null],
    [{ nested: { date: new Date(0) } }],
  ])('%j', (value) => {
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });
});

/** The canonical JSON by its definition, written part by part (the reference canonicalJson must match byte for byte). */
function referenceCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return referenceCanonicalJson((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    return `[${Array.from({ length: value.length }, (_, i) => (i in value ? referenceCanonicalJson(value[i]) : '')).join(',')}]`;
  }
  const members = Object.keys(value).sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined && typeof (value as Record<string, unknown>)[key] !== 'function')
    .map((key) => `${JSON.stringify(key)}:${referenceCanonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}

describe('canonicalJson is the canonical JSON of any value, byte for byte', () => {
  test.each([
    ['keys that look like array indices, which an object would list first', { b: 1, 10: 'x', 9: 'y', a: { 2: true, '-1': null } }],
    ['a __proto__ key', JSON.parse('{"__proto__":{"x":1},"a":2}')],
    ['array holes, written empty', [1, , 3]],
    ['symbols, as members and items', { s: Symbol('x'), list: [Symbol('y'), 1] }],
    ['a toJSON() returning undefined or a function', { a: { toJSON: () => undefined }, b: { toJSON: () => () => 1 }, c: [{ toJSON: () => undefined }] }],
    ['functions and undefined, as members, items and the value', { f: () => 1, u: undefined, list: [() => 1, undefined] }],
    ['a function', () => 1],
    ['undefined', undefined],
    ['dates and class instances', { when: new Date(0), at: new (class At { constructor(public readonly x = 1, public readonly y = [2]) {} })() }],
    ['boxed primitives', { n: Object(1), s: Object('ab'), b: Object(true) }],
    ['numbers JSON has no literal for', [NaN, Infinity, -0, 1e21]],
  ])('%s', (_, value) => {
    expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
  });

  test('on generated values', () => {
    const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('0', '10', '9', '__proto__', 'a', 'é', 'toJSON'));
    const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(Symbol.for('s')));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
      list: fc.array(tie('value'), { maxLength: 4 }),
      map: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    }));
    fc.assert(fc.property(value, (v) => canonicalJson(v) === referenceCanonicalJson(v)), { numRuns: 2000 });
  });
});
