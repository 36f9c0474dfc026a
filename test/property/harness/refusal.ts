import { SynthValidationError, ValidationError } from '../../../lib';
import { SECRET_NUMBER, SECRET_TEXT } from '../workload-generators';

const under = (path: string, roots: readonly string[]) => roots.some((root) => path === root || path.startsWith(`${root}/`));

/**
 * Whether the message names the construct path once: at the end of a
 * refusal, at the start of each line of a synth refusal.
 */
function namesItsPath(error: ValidationError): boolean {
  if (error instanceof SynthValidationError) {
    return error.message === `synthesis found ${error.problems.length} problem(s):\n` +
      error.problems.map((p) => `  [${p.construct.node.path}] ${p.message}\n`).join('');
  }
  return error.message.endsWith(`(at ${error.path})`);
}

/**
 * Expects a refusal to say what is wrong, to name its construct path once,
 * to show no secret data the generators planted, and to name one of `paths`
 * or a construct below one; at synth, every problem it lists.
 */
export function expectWellFormedRefusal(error: ValidationError, paths: readonly string[]): void {
  if (error.detail.trim() === '' || !namesItsPath(error)) {
    throw new Error(`a refusal must say what is wrong and name its construct path once, got ${JSON.stringify(error.message)}`);
  }
  if (error.message.includes(SECRET_TEXT) || error.message.includes(String(SECRET_NUMBER))) {
    throw new Error(`a refusal must never show secret data, got ${JSON.stringify(error.message)}`);
  }
  const problems = error instanceof SynthValidationError ? error.problems.map((p) => ({ path: p.construct.node.path, message: p.message })) : [error];
  for (const problem of problems) {
    if (!under(problem.path, paths)) {
      throw new Error(`the refusal names ${problem.path}, not one of ${paths.join(', ') || '(no construct call)'} or a construct below: ${error.message}`);
    }
    if (problem.message.trim() === '') {
      throw new Error(`a synth problem at ${problem.path} has no message: ${error.message}`);
    }
  }
}
