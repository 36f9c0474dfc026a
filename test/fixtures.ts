import { App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../lib';

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

/** The construct path a ValidationError should name. */
export function pathOf(scope: IConstruct): string {
  return scope.node.path;
}
