import { IConstruct } from 'constructs';
import { ValidationError } from './validation-error';

/** One problem a construct's validation reported at synth. */
export interface SynthProblem {
  /** The construct that reported it. */
  readonly construct: IConstruct;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/**
 * The problems found between constructs at synth (a route to a revision that
 * is not live, two objects with one name, …), all of them at once. Its path
 * is the first problem's construct; `problems` has every one. The message
 * names each problem's construct path once, on its line, and has no
 * `(at …)` suffix.
 */
export class SynthValidationError extends ValidationError {
  /** Every problem, in construct-tree order. */
  public readonly problems: readonly SynthProblem[];

  constructor(problems: readonly SynthProblem[]) {
    const lines = problems.map((p) => `  [${p.construct.node.path}] ${p.message}`);
    const listing = `synthesis found ${problems.length} problem(s):\n${lines.join('\n')}\n`;
    super(listing, problems[0].construct);
    this.message = listing;
    this.name = 'SynthValidationError';
    this.problems = problems;
  }
}
