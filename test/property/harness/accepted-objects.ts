import { Manifest } from '../../../lib';
import { schemaErrors } from '../../../lib/internal';
import { apiServerProblems } from './api-server';

/** Objects (as JSON) that passed: many recur from case to case, and checking them is the slow part of a case. */
const PASSED = new Set<string>();
/** How many passed objects {@link PASSED} holds at most, to bound its memory. */
const PASSED_MAX = 20_000;

/**
 * Expects every object of an accepted scenario to pass its schema (Linkerd's
 * CRDs included) and what the API server checks besides
 * ({@link apiServerProblems}: DNS-safe names, labels, config data, pod
 * specs, …). Checked without a jest matcher per object, which would cost
 * more than the checks; a failure is reported with the matchers.
 */
export function expectAcceptable(objects: readonly Manifest[]): void {
  const failing = objects.filter((object) => {
    const json = JSON.stringify(object);
    if (PASSED.has(json)) {
      return false;
    }
    const passes = schemaErrors(object) === undefined && apiServerProblems(object).length === 0;
    if (passes && PASSED.size < PASSED_MAX) {
      PASSED.add(json);
    }
    return !passes;
  });
  for (const object of failing) {
    const id = `${object.kind}/${object.metadata.name}`;
    const found = { object: id, schema: schemaErrors(object), apiServer: apiServerProblems(object) };
    expect(found).toEqual({ object: id, schema: undefined, apiServer: [] });
  }
}
