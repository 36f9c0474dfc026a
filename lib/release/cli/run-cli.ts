import { KubectlError } from '../cluster/kubectl';
import { DistError } from '../plan/read-dist';
import { parseArgs } from './args';
import { CliIo } from './cli-io';
import { DEPLOY_FLAGS, deployCommand } from './deploy-command';
import { ExitCode, UsageError } from './exit-codes';
import { GRAPH_FLAGS, graphCommand } from './graph-command';
import { HELP } from './help';
import { PLAN_FLAGS, planCommand } from './plan-command';
import { ROLLBACK_FLAGS, rollbackCommand } from './rollback-command';

/**
 * Runs `immutable-infra <argv>`.
 *
 * @returns the exit code (see {@link ExitCode})
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (argv.some((arg) => arg === '--help' || arg === '-h') || command === 'help') {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  try {
    switch (command) {
      case 'plan':
        return planCommand(parseArgs(rest, PLAN_FLAGS), io);
      case 'deploy':
        return await deployCommand(parseArgs(rest, DEPLOY_FLAGS), io);
      case 'rollback':
        return await rollbackCommand(parseArgs(rest, ROLLBACK_FLAGS), io);
      case 'graph':
        return graphCommand(parseArgs(rest, GRAPH_FLAGS), io);
      case undefined:
        throw new UsageError('no command given');
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\nUsage: immutable-infra plan|deploy|rollback|graph …; see immutable-infra --help\n`);
      return ExitCode.USAGE;
    }
    if (error instanceof DistError || error instanceof KubectlError) {
      io.stderr.write(`error: ${error.message}\n`);
      return ExitCode.FAILED;
    }
    throw error;
  }
}
