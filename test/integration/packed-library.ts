import { spawnSync, SpawnSyncReturns } from 'child_process';
import { join } from 'path';
import { REPO_ROOT } from './engines';

/** Variables to set (or, as `undefined`, to unset) over the test's environment. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Runs a command without a shell; npm's update notice off, colours off. */
export function run(command: string, args: readonly string[], cwd: string, env: Environment = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', NO_COLOR: '1', ...env } });
  if (result.error !== undefined) {
    throw result.error;
  }
  return result;
}

/** Runs a command and returns its stdout; throws with both outputs when it fails. */
export function ok(command: string, args: readonly string[], cwd: string, env: Environment = {}): string {
  const result = run(command, args, cwd, env);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Packs this repository as npm publishes it (`npm pack` runs `prepare`, the
 * build) into `destination`.
 *
 * @returns the tarball's path
 */
export function packLibrary(destination: string): string {
  const packed = JSON.parse(ok('npm', ['pack', '--json', '--pack-destination', destination], REPO_ROOT)) as Array<{ filename: string }>;
  return join(destination, packed[0].filename);
}
