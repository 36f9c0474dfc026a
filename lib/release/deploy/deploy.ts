import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { objectRole } from '../../core/object-role';
import { appScope } from '../cluster/app-scope';
import { ClusterRelease, planClusterRelease } from '../cluster/cluster-plan';
import { KubeApi } from '../cluster/kube-api';
import { advancedHistory, historyName, recordedRelease, ReleaseHistory, withAppliedTypes, writeHistory } from '../cluster/release-history';
import { plannedObject, ReleasePlan } from '../plan/release-plan';
import { DEFAULT_KEEP } from '../plan/retention';
import { releaseSteps } from '../release-steps';
import { walkCanaryStages } from './canary-step-walk';
import { canaryStages, carriesAnalysis } from './canary-walk';
import { DeployEvent } from './deploy-events';
import { GateTarget, gateTargets } from './health-gate';
import { PrometheusClient } from './prometheus-client';
import { DEFAULT_PARALLELISM, ReleaseWriter } from './release-writer';

/** Options of {@link deployRelease}. */
export interface DeployOptions {
  /** The cluster's API. */
  readonly api: KubeApi;
  /** The synthesis to deploy. */
  readonly dist: readonly Manifest[];
  /**
   * How many retired revisions of each workload stay live (those of the
   * release being replaced first, then the most recent ones), with their
   * ConfigMaps, Secrets and per-revision objects: what `rollback` returns to.
   * @default 1 - the previous release stays live, so a rollback only moves pointers
   */
  readonly keep?: number;
  /**
   * Take over fields another field manager owns (server-side apply
   * `--force-conflicts`). Without it a conflict (someone edited a pointer by
   * hand, or another tool manages it) stops the deploy before anything is
   * deleted, and names the field and its manager.
   * @default false
   */
  readonly forceConflicts?: boolean;
  /**
   * How long each health gate may take: the new revisions becoming available
   * before traffic moves, then the moved pointers holding.
   * @default 600 - kubectl rollout's default progress deadline
   */
  readonly timeoutSeconds?: number;
  /**
   * Wait for Knative Services to become Ready after traffic moved to their
   * new revisions (Knative itself routes only to Ready revisions). Turn it
   * off on a cluster without Knative Serving's controller.
   * @default true
   */
  readonly gateFunctions?: boolean;
  /**
   * When a gate fails, delete the revision objects the failed release
   * created, instead of leaving them for inspection.
   * @default false
   */
  readonly removeFailed?: boolean;
  /**
   * Stop a stepped canary (see `CanaryRelease.steps`) once it reaches this
   * share: the release pauses there, nothing is retired, and the next
   * deploy of the same synthesis walks on from it.
   * @default - walk every step, then apply the declared weights
   */
  readonly untilPercent?: number;
  /**
   * Walk one more step of a stepped canary, then pause as `untilPercent` does.
   * @default false
   */
  readonly oneStep?: boolean;
  /**
   * The base URL of the Prometheus that canary analyses query (see
   * `CanaryStep.analysis`), e.g. `http://127.0.0.1:9090` through a port
   * forward; user and password in it are sent as basic authentication.
   * @default - none: a release whose remaining canary steps declare an
   *   analysis is refused before anything is applied
   */
  readonly prometheusUrl?: string;
  /**
   * How many requests write at once (each object is one request).
   * @default 16
   */
  readonly parallelism?: number;
  /**
   * Hears the progress.
   * @default - nothing is reported
   */
  readonly onEvent?: (event: DeployEvent) => void;
}

/** How a deploy ended. */
export interface DeployOutcome {
  /**
   * - `done`: every step completed and every gate passed;
   * - `refused`: the guard found immutable objects whose content would change,
   *   or the cluster does not serve a kind of the synthesis; nothing was applied;
   * - `failed`: a write failed; the steps before it completed, nothing was deleted unless it failed while retiring;
   * - `unhealthy`: a gate failed; no pointer moved to the failing revisions, or every moved one was put back;
   * - `paused`: a stepped canary stopped at a step (`untilPercent`, `oneStep`); nothing was retired.
   */
  readonly result: 'done' | 'refused' | 'failed' | 'unhealthy' | 'paused';
  readonly plan: ReleasePlan;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'HorizontalPodAutoscaler', 'ScaledObject']);

