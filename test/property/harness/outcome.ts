import { Chart } from 'cdk8s';
import { Manifest, ValidationError } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { Build } from './build';

/** A scenario refused with a ValidationError. */
export interface Refused {
  readonly accepted: false;
  /** The refusal. */
  readonly error: ValidationError;
  /**
   * The construct paths the build's {@link Build} steps expect it to name:
   * the running step's when building, every step's at synth; none for a
   * build that runs no steps.
   */
  readonly expected: readonly string[];
}

/** What building and synthesizing one scenario gave: its objects as `synthObjects` gives them, or a refusal. */
export type Outcome =
  | {
      readonly accepted: true;
      /** Every chart's objects, in chart order. */
      readonly objects: readonly Manifest[];
      /** The objects of each chart. */
      readonly charts: readonly (readonly Manifest[])[];
    }
  | Refused;

/**
 * Builds a scenario in fresh charts and synthesizes each. Only a
 * ValidationError counts as a refusal; any other exception propagates (and
 * fails the property).
 */
export function outcomeOf(build: (b: Build) => Chart | readonly Chart[]): Outcome {
  const b = new Build();
  let built: readonly Chart[];
  try {
    const result = build(b);
    built = result instanceof Chart ? [result] : result;
  } catch (error) {
    if (error instanceof ValidationError) {
      return { accepted: false, error, expected: b.expected };
    }
    throw error;
  }
  try {
    const charts = built.map((chart) => synthObjects(chart));
    return { accepted: true, objects: charts.flat(), charts };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { accepted: false, error, expected: b.constructs };
    }
    throw error;
  }
}
