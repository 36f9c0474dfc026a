import { Manifest } from '../../core/manifest-schema';
import { planClusterRelease } from '../cluster/cluster-plan';
import { readDist } from '../plan/read-dist';
import { planRelease, ReleasePlan } from '../plan/release-plan';
import { DEFAULT_KEEP } from '../plan/retention';
import { comparePromotion, PromotionReport } from '../promotion/promotion-differences';
import { readPromotionLock } from '../promotion/read-promotion-lock';
import { FlagType, ParsedArgs } from './args';
import { CliIo } from './cli-io';
import { awaitFirstAnswer, CLUSTER_ACCESS_FLAGS, connectCluster, usingApi } from './cluster-access';
import { ExitCode, UsageError } from './exit-codes';
import { guardErrors, planSummary, renderPlan } from './render-plan';
import { renderPlanMarkdown } from './render-plan-markdown';
import { renderPromotion, renderPromotionMarkdown } from './render-promotion';
import { colorsEnabled, textStyle } from './style';

/** The flags of `plan`. */
export const PLAN_FLAGS: Readonly<Record<string, FlagType>> = {
  json: 'boolean',
  format: 'string',
  kubeconfig: 'string',
  context: 'string',
  keep: 'count',
  promotion: 'string',
  ...CLUSTER_ACCESS_FLAGS,
};

const CLUSTER_ONLY = ['context', 'keep', ...Object.keys(CLUSTER_ACCESS_FLAGS)];

/** The human formats of `plan --format`: coloured text, or Markdown for a pull request comment. */
export const PLAN_FORMATS = ['text', 'markdown'] as const;

/**
 * `plan <before> <after>` or `plan <dist> --kubeconfig <file>`: prints the
 * plan (text, Markdown with `--format markdown`, or JSON with `--json`). The kubeconfig is checked before any
 * call to the cluster, and each request is bounded by `--request-timeout`.
 *
 * @returns 1 when the guard finds violations, else 0
 * @throws UsageError for a wrong command line; DistError, ClusterError when a dist or the cluster cannot be read
 */
export async function planCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const { positionals, flags } = args;
  const format = planFormat(flags);
  const kubeconfig = flags.kubeconfig as string | undefined;
  const promotionFile = flags.promotion as string | undefined;
  const lock = promotionFile === undefined ? undefined : readPromotionLock(promotionFile);
  let plan: ReleasePlan;
  let labels: [string, string];
  let after: Manifest[];
  if (kubeconfig === undefined) {
    const clusterFlag = CLUSTER_ONLY.find((f) => f in flags);
    if (clusterFlag !== undefined) {
      throw new UsageError(`--${clusterFlag} needs --kubeconfig (it applies to the cluster side of a plan)`);
    }
    if (positionals.length !== 2) {
      throw new UsageError(`plan takes two dist folders (before and after), or one with --kubeconfig; got ${positionals.length} argument(s)`);
    }
    labels = [positionals[0], positionals[1]];
    after = readDist(positionals[1]);
    plan = planRelease(readDist(positionals[0]), after);
  } else {
    if (positionals.length !== 1) {
      throw new UsageError(`plan with --kubeconfig takes one dist folder (compared with the cluster); got ${positionals.length} argument(s)`);
    }
    const dist = readDist(positionals[0]);
    after = dist;
    const api = connectCluster(kubeconfig, flags, io);
    plan = await usingApi(api, async () => {
      await awaitFirstAnswer(api, io);
      return (await planClusterRelease(api, dist, (flags.keep as number | undefined) ?? DEFAULT_KEEP)).plan;
    });
    labels = [`cluster (${flags.context ?? kubeconfig})`, positionals[0]];
  }
  const promotion: PromotionReport | undefined = lock === undefined ? undefined : comparePromotion(lock, after);
  if (flags.json === true) {
    io.stdout.write(`${JSON.stringify({ before: labels[0], after: labels[1], summary: planSummary(plan), ...plan, ...(promotion === undefined ? {} : { promotion }) }, null, 2)}\n`);
  } else if (format === 'markdown') {
    io.stdout.write(renderPlanMarkdown(plan, labels[0], labels[1]) + (promotion === undefined ? '' : renderPromotionMarkdown(promotion, promotionFile!)));
  } else {
    const style = textStyle(colorsEnabled(io.stdout, io.env));
    io.stdout.write(renderPlan(plan, `Plan: ${labels[0]} → ${labels[1]}`, style) + (promotion === undefined ? '' : renderPromotion(promotion, promotionFile!, style)));
  }
  if (plan.violations.length > 0) {
    io.stderr.write(guardErrors(plan));
    return ExitCode.FAILED;
  }
  return ExitCode.OK;
}

/**
 * The format `--format` asks for (default text).
 *
 * @throws UsageError for an unknown format, or `--format` with `--json`
 */
function planFormat(flags: ParsedArgs['flags']): (typeof PLAN_FORMATS)[number] {
  const format = flags.format as string | undefined;
  if (format === undefined) {
    return 'text';
  }
  if (flags.json === true) {
    throw new UsageError(`--format ${format} and --json both choose the output; give one of them`);
  }
  const known = PLAN_FORMATS.find((f) => f === format);
  if (known === undefined) {
    throw new UsageError(`--format must be one of ${PLAN_FORMATS.join(', ')} (or --json), got '${format}'`);
  }
  return known;
}