/**
 * Deploys a synthesis in release order, each step in bulk (server-side
 * apply, field manager `immutable-infra`, the objects of a wave in
 * parallel, every write of a wave ended before the next wave):
 * 1. prepare: Namespaces, then ServiceAccounts and security policies;
 * 2. create: new ConfigMaps, Secrets and per-revision objects, then the new
 *    revision workloads; then the health gate: every revision Deployment
 *    that is new or rescaled (not one of the recorded current release's as
 *    it was) available (at its autoscaler's minimum) before any pointer moves;
 * 3. route: a stepped canary walks its steps first (weights at each step,
 *    the checks below and the health gate again, its pause, during which
 *    its analysis compares canary and stable in Prometheus); the pointers
 *    move; the gate checks they hold (each Service has
 *    ready endpoints of every revision it selects, no other writer changed
 *    them) and Knative Services are Ready; otherwise every moved pointer is
 *    put back as it was; then live revisions that shrink are scaled down;
 * 4. retire: the app's live objects the synthesis no longer has are deleted,
 *    except the revisions `keep` retains (by default the replaced release,
 *    which `rollback` returns to).
 * Objects the plan finds unchanged are not sent. Records the types it
 * applies (see `ReleaseHistory.appliedTypes`) once the Namespaces exist,
 * and the release for `rollback` once done. Refuses to start when the guard
 * finds an immutable object whose content would change under its name,
 * when the cluster does not serve a kind of the synthesis, or when canary
 * steps to walk are analysed and no `prometheusUrl` is given. Running it
 * again after any stop converges.
 *
 * @throws ClusterError when the cluster cannot be reached or read; Error for a `prometheusUrl` that is not an http(s) base URL
 */
