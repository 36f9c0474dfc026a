import { Chart } from 'cdk8s';
import fc from 'fast-check';
import { Manifest } from '../../../lib';
import { expectAcceptable } from './accepted-objects';
import { Build } from './build';
import { Outcome, outcomeOf, Refused } from './outcome';
import { expectWellFormedRefusal } from './refusal';
import { RunOptions, runParameters } from './run-options';
import { Tally } from './tally';

// The properties every construct must have under generated props, checked the
// same way for each (checkConstructProperty: 1-3, checkDeterministic: 4):
// 1. accepted input synthesizes objects that pass their schemas (Linkerd's
//    against its CRDs), the synth-time cross-resource checks, and what the
//    API server checks besides (expectAcceptable);
// 2. rejected input is a ValidationError naming the construct it was given
//    to (or, at synth, constructs the scenario made), with a message;
// 3. nothing else escapes (any other exception fails the property);
// 4. the same input gives byte-identical YAML (or the same refusal) when
//    built again in a fresh App.

/** Builds a scenario in fresh charts (one chart, or several of one App), running its construct calls as steps of `b`. */
export type ScenarioBuild<S> = (scenario: S, b: Build) => Chart | readonly Chart[];

/** Options of {@link checkConstructProperty}. */
export interface PropertyOptions<S> extends RunOptions {
  /**
   * Further checks of an accepted scenario's objects.
   * @default - none
   */
  readonly check?: (scenario: S, objects: readonly Manifest[]) => void;
  /**
   * Checks the outcome against what the generator knows of the scenario
   * (e.g. that a case with a planted defect was refused).
   * @default - either outcome may be right
   */
  readonly verdict?: (scenario: S, outcome: Outcome) => void;
  /**
   * The construct paths a refusal may name (or constructs below them).
   * @default - the build's steps: the running one's paths, at synth any step's
   */
  readonly refusalPaths?: (scenario: S, refused: Refused) => readonly string[];
  /**
   * Features of an accepted scenario, counted for {@link Tally.expectFeatures}.
   * @default - none
   */
  readonly features?: (scenario: S) => readonly string[];
}

/**
 * Checks properties 1-3 (see the top of this file) over generated
 * scenarios, and returns how often each path was taken.
 */
export function checkConstructProperty<S>(scenarios: fc.Arbitrary<S>, build: ScenarioBuild<S>, options: PropertyOptions<S>): Tally {
  const tally = new Tally();
  fc.assert(
    fc.property(scenarios, (scenario) => {
      const outcome = outcomeOf((b) => build(scenario, b));
      tally.record(outcome);
      options.verdict?.(scenario, outcome);
      if (outcome.accepted) {
        expectAcceptable(outcome.objects);
        options.check?.(scenario, outcome.objects);
        tally.see(options.features?.(scenario) ?? []);
      } else {
        expectWellFormedRefusal(outcome.error, options.refusalPaths?.(scenario, outcome) ?? outcome.expected);
      }
    }),
    runParameters(options),
  );
  return tally;
}
