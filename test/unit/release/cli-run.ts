import { runCli } from '../../../lib/release/cli/run-cli';

/** What one in-process run of the command line tool printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the command line tool in-process, capturing its output.
 *
 * @param options.env the environment it sees (default: an empty PATH, so no kubectl is found by accident)
 */
export async function cli(args: string[], options: { isTTY?: boolean; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.isTTY },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? { PATH: '' },
  });
  return { code, stdout, stderr };
}
