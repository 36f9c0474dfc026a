import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { analyseDuringPause } from './canary-analysis-run';
import { CanaryStage } from './canary-walk';
import { DeployEvent } from './deploy-events';
import { GateTarget } from './health-gate';
import { PrometheusClient } from './prometheus-client';
import { ReleaseWriter } from './release-writer';

/**
 * What a walk of canary stages needs besides the stages: shared by
 * `deploy` and the Pulumi bridge's canary walk.
 */
export interface CanaryWalkContext {
  /** Every pointer of the release, as synthesized (the first stage applies those no step moves too). */
  readonly pointers: readonly Manifest[];
  /** The live objects before the release, as applied, by identity: what a failure puts back. */
  readonly previous: ReadonlyMap<string, Manifest>;
  /** The synthesis the pointer check reads Services and revision Deployments from. */
  readonly after: readonly Manifest[];
  /** The revision workloads gated at each stage. */
  readonly revisions: readonly GateTarget[];
  /**
   * Where the stages' analyses query. Callers refuse a walk with analyses
   * and no Prometheus before they apply anything.
   */
  readonly prometheus: PrometheusClient | undefined;
  /**
   * Stop at the first stage whose highest share reaches this percent.
   * @default - walk every stage
   */
  readonly untilPercent?: number;
  /**
   * Stop after the first stage.
   * @default false
   */
  readonly oneStep?: boolean;
  readonly report: (event: DeployEvent) => void;
}

/** How a walk ended: `walked` when every stage passed and the declared weights may follow. */
export type CanaryWalkResult = 'walked' | 'paused' | 'failed' | 'unhealthy';

/**
 * Walks the stages of stepped canaries: at each, applies its pointers (the
 * first stage also the release's other pointers), checks they hold and the
 * revisions are healthy, stops when asked (`untilPercent`, `oneStep`), else
 * holds for its pause (analysing the canaries in Prometheus, if its steps
 * say so) and checks health again. Any failure puts every moved pointer back.
 */
export async function walkCanaryStages(writer: ReleaseWriter, stages: readonly CanaryStage[], context: CanaryWalkContext): Promise<CanaryWalkResult> {
  const { pointers, previous, after, revisions, report } = context;
  for (const [index, stage] of stages.entries()) {
    const stepped = new Set(stage.pointers.map(objectIdentity));
    const applied = index === 0 ? [...pointers.filter((m) => !stepped.has(objectIdentity(m))), ...stage.pointers] : stage.pointers;
    report({ type: 'canary-step', index: index + 1, total: stages.length, percents: stage.percents, pauseSeconds: stage.pauseSeconds });
    if (!await writer.apply('route', [applied])) {
      await writer.restore(pointers, previous);
      return 'failed';
    }
    if (!await writer.checkPointers(applied, after) || (await writer.gate(revisions)).length > 0) {
      await writer.restore(pointers, previous);
      return 'unhealthy';
    }
    const reached = Math.max(...stage.percents);
    if (context.oneStep === true || (context.untilPercent !== undefined && reached >= context.untilPercent)) {
      report({ type: 'paused', index: index + 1, total: stages.length, percents: stage.percents });
      return 'paused';
    }
    if (!await holdStage(writer, stage, context)) {
      await writer.restore(pointers, previous);
      return 'unhealthy';
    }
    if ((await writer.gate(revisions)).length > 0) {
      await writer.restore(pointers, previous);
      return 'unhealthy';
    }
  }
  return 'walked';
}

/**
 * Holds a stage for its pause, analysing its canaries meanwhile when its
 * steps declare analyses.
 *
 * @returns whether every analysis passed (true without any)
 */
async function holdStage(writer: ReleaseWriter, stage: CanaryStage, context: CanaryWalkContext): Promise<boolean> {
  if (stage.analyses.length === 0) {
    await writer.pause(stage.pauseSeconds);
    return true;
  }
  // the callers refuse a walk with analyses and no Prometheus before they apply anything
  return await analyseDuringPause(context.prometheus!, stage.analyses, stage.pauseSeconds, context.report) === undefined;
}
