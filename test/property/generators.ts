import fc from 'fast-check';

/** Mostly valid values, sometimes invalid ones, so both paths are exercised. */
export function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 10 }, { arbitrary: invalid, weight: 1 });
}
