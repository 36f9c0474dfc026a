import { App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SynthValidationError, ValidationError } from '../lib';
import { synthObjects } from '../lib/testing';

/** A well-formed digest image reference; `seed` varies the digest. */
export function digestImage(repository = 'ghcr.io/acme/app', seed = 'a'): string {
  return `${repository}@sha256:${seed.repeat(64)}`;
}

/** A fresh chart in its own app, namespace 'test'. */
export function newChart(id = 'test'): Chart {
  return new Chart(new App(), id, { namespace: 'test' });
}

/**
 * Runs `build` and returns the ValidationError it throws; fails the test if it
 * throws anything else or nothing.
 */
export function validationErrorOf(build: () => unknown): ValidationError {
  try {
    build();
  } catch (error) {
    if (error instanceof ValidationError) {
      return error;
    }
    throw new Error(`expected a ValidationError, got ${String(error)}`);
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

/** What the refusal of a bad prop must say. */
export interface ExpectedRefusal {
  /** The construct path the error must name. */
  readonly path: string;
  /** What the message must start with: the prop path. */
  readonly prop: string;
  /** The value as the message must show it. */
  readonly shown: string;
  /** The fix the message must give. */
  readonly fix: RegExp;
  /**
   * Secret data that must not appear in the message.
   * @default - none to look for
   */
  readonly secret?: string;
}

/** Expects `build` to throw a ValidationError at the path, naming the prop, showing the value, giving the fix and never the secret. */
export function expectRefusal(build: () => unknown, expected: ExpectedRefusal): void {
  const error = validationErrorOf(build);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error.path).toBe(expected.path);
  expect(error.message.endsWith(`(at ${expected.path})`)).toBe(true);
  expect(error.detail.startsWith(`${expected.prop} `)).toBe(true);
  expect(error.detail).toContain(expected.shown);
  expect(error.detail).toMatch(expected.fix);
  if (expected.secret !== undefined) {
    expect(error.message).not.toContain(expected.secret);
  }
}

/** The construct path a ValidationError should name. */
export function pathOf(scope: IConstruct): string {
  return scope.node.path;
}

/**
 * What a synth of `chart` reports, one `[construct path] message` per
 * problem; fails the test if the synth succeeds or throws anything but a
 * SynthValidationError.
 */
export function synthProblems(chart: Chart): string[] {
  const error = validationErrorOf(() => synthObjects(chart));
  expect(error).toBeInstanceOf(SynthValidationError);
  return (error as SynthValidationError).problems.map((p) => `[${p.construct.node.path}] ${p.message}`);
}

/** The messages of the problems a synth of `chart` reports, `[]` when it synthesizes. */
export function synthProblemMessages(chart: Chart): string[] {
  try {
    synthObjects(chart);
    return [];
  } catch (error) {
    if (error instanceof SynthValidationError) {
      return error.problems.map((p) => p.message);
    }
    throw error;
  }
}