export async function deployRelease(options: DeployOptions): Promise<DeployOutcome> {
  const { api } = options;
  const report = options.onEvent ?? (() => undefined);
  const prometheus = options.prometheusUrl === undefined ? undefined : new PrometheusClient(options.prometheusUrl);
  const release = await planClusterRelease(api, options.dist, options.keep ?? DEFAULT_KEEP);
  const { plan, after, resources } = release;
  report({ type: 'planned', plan });
  const unserved = after.find((m) => resources.of(m.apiVersion, m.kind) === undefined);
  if (unserved !== undefined) {
    report({ type: 'failed', step: 'prepare', object: plannedObject(unserved), error: `the cluster does not serve ${unserved.apiVersion} ${unserved.kind}; install its CRD first. Nothing was applied` });
    return { result: 'refused', plan };
  }
  if (plan.violations.length > 0) {
    return { result: 'refused', plan };
  }
  const writer = new ReleaseWriter(api, resources, plan, {
    forceConflicts: options.forceConflicts ?? false,
    parallelism: options.parallelism ?? DEFAULT_PARALLELISM,
    timeoutSeconds: options.timeoutSeconds ?? 600,
    report,
  });
  const [prepare, create, route, retire] = releaseSteps(release.before, after);
  const pointers = route.objects.filter((m) => objectRole(m) === 'pointer');
  const previous = new Map(release.before.map((m) => [objectIdentity(m), m]));
  const stages = canaryStages(pointers, previous);
  const analysed = stages.find((s) => s.analyses.length > 0);
  if (analysed !== undefined && prometheus === undefined) {
    const object = plannedObject(analysed.pointers.find(carriesAnalysis) ?? analysed.pointers[0]);
    report({ type: 'failed', step: 'prepare', object, error: `its canary steps are analysed in Prometheus (CanaryStep.analysis of ${analysed.analyses[0].service}); pass Prometheus's URL (prometheusUrl, --prometheus-url). Nothing was applied` });
    return { result: 'refused', plan };
  }
  writer.step(prepare);
  if (!await writer.applyChanged('prepare', [prepare.objects.filter((m) => m.kind === 'Namespace')])) {
    return { result: 'failed', plan };
  }
  const histories = await recordAppliedTypes(api, release);
  if (!await writer.applyChanged('prepare', [prepare.objects.filter((m) => m.kind !== 'Namespace')])) {
    return { result: 'failed', plan };
  }
  writer.step(create);
  const workload = (m: Manifest) => WORKLOAD_KINDS.has(m.kind);
  if (!await writer.applyChanged('create', [create.objects.filter((m) => !workload(m)), create.objects.filter(workload)])) {
    return { result: 'failed', plan };
  }
  const rescaled = new Set(plan.updated.filter((o) => WORKLOAD_KINDS.has(o.kind)).map((o) => `${o.namespace}/${o.name}`));
  const revisions = gateTargets(after, false).filter((t) => !servingNow(release, t) || rescaled.has(`${t.namespace}/${t.name}`));
  const failed = await writer.gate(revisions);
  if (failed.length > 0) {
    if (options.removeFailed === true) {
      await writer.removeFailed(after.filter((m) => objectRole(m) === 'revision'), failed);
    }
    return { result: 'unhealthy', plan };
  }

  writer.step(route);
  const walked = await walkCanaryStages(writer, stages, {
    pointers, previous, after, revisions, prometheus, report, untilPercent: options.untilPercent, oneStep: options.oneStep,
  });
  if (walked !== 'walked') {
    return { result: walked, plan };
  }
  if (!await writer.applyChanged('route', [pointers])) {
    // The other pointers of a failed batch did move: put them all back.
    await writer.restore(pointers, previous);
    return { result: 'failed', plan };
  }
  const functions = options.gateFunctions === false ? [] : gateTargets(after, true).filter((t) => t.kind === 'KnativeService');
  if (!await writer.checkPointers(pointers, after) || (await writer.gate(functions)).length > 0) {
    await writer.restore(pointers, previous);
    return { result: 'unhealthy', plan };
  }
  // Live revisions that shrink, once traffic has moved away from them.
  if (!await writer.applyChanged('route', [route.objects.filter((m) => objectRole(m) === 'revision')])) {
    return { result: 'failed', plan };
  }

  writer.step(retire);
  for (const object of retire.objects.filter((m) => release.kept.has(objectIdentity(m)))) {
    report({ type: 'object', step: 'retire', outcome: 'kept', object: plannedObject(object) });
  }
  const retiring = retire.objects.filter((m) => !release.kept.has(objectIdentity(m)));
  const retireOrder = (m: Manifest) => (m.kind === 'Namespace' ? 2 : objectRole(m) === 'pointer' ? 0 : 1);
  if (!await writer.delete('retire', [0, 1, 2].map((order) => retiring.filter((m) => retireOrder(m) === order)))) {
    return { result: 'failed', plan };
  }
  const scope = appScope(after);
  for (const [namespace, history] of histories) {
    const recorded = recordedRelease(after, namespace);
    if (recorded.pointers.length > 0 || recorded.deployments.length > 0) {
      await writeHistory(api, namespace, historyName(scope), scope, advancedHistory(history, recorded));
    }
  }
  return { result: 'done', plan };
}

/**
 * Whether a revision Deployment serves the recorded current release (its
 * gate passed when that release went live): unless its scale changes, this
 * release need not gate it. A revision a stopped deploy created is not
 * recorded yet, and is gated.
 */
function servingNow(release: ClusterRelease, target: GateTarget): boolean {
  return release.histories.get(target.namespace)?.current?.deployments.includes(target.name) === true;
}

/**
 * Adds the types of the app's live objects and of the synthesis to the
 * applied types of each namespace's history, before anything but the
 * Namespaces is applied (so a deploy that stops half-way is covered too):
 * the next planning lists only those types.
 *
 * @returns the histories as they are now
 */
async function recordAppliedTypes(api: KubeApi, release: ClusterRelease): Promise<Map<string, ReleaseHistory>> {
  const scope = appScope(release.after);
  const types = [...release.liveTypes, ...release.after.map((m) => release.resources.typeOf(m)).filter((t): t is string => t !== undefined)];
  const histories = new Map(release.histories);
  for (const [namespace, history] of release.histories) {
    const recorded = withAppliedTypes(history, types);
    if (recorded !== undefined) {
      await writeHistory(api, namespace, historyName(scope), scope, recorded);
      histories.set(namespace, recorded);
    }
  }
  return histories;
}
