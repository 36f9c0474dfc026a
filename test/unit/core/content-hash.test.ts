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
