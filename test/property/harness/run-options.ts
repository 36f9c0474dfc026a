/** How many cases a property generates, and from which seed. */
export interface RunOptions {
  /** Generated cases per run of the default test suite. */
  readonly numRuns: number;
  /** The fixed seed, so that a run is reproducible. */
  readonly seed: number;
}

/**
 * The fast-check parameters of a run: the file's fixed numbers, so that a run
 * is reproducible; `PROPERTY_RUNS` (a factor, e.g. 10) and `PROPERTY_SEED`
 * (added to the seed) in the environment explore further, e.g.
 * `PROPERTY_RUNS=10 PROPERTY_SEED=7 npx jest test/property/traffic.property.test.ts`.
 */
export function runParameters(options: RunOptions): RunOptions {
  const factor = Number(process.env.PROPERTY_RUNS ?? 1);
  const offset = process.env.PROPERTY_SEED;
  return {
    numRuns: Math.round(options.numRuns * (factor > 0 ? factor : 1)),
    seed: offset === undefined ? options.seed : options.seed + Number(offset),
  };
}
