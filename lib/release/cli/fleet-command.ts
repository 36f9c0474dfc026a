import { readFleet } from '../fleet/fleet-file';
import { runFleet } from '../fleet/run-fleet';
import { readDist } from '../plan/read-dist';
import { FlagType, ParsedArgs } from './args';
import { CliIo } from './cli-io';
import { ExitCode, UsageError } from './exit-codes';
import { prefixedIo } from './prefixed-io';

/** The flag that turns `deploy` and `rollback` into a fleet release. */
export const FLEET_FLAGS: Readonly<Record<string, FlagType>> = {
  fleet: 'string',
};

/** The release of one cluster: `deploy` or `rollback` as one cluster runs it. */
export type ClusterCommand = (args: ParsedArgs, io: CliIo) => Promise<number>;

/**
 * `deploy <dist> --fleet <file>` and `rollback <dist> --fleet <file>`: runs
 * the one-cluster command on every cluster of the fleet, wave by wave (the
 * clusters of a wave at once, each line of their output prefixed with
 * `[<cluster>] `), with the same options. A cluster whose command fails (a
 * failed gate puts its pointers back, as a one-cluster deploy does) stops the
 * fleet when its wave has ended: later waves are not touched.
 *
 * @returns 0 when every cluster succeeded, else 1
 * @throws UsageError for a wrong command line; FleetError, DistError when the fleet file or the dist cannot be read (before any cluster is touched)
 */
export async function fleetCommand(command: 'deploy' | 'rollback', single: ClusterCommand, args: ParsedArgs, io: CliIo): Promise<number> {
  const { positionals, flags } = args;
  const clusterFlag = ['kubeconfig', 'context'].find((f) => f in flags);
  if (clusterFlag !== undefined) {
    throw new UsageError(`--${clusterFlag} and --fleet both choose the clusters; give each cluster's kubeconfig and context in the fleet file`);
  }
  if (positionals.length !== 1) {
    throw new UsageError(`${command} takes one dist folder; got ${positionals.length} argument(s)`);
  }
  const fleet = readFleet(flags.fleet as string);
  readDist(positionals[0]);
  const { fleet: _file, ...shared } = flags;
  const outcome = await runFleet(fleet, async (cluster) => {
    const clusterIo = prefixedIo(io, `[${cluster.name}] `);
    const clusterArgs: ParsedArgs = {
      positionals,
      flags: { ...shared, kubeconfig: cluster.kubeconfig, ...(cluster.context === undefined ? {} : { context: cluster.context }) },
    };
    try {
      return (await single(clusterArgs, clusterIo)) === ExitCode.OK;
    } catch (error) {
      if (error instanceof UsageError) {
        throw error; // the command line, found before the cluster is called
      }
      clusterIo.stderr.write(`error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
      return false;
    }
  }, (wave, index) => {
    io.stdout.write(`Wave ${index + 1}/${fleet.waves.length} (${wave.name}): ${wave.clusters.map((c) => c.name).join(', ')}\n`);
  });
  const byWave = fleet.waves.map((wave) => `${wave.name}: ${outcome.clusters.filter((c) => c.wave === wave.name).map((c) => `${c.cluster} ${c.result}`).join(', ')}`);
  io.stdout.write(`Fleet ${command}: ${byWave.join('; ')}\n`);
  if (outcome.result === 'stopped') {
    const failed = outcome.clusters.filter((c) => c.result === 'failed').map((c) => c.cluster);
    const untouched = outcome.clusters.filter((c) => c.result === 'untouched').map((c) => c.cluster);
    io.stderr.write(
      `error: the fleet stopped: ${failed.join(', ')} failed; ` +
        (untouched.length === 0 ? 'it was the last wave\n' : `the clusters of later waves (${untouched.join(', ')}) were not touched\n`),
    );
    return ExitCode.FAILED;
  }
  return ExitCode.OK;
}
