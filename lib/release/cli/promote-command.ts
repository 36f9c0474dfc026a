import { writeFileSync } from 'fs';
import { fileErrorReason, readDist } from '../plan/read-dist';
import { promoteSynthesis } from '../promotion/promote-synthesis';
import { PromotionError } from '../promotion/promotion-error';
import { promotionLockFileName, promotionLockJson } from '../promotion/promotion-lock';
import { FlagType, ParsedArgs } from './args';
import { CliIo } from './cli-io';
import { ExitCode, UsageError } from './exit-codes';

/** The flags of `promote`. */
export const PROMOTE_FLAGS: Readonly<Record<string, FlagType>> = {
  from: 'string',
  to: 'string',
  namespace: 'string',
  output: 'string',
};

const ENVIRONMENT_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * `promote --from <dist> --to <environment>`: writes the promotion lock of
 * the synthesis that passed (`promotion.<environment>.json`, or `--output`),
 * which the next environment's stack reads through `Promotion`.
 *
 * @returns 0 once the lock is written
 * @throws UsageError for a wrong command line; DistError, PromotionError when the dist cannot be promoted or the lock not written
 */
export function promoteCommand(args: ParsedArgs, io: CliIo): number {
  const { positionals, flags } = args;
  if (positionals.length > 0) {
    throw new UsageError(`promote takes no arguments besides its options (--from <dist> --to <environment>); got ${positionals.join(' ')}`);
  }
  const from = flags.from as string | undefined;
  const to = flags.to as string | undefined;
  if (from === undefined || to === undefined) {
    throw new UsageError(`promote needs --${from === undefined ? 'from <dist>: the synthesis that passed' : 'to <environment>: the environment to promote to'}`);
  }
  if (!ENVIRONMENT_NAME.test(to)) {
    throw new UsageError(`--to must be an environment name (a DNS label: lower-case letters, digits and -), got '${to}'`);
  }
  const lock = promoteSynthesis(readDist(from), { to, namespace: flags.namespace as string | undefined });
  const output = (flags.output as string | undefined) ?? promotionLockFileName(to);
  try {
    writeFileSync(output, promotionLockJson(lock));
  } catch (error) {
    throw new PromotionError(`cannot write ${output}: ${fileErrorReason(error, output)}`);
  }
  const services = Object.entries(lock.services);
  io.stdout.write(`Promoted ${services.length} service${services.length === 1 ? '' : 's'} from ${lock.from} to ${to}: ${output}\n`);
  for (const [service, promoted] of services) {
    io.stdout.write(`  ${service}  ${promoted.revision}\n`);
  }
  return ExitCode.OK;
}
