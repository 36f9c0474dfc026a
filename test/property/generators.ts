import fc from 'fast-check';
import { Manifest, schemaErrors } from '../../lib';

/** Mostly valid values, sometimes invalid ones, so both paths are exercised. */
export function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 10 }, { arbitrary: invalid, weight: 1 });
}

/** Expects every object to pass its schema; a failure names the object and the problem. */
export function expectSchemaValid(objects: readonly Manifest[]): void {
  for (const object of objects) {
    const name = `${object.kind}/${object.metadata.name}`;
    expect({ object: name, problem: schemaErrors(object) }).toEqual({ object: name, problem: undefined });
  }
}
