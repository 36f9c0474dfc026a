import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';

/** A backend's weight in a route, after validation. */
export interface Weighted<T> {
  readonly target: T;
  readonly weight: number;
}

/**
 * Percentages (whole numbers summing to exactly 100) for proportional
 * weights, by the largest-remainder method; ties go to the earlier backend,
 * so the result is deterministic. Istio and Knative need percentages.
 *
 * @throws ValidationError when a non-zero weight would round to 0%
 */
export function toPercentages<T>(
  backends: readonly Weighted<T>[],
  nameOf: (target: T) => string,
  what: string,
  scope: IConstruct,
): Weighted<T>[] {
  const problem = percentageProblem(backends, nameOf, what);
  if (problem !== undefined) {
    throw new ValidationError(problem, scope);
  }
  return roundedPercentages(backends);
}

/** Why the weights have no percentages (a non-zero weight would round to 0%), or `undefined` when they have. */
export function percentageProblem<T>(backends: readonly Weighted<T>[], nameOf: (target: T) => string, what: string): string | undefined {
  const total = backends.reduce((sum, b) => sum + b.weight, 0);
  const lost = roundedPercentages(backends).findIndex((rounded, index) => backends[index].weight > 0 && rounded.weight === 0);
  if (lost === -1) {
    return undefined;
  }
  const { target, weight } = backends[lost];
  return `${what}: weight ${weight} of '${nameOf(target)}' is below 1% of the total ${total} and would round to 0%; raise it or set it to 0`;
}

/** The largest-remainder percentages of the weights, a small non-zero weight possibly at 0. */
function roundedPercentages<T>(backends: readonly Weighted<T>[]): Weighted<T>[] {
  const total = backends.reduce((sum, b) => sum + b.weight, 0);
  const exact = backends.map((b) => (b.weight * 100) / total);
  const floors = exact.map(Math.floor);
  let missing = 100 - floors.reduce((sum, f) => sum + f, 0);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - floors[index] }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (missing === 0) {
      break;
    }
    floors[index] += 1;
    missing -= 1;
  }
  return backends.map((b, index) => ({ target: b.target, weight: floors[index] }));
}

/**
 * @throws ValidationError unless every weight is a whole number 0-1,000,000 and one is above 0
 */
export function assertWeights<T>(
  backends: readonly Weighted<T>[],
  nameOf: (target: T) => string,
  what: string,
  scope: IConstruct,
): void {
  for (const b of backends) {
    if (!Number.isInteger(b.weight) || b.weight < 0 || b.weight > 1_000_000) {
      throw new ValidationError(`${what}: weight of '${nameOf(b.target)}' must be a whole number 0-1000000, got ${b.weight}`, scope);
    }
  }
  if (backends.every((b) => b.weight === 0)) {
    throw new ValidationError(`${what}: every backend has weight 0, so the route would drop all requests; give one a weight above 0`, scope);
  }
}
