import { ReleasePlan, PlannedObject } from '../plan/release-plan';
import { ReleaseStep } from '../release-steps';
import { AnalysisReading } from './canary-analysis-check';
import { GateFailure, GateProgress } from './health-gate';

/** What happened to an object during a deploy. */
export type ObjectOutcome = 'applied' | 'unchanged' | 'deleted' | 'kept';

/** The progress of a deploy (or a rollback), in order. */
export type DeployEvent =
  /** The plan, before anything is applied. */
  | { readonly type: 'planned'; readonly plan: ReleasePlan }
  /** A step starts with this many objects. */
  | { readonly type: 'step'; readonly step: ReleaseStep['name']; readonly count: number }
  /** An object was applied, left as it is (unchanged: not sent), deleted, or kept (a retired revision `keep` retains). */
  | {
    readonly type: 'object';
    readonly step: ReleaseStep['name'];
    readonly outcome: ObjectOutcome;
    readonly object: PlannedObject;
    /** For an applied object, what the plan said of it. */
    readonly change?: 'created' | 'updated' | 'unchanged';
  }
  /** A health gate starts: traffic moves only once these workloads are healthy. */
  | { readonly type: 'gate'; readonly workloads: number; readonly timeoutSeconds: number }
  /** A workload of a gate changed readiness. */
  | { readonly type: 'health'; readonly progress: GateProgress; readonly elapsedSeconds: number }
  /** A gate failed: these workloads did not become healthy. */
  | { readonly type: 'gate-failed'; readonly failures: readonly GateFailure[] }
  /** The moved pointers were checked: `problems` is empty when they hold. */
  | { readonly type: 'pointers-checked'; readonly problems: readonly string[] }
  /** A stage of a stepped canary starts: the canaries' shares, and how long it stays after its checks. */
  | { readonly type: 'canary-step'; readonly index: number; readonly total: number; readonly percents: readonly number[]; readonly pauseSeconds: number }
  /** A stage's pause starts. */
  | { readonly type: 'pausing'; readonly seconds: number }
  /** A stage's pause starts, during which these services' canaries are analysed in Prometheus (its URL without credentials). */
  | { readonly type: 'analysis'; readonly services: readonly string[]; readonly prometheus: string; readonly seconds: number }
  /** A check of a canary analysis. */
  | { readonly type: 'analysis-check'; readonly reading: AnalysisReading; readonly elapsedSeconds: number }
  /** A canary analysis failed its step (the pointers are put back next). */
  | { readonly type: 'analysis-failed'; readonly service: string; readonly reason: string }
  /** The walk stopped at a stage (`--until`, `--step`); the next deploy walks on. */
  | { readonly type: 'paused'; readonly index: number; readonly total: number; readonly percents: readonly number[] }
  /** After a failed gate, the pointers were put back as they were (`count` objects). */
  | { readonly type: 'restored'; readonly count: number }
  /** After a failed gate, the failing release's new revision objects were removed (`removeFailed`). */
  | { readonly type: 'removed-failed'; readonly count: number }
  /** A write failed: the deploy stops here. */
  | { readonly type: 'failed'; readonly step: ReleaseStep['name']; readonly object: PlannedObject; readonly error: string };
