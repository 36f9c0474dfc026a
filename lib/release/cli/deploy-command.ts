import { findKubectl, Kubectl } from '../cluster/kubectl';
import { deployRelease } from '../deploy/deploy';
import { readDist } from '../plan/read-dist';
import { FlagType, ParsedArgs } from './args';
import { CliIo } from './cli-io';
import { ExitCode, UsageError } from './exit-codes';
import { deployReporter } from './render-deploy';
import { guardErrors } from './render-plan';
import { colorsEnabled, textStyle } from './style';

/** The flags of `deploy`. */
export const DEPLOY_FLAGS: Readonly<Record<string, FlagType>> = {
  kubeconfig: 'string',
  context: 'string',
  kubectl: 'string',
  keep: 'count',
  'force-conflicts': 'boolean',
};

/**
 * `deploy <dist> --kubeconfig <file>`: deploys in release order, printing
 * each step and object. `--kubeconfig` is required, so a deploy never goes
 * to whatever cluster the environment happens to point at.
 *
 * @returns 0 when every step completed, 1 on a guard violation or a failure
 * @throws UsageError for a wrong command line
 */
export function deployCommand(args: ParsedArgs, io: CliIo): number {
  const { positionals, flags } = args;
  if (positionals.length !== 1) {
    throw new UsageError(`deploy takes one dist folder; got ${positionals.length} argument(s)`);
  }
  const kubeconfig = flags.kubeconfig as string | undefined;
  if (kubeconfig === undefined) {
    throw new UsageError('deploy needs --kubeconfig <file>: the cluster to deploy to');
  }
  const dist = readDist(positionals[0]);
  const kubectl = new Kubectl({ binary: findKubectl(flags.kubectl as string | undefined, io.env), kubeconfig, context: flags.context as string | undefined });
  io.stdout.write(`Deploying ${positionals[0]} to ${flags.context === undefined ? kubeconfig : `context ${flags.context} of ${kubeconfig}`}\n`);
  const outcome = deployRelease({
    kubectl,
    dist,
    keep: flags.keep as number | undefined,
    forceConflicts: flags['force-conflicts'] === true,
    onEvent: deployReporter(io, textStyle(colorsEnabled(io.stdout, io.env))),
  });
  switch (outcome.result) {
    case 'refused':
      io.stderr.write(guardErrors(outcome.plan));
      io.stderr.write('error: deploy refused by the guard; nothing was applied\n');
      return ExitCode.FAILED;
    case 'failed':
      return ExitCode.FAILED;
    default:
      io.stdout.write('Done.\n');
      return ExitCode.OK;
  }
}
