import { LabelKeys } from '../../core/labels';
import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { ApiResources } from '../cluster/api-resources';
import { sleep } from '../cluster/bounded';
import { KubeApi } from '../cluster/kube-api';
import { plannedObject, ReleasePlan } from '../plan/release-plan';
import { ReleaseStep } from '../release-steps';
import { applyInBulk, BulkFailure, deleteInBulk } from './bulk-apply';
import { DeployEvent } from './deploy-events';
import { awaitHealthy, GateFailure, GateTarget } from './health-gate';
import { verifyPointers } from './pointer-check';

/** Options of a {@link ReleaseWriter}. */
export interface ReleaseWriterOptions {
  readonly forceConflicts: boolean;
  readonly parallelism: number;
  /** How long each gate may take. */
  readonly timeoutSeconds: number;
  readonly report: (event: DeployEvent) => void;
}

/** How many requests write at once unless a deploy or rollback says otherwise. */
export const DEFAULT_PARALLELISM = 16;

/** How often a gate reads the cluster. */
const POLL_MS = 500;

type StepName = ReleaseStep['name'];

/**
 * The writes and gates of one release (or rollback) against a cluster, each
 * reported as it happens.
 */
export class ReleaseWriter {
  private readonly change: Map<string, 'created' | 'updated' | 'unchanged'>;

  constructor(
    private readonly api: KubeApi,
    private readonly resources: ApiResources,
    plan: ReleasePlan | undefined,
    private readonly options: ReleaseWriterOptions,
  ) {
    this.change = new Map([
      ...(plan?.created ?? []).map((o) => [o.identity, 'created'] as const),
      ...(plan?.updated ?? []).map((o) => [o.identity, 'updated'] as const),
      ...(plan?.unchanged ?? []).map((o) => [o.identity, 'unchanged'] as const),
    ]);
  }

  /** Announces a step and its object count. */
  public step(step: ReleaseStep): void {
    this.options.report({ type: 'step', step: step.name, count: step.objects.length });
  }

  /**
   * Applies waves of objects in order, each in bulk.
   *
   * @returns whether every object applied
   */
  public async apply(step: StepName, waves: ReadonlyArray<readonly Manifest[]>): Promise<boolean> {
    for (const wave of waves.filter((w) => w.length > 0)) {
      const failure = await applyInBulk(this.api, this.resources, wave, this.options, (object) =>
        this.options.report({ type: 'object', step, outcome: 'applied', object: plannedObject(object), change: this.change.get(objectIdentity(object)) }));
      if (failure !== undefined) {
        this.failed(step, failure);
        return false;
      }
    }
    return true;
  }

  /**
   * Applies waves like {@link apply}, except the objects the plan found
   * unchanged (their applied fields already hold the synthesis): those are
   * reported, not sent. A second release that changes one service writes
   * that service's objects only.
   *
   * @returns whether every object sent applied
   */
  public async applyChanged(step: StepName, waves: ReadonlyArray<readonly Manifest[]>): Promise<boolean> {
    const unchanged = (m: Manifest) => this.change.get(objectIdentity(m)) === 'unchanged';
    for (const object of waves.flat().filter(unchanged)) {
      this.options.report({ type: 'object', step, outcome: 'unchanged', object: plannedObject(object) });
    }
    return this.apply(step, waves.map((wave) => wave.filter((m) => !unchanged(m))));
  }

  /**
   * Deletes waves of objects in order, each in bulk.
   *
   * @returns whether every object was deleted
   */
  public async delete(step: StepName, waves: ReadonlyArray<readonly Manifest[]>): Promise<boolean> {
    for (const wave of waves.filter((w) => w.length > 0)) {
      const failure = await deleteInBulk(this.api, this.resources, wave, this.options.parallelism, (object) =>
        this.options.report({ type: 'object', step, outcome: 'deleted', object: plannedObject(object) }));
      if (failure !== undefined) {
        this.failed(step, failure);
        return false;
      }
    }
    return true;
  }

  /**
   * Waits until the workloads are healthy.
   *
   * @returns the workloads that are not (reported); empty when all are (or there are none)
   */
  public async gate(targets: readonly GateTarget[]): Promise<readonly GateFailure[]> {
    if (targets.length === 0) {
      return [];
    }
    const { report, timeoutSeconds } = this.options;
    report({ type: 'gate', workloads: targets.length, timeoutSeconds });
    const start = Date.now();
    const failures = await awaitHealthy(this.api, targets, {
      timeoutMs: timeoutSeconds * 1000,
      pollMs: POLL_MS,
      onProgress: (progress) => report({ type: 'health', progress, elapsedSeconds: (Date.now() - start) / 1000 }),
    });
    if (failures.length > 0) {
      report({ type: 'gate-failed', failures });
    }
    return failures;
  }

  /** Waits `seconds` (a canary step's bake time), saying so. */
  public async pause(seconds: number): Promise<void> {
    if (seconds > 0) {
      this.options.report({ type: 'pausing', seconds });
      await sleep(seconds * 1000);
    }
  }

  /**
   * Checks that the applied pointers hold (see `verifyPointers`).
   *
   * @returns whether they do; the problems are reported either way
   */
  public async checkPointers(pointers: readonly Manifest[], after: readonly Manifest[]): Promise<boolean> {
    const timing = { timeoutMs: this.options.timeoutSeconds * 1000, pollMs: POLL_MS };
    const problems = await verifyPointers(this.api, this.resources, pointers, after, timing);
    this.options.report({ type: 'pointers-checked', problems });
    return problems.length === 0;
  }

  /**
   * Puts pointers back as they were: those that existed re-applied as
   * `previous` has them, those that did not deleted.
   */
  public async restore(pointers: readonly Manifest[], previous: ReadonlyMap<string, Manifest>): Promise<void> {
    const moved = pointers.filter((m) => this.change.get(objectIdentity(m)) !== 'unchanged');
    const back = moved.map((m) => previous.get(objectIdentity(m))).filter((m): m is Manifest => m !== undefined);
    const created = moved.filter((m) => !previous.has(objectIdentity(m)));
    const ok = await this.apply('route', [back]) && await this.delete('route', [created]);
    if (ok) {
      this.options.report({ type: 'restored', count: moved.length });
    }
  }

  /**
   * Deletes what a failed release made: every object of the revisions that
   * failed (also when an earlier run created them), and the other revision
   * objects this run created.
   */
  public async removeFailed(revisionObjects: readonly Manifest[], failed: readonly GateFailure[]): Promise<void> {
    const names = new Set(failed.map((f) => `${f.target.namespace}/${f.target.name}`));
    const failedRevisions = new Set(revisionObjects
      .filter((m) => m.kind === 'Deployment' && names.has(`${m.metadata.namespace}/${m.metadata.name}`))
      .map((m) => `${m.metadata.namespace}/${(m.metadata.labels as Record<string, string> | undefined)?.[LabelKeys.REVISION]}`));
    const removed = revisionObjects.filter((m) => this.change.get(objectIdentity(m)) === 'created' ||
      failedRevisions.has(`${m.metadata.namespace}/${(m.metadata.labels as Record<string, string> | undefined)?.[LabelKeys.REVISION]}`));
    if (await this.delete('create', [removed])) {
      this.options.report({ type: 'removed-failed', count: removed.length });
    }
  }

  private failed(step: StepName, failure: BulkFailure): void {
    this.options.report({ type: 'failed', step, object: plannedObject(failure.object), error: failure.error });
  }
}
