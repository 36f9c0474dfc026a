/** Exit codes of `immutable-infra` (documented in its `--help`). */
export const ExitCode = {
  /** Done; for `plan`, no guard violation. */
  OK: 0,
  /** A guard violation, a failed deploy, or an error while running (unreadable, empty or unusable dist, unusable kubeconfig, a cluster that cannot be reached, refuses a read or does not answer in time, an output file that cannot be written, an unexpected error). */
  FAILED: 1,
  /** The command line is wrong: unknown command or flag, missing or extra arguments, a bad or empty value, a graph output extension it cannot write, an init folder that is not empty. */
  USAGE: 2,
} as const;

/** A wrong command line (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
