import { rollbackRelease } from '../deploy/rollback';
import { readDist } from '../plan/read-dist';
import { FlagType, ParsedArgs } from './args';
import { CliIo } from './cli-io';
import { awaitFirstAnswer, usingApi } from './cluster-access';
import { clusterApi, clusterName } from './deploy-command';
import { ExitCode, UsageError } from './exit-codes';
import { deployReporter } from './render-deploy';
import { colorsEnabled, textStyle } from './style';

/** The flags of `rollback`. */
export const ROLLBACK_FLAGS: Readonly<Record<string, FlagType>> = {
  kubeconfig: 'string',
  context: 'string',
  timeout: 'duration',
  'force-conflicts': 'boolean',
};

/**
 * `rollback <dist> --kubeconfig <file>`: returns the app the dist names to
 * its previous release, pointers only, once the previous revisions are
 * healthy.
 *
 * @returns 0 when the previous release's pointers are live again, else 1
 * @throws UsageError for a wrong command line
 */
export async function rollbackCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length !== 1) {
    throw new UsageError(`rollback takes one dist folder (of the app to roll back); got ${args.positionals.length} argument(s)`);
  }
  const api = clusterApi(args, io, 'rollback');
  const dist = readDist(args.positionals[0]);
  const outcome = await usingApi(api, async () => {
    await awaitFirstAnswer(api, io);
    io.stdout.write(`Rolling back the app of ${args.positionals[0]} on ${clusterName(args)}\n`);
    return rollbackRelease({
      api,
      dist,
      timeoutSeconds: args.flags.timeout as number | undefined,
      forceConflicts: args.flags['force-conflicts'] === true,
      onEvent: deployReporter(io, textStyle(colorsEnabled(io.stdout, io.env))),
    });
  });
  switch (outcome.result) {
    case 'done':
      io.stdout.write('Rolled back.\n');
      return ExitCode.OK;
    case 'refused':
      io.stderr.write(`error: rollback refused: ${outcome.reason}\n`);
      return ExitCode.FAILED;
    case 'unhealthy':
      io.stderr.write('error: the previous release is not healthy; the pointers are as they were\n');
      return ExitCode.FAILED;
    default:
      return ExitCode.FAILED;
  }
}
