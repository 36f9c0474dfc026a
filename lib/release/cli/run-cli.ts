import { ClusterError } from '../cluster/cluster-error';
import { FleetError } from '../fleet/fleet-error';
import { GitopsError } from '../gitops/gitops-error';
import { DistError } from '../plan/read-dist';
import { PromotionError } from '../promotion/promotion-error';
import { parseArgs } from './args';
import { CliIo } from './cli-io';
import { CLUSTER_ACCESS_FLAGS } from './cluster-access';
import { DEPLOY_FLAGS, deployCommand } from './deploy-command';
import { ExitCode, UsageError } from './exit-codes';
import { FLEET_FLAGS, fleetCommand } from './fleet-command';
import { GITOPS_FLAGS, gitopsCommand } from './gitops-command';
import { GRAPH_FLAGS, graphCommand } from './graph-command';
import { HELP } from './help';
import { INIT_FLAGS, initCommand } from './init-command';
import { PLAN_FLAGS, planCommand } from './plan-command';
import { PROMOTE_FLAGS, promoteCommand } from './promote-command';
import { ROLLBACK_FLAGS, rollbackCommand } from './rollback-command';

/** The environment variable that makes an unexpected error print its stack trace (`IMMUTABLE_INFRA_DEBUG=1`). */
export const DEBUG_VARIABLE = 'IMMUTABLE_INFRA_DEBUG';

const USAGE_HINT = 'Usage: immutable-infra plan|deploy|rollback|promote|graph|gitops|init …; see immutable-infra --help';

/**
 * An error as `--json` prints it on stdout: `{"error":{"code":2,"message":"…"}}`,
 * `code` being the exit code.
 */
export interface JsonError {
  readonly error: { readonly code: number; readonly message: string };
}

/**
 * Runs `immutable-infra <argv>`. Never throws: every failure is an `error: …`
 * line on stderr (and, when `--json` is on the command line, a
 * {@link JsonError} on stdout) and its exit code; an unexpected error shows
 * its stack trace only with `IMMUTABLE_INFRA_DEBUG=1`.
 *
 * @returns the exit code (see {@link ExitCode})
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = wantsJson(argv);
  try {
    const [command, ...rest] = argv;
    if (argv.some((arg) => arg === '--help' || arg === '-h') || command === 'help') {
      io.stdout.write(HELP);
      return ExitCode.OK;
    }
    switch (command) {
      case 'plan':
        return await planCommand(parseArgs(rest, PLAN_FLAGS), io);
      case 'deploy': {
        const args = parseArgs(rest, { ...DEPLOY_FLAGS, ...CLUSTER_ACCESS_FLAGS, ...FLEET_FLAGS });
        return await (args.flags.fleet === undefined ? deployCommand(args, io) : fleetCommand('deploy', deployCommand, args, io));
      }
      case 'rollback': {
        const args = parseArgs(rest, { ...ROLLBACK_FLAGS, ...CLUSTER_ACCESS_FLAGS, ...FLEET_FLAGS });
        return await (args.flags.fleet === undefined ? rollbackCommand(args, io) : fleetCommand('rollback', rollbackCommand, args, io));
      }
      case 'promote':
        return promoteCommand(parseArgs(rest, PROMOTE_FLAGS), io);
      case 'graph':
        return graphCommand(parseArgs(rest, GRAPH_FLAGS), io);
      case 'gitops':
        return gitopsCommand(parseArgs(rest, GITOPS_FLAGS), io);
      case 'init':
        return initCommand(parseArgs(rest, INIT_FLAGS), io);
      case undefined:
        throw new UsageError('no command given');
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    return reportError(error, io, json);
  }
}

/** Writes the error (text on stderr; JSON on stdout too with `--json`) and returns its exit code. */
function reportError(error: unknown, io: CliIo, json: boolean): number {
  let code: number;
  let message: string;
  let text: string;
  if (error instanceof UsageError) {
    code = ExitCode.USAGE;
    message = error.message;
    text = `error: ${message}\n${USAGE_HINT}\n`;
  } else if (
    error instanceof DistError || error instanceof ClusterError || error instanceof GitopsError ||
    error instanceof PromotionError || error instanceof FleetError
  ) {
    code = ExitCode.FAILED;
    message = error.message;
    text = `error: ${message}\n`;
  } else {
    code = ExitCode.FAILED;
    message = `${unexpectedMessage(error)} (an unexpected error: ${DEBUG_VARIABLE}=1 shows its stack trace)`;
    text = `error: ${message}\n`;
  }
  if (isDebug(io.env) && !(error instanceof UsageError)) {
    text += `${error instanceof Error && error.stack !== undefined ? error.stack : String(error)}\n`;
  }
  try {
    if (json) {
      const shape: JsonError = { error: { code, message } };
      io.stdout.write(`${JSON.stringify(shape)}\n`);
    }
    io.stderr.write(text);
  } catch {
    // Nowhere left to say it: the exit code still does.
  }
  return code;
}

/** One line: the first line of the error's message (or of what was thrown), its class when it is not a plain Error. */
function unexpectedMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : safeString(error);
  const line = raw.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '(no message)';
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  return `${name}${line}`;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Whether `--json` is on the command line (before `--`), even one the command refuses. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--json' || arg.startsWith('--json='));
}

/** Whether `IMMUTABLE_INFRA_DEBUG` asks for stack traces (set, and not `0`, `false` or empty). */
export function isDebug(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env[DEBUG_VARIABLE];
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
