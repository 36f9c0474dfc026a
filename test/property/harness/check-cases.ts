import { Chart } from 'cdk8s';
import fc from 'fast-check';
import { Manifest, SynthValidationError } from '../../../lib';
import { Case } from '../planted-defects';
import { checkConstructProperty } from './check-property';
import { Outcome } from './outcome';
import { RunOptions } from './run-options';
import { Tally } from './tally';

/** What {@link checkCases} checks each case against. */
export interface CaseOptions<T> extends RunOptions {
  /** The construct paths given generated props, in the order they are built. */
  readonly owners: readonly string[];
  /**
   * Whether the generator's model of validity is complete: a case without a
   * planted defect must then be accepted, not only the other way round.
   * @default false
   */
  readonly exact?: boolean;
  /**
   * Further checks of an accepted case's objects.
   * @default - none
   */
  readonly check?: (value: T, objects: readonly Manifest[]) => void;
  /**
   * Features of an accepted case, counted for {@link Tally.expectFeatures}.
   * @default - none
   */
  readonly features?: (value: T) => readonly string[];
}

/**
 * Checks the properties of {@link checkConstructProperty} over cases with
 * planted defects, and what the defects say besides:
 * - a refusal names the construct given the first defect (or one built
 *   before it: a combination), any owner when the case has none or for
 *   problems found at synth;
 * - a case with a planted defect is refused; with `exact`, one without is
 *   accepted;
 * - every defect has one of `owners`.
 *
 * @returns how often each path was taken
 */
export function checkCases<T>(cases: fc.Arbitrary<Case<T>>, build: (value: T) => Chart | readonly Chart[], options: CaseOptions<T>): Tally {
  const { owners, check, features } = options;
  return checkConstructProperty(cases, (c) => build(c.value), {
    numRuns: options.numRuns,
    seed: options.seed,
    verdict: (c, outcome) => expectVerdict(c, outcome, options),
    refusalPaths: (c, refused) => {
      const firstDefective = owners.findIndex((o) => c.defects.some((d) => d.owner === o));
      return refused.error instanceof SynthValidationError || firstDefective < 0 ? owners : owners.slice(0, firstDefective + 1);
    },
    check: check && ((c, objects) => check(c.value, objects)),
    features: features && ((c) => features(c.value)),
  });
}

/** Expects the outcome the planted defects call for. (expect() only where a check fails: it costs more than the checks.) */
function expectVerdict<T>(c: Case<T>, outcome: Outcome, options: CaseOptions<T>): void {
  const strays = c.defects.filter((d) => !options.owners.includes(d.owner));
  if (strays.length > 0) {
    expect({ defectsOfUnknownOwners: strays }).toEqual({ defectsOfUnknownOwners: [] });
  }
  if (outcome.accepted) {
    if (c.defects.length > 0) {
      expect({ acceptedDespite: c.defects }).toEqual({ acceptedDespite: [] });
    }
  } else if (c.defects.length === 0) {
    if (process.env.PROPERTY_TALLY !== undefined) {
      console.log(outcome.error.message, JSON.stringify(c.value).slice(0, 1500));
    }
    if (options.exact) {
      expect({ refusedWithoutDefect: outcome.error.message }).toEqual({ refusedWithoutDefect: undefined });
    }
  }
}
