import { KubeApi } from '../cluster/kube-api';
import { deployRelease } from '../deploy/deploy';
import { PrometheusClient } from '../deploy/prometheus-client';
import { readDist } from '../plan/read-dist';
import { FlagType, ParsedArgs } from './args';
import { CliIo } from './cli-io';
import { awaitFirstAnswer, connectCluster, usingApi } from './cluster-access';
import { ExitCode, UsageError } from './exit-codes';
import { deployReporter } from './render-deploy';
import { guardErrors } from './render-plan';
import { colorsEnabled, textStyle } from './style';

/** The flags of `deploy`. */
export const DEPLOY_FLAGS: Readonly<Record<string, FlagType>> = {
  kubeconfig: 'string',
  context: 'string',
  keep: 'count',
  timeout: 'duration',
  until: 'count',
  step: 'boolean',
  'remove-failed': 'boolean',
  'skip-function-gate': 'boolean',
  'force-conflicts': 'boolean',
  'prometheus-url': 'string',
};

/**
 * `deploy <dist> --kubeconfig <file>`: deploys in release order, gated on
 * health, printing each step, object and gate. `--kubeconfig` is required,
 * so a deploy never goes to whatever cluster the environment happens to
 * point at.
 *
 * @returns 0 when every step completed and every gate passed, else 1
 * @throws UsageError for a wrong command line
 */
export async function deployCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const { positionals, flags } = args;
  if (positionals.length !== 1) {
    throw new UsageError(`deploy takes one dist folder; got ${positionals.length} argument(s)`);
  }
  if (flags.until !== undefined && ((flags.until as number) < 1 || (flags.until as number) > 99)) {
    throw new UsageError(`--until must be a canary share 1-99 (percent), got ${flags.until}`);
  }
  const prometheusUrl = flags['prometheus-url'] as string | undefined;
  if (prometheusUrl !== undefined) {
    try {
      PrometheusClient.parseUrl(prometheusUrl);
    } catch (error) {
      throw new UsageError(`--prometheus-url: ${(error as Error).message}`);
    }
  }
  const api = clusterApi(args, io, 'deploy');
  const dist = readDist(positionals[0]);
  const outcome = await usingApi(api, async () => {
    await awaitFirstAnswer(api, io);
    io.stdout.write(`Deploying ${positionals[0]} to ${clusterName(args)}\n`);
    return deployRelease({
      api,
      dist,
      keep: flags.keep as number | undefined,
      timeoutSeconds: flags.timeout as number | undefined,
      untilPercent: flags.until as number | undefined,
      oneStep: flags.step === true,
      removeFailed: flags['remove-failed'] === true,
      gateFunctions: flags['skip-function-gate'] !== true,
      forceConflicts: flags['force-conflicts'] === true,
      prometheusUrl,
      onEvent: deployReporter(io, textStyle(colorsEnabled(io.stdout, io.env))),
    });
  });
  switch (outcome.result) {
    case 'refused':
      if (outcome.plan.violations.length > 0) {
        io.stderr.write(guardErrors(outcome.plan));
        io.stderr.write('error: deploy refused by the guard; nothing was applied\n');
      }
      return ExitCode.FAILED;
    case 'unhealthy':
      io.stderr.write('error: the release is not healthy; traffic stays on the previous release\n');
      return ExitCode.FAILED;
    case 'failed':
      return ExitCode.FAILED;
    case 'paused':
      return ExitCode.OK;
    default:
      io.stdout.write('Done.\n');
      return ExitCode.OK;
  }
}

/**
 * The API of the cluster `--kubeconfig` (required) and `--context` name,
 * once the kubeconfig is read (see {@link connectCluster}).
 *
 * @throws UsageError without `--kubeconfig`; KubeconfigError when it cannot be used
 */
export function clusterApi(args: ParsedArgs, io: CliIo, command: string): KubeApi {
  const kubeconfig = args.flags.kubeconfig as string | undefined;
  if (kubeconfig === undefined) {
    throw new UsageError(`${command} needs --kubeconfig <file>: the cluster to ${command === 'deploy' ? 'deploy to' : 'roll back'}`);
  }
  return connectCluster(kubeconfig, args.flags, io);
}

/** How the output names the cluster. */
export function clusterName(args: ParsedArgs): string {
  const { kubeconfig, context } = args.flags;
  return context === undefined ? String(kubeconfig) : `context ${context} of ${kubeconfig}`;
}
