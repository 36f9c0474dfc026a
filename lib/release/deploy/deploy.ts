import { Manifest } from '../../core/manifest-schema';
import { toYaml } from '../../core/yaml';
import { ApiResources, resourceArgument } from '../cluster/api-resources';
import { planClusterRelease } from '../cluster/cluster-plan';
import { FIELD_MANAGER } from '../cluster/field-manager';
import { Kubectl, KubectlResult } from '../cluster/kubectl';
import { plannedObject, ReleasePlan } from '../plan/release-plan';
import { releaseSteps } from '../release-steps';
import { DeployEvent } from './deploy-events';

/** Options of {@link deployRelease}. */
export interface DeployOptions {
  /** kubectl, pointed at the cluster. */
  readonly kubectl: Kubectl;
  /** The synthesis to deploy. */
  readonly dist: readonly Manifest[];
  /**
   * How many retired revisions of each workload stay (the most recent ones),
   * with their ConfigMaps, Secrets and per-revision objects.
   * @default 0
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
   * Hears the progress.
   * @default - nothing is reported
   */
  readonly onEvent?: (event: DeployEvent) => void;
}

/** How a deploy ended. */
export interface DeployOutcome {
  /**
   * - `done`: every step completed;
   * - `refused`: the guard found immutable objects whose content would change; nothing was applied;
   * - `failed`: an object failed; the steps before it completed, nothing was deleted unless it failed while retiring.
   */
  readonly result: 'done' | 'refused' | 'failed';
  readonly plan: ReleasePlan;
}

/**
 * Deploys a synthesis in release order with server-side apply (field manager
 * `immutable-infra`): prerequisites, new revision objects, pointers, one
 * object at a time; then, once everything applied, deletes the app's live
 * objects the synthesis no longer has (pointers first, Namespaces last),
 * except the retired revisions `keep` retains. Refuses to start when the
 * guard finds an immutable object whose content would change under its name.
 * Stops at the first failure; running it again converges.
 *
 * @throws KubectlError when kubectl cannot run or cannot read the cluster
 */
export function deployRelease(options: DeployOptions): DeployOutcome {
  const report = options.onEvent ?? (() => undefined);
  const release = planClusterRelease(options.kubectl, options.dist, options.keep ?? 0);
  const { plan } = release;
  report({ type: 'planned', plan });
  if (plan.violations.length > 0) {
    return { result: 'refused', plan };
  }
  const change = new Map<string, 'created' | 'updated' | 'unchanged'>([
    ...plan.created.map((o) => [o.identity, 'created'] as const),
    ...plan.updated.map((o) => [o.identity, 'updated'] as const),
    ...plan.unchanged.map((o) => [o.identity, 'unchanged'] as const),
  ]);
  for (const step of releaseSteps(release.before, release.after)) {
    report({ type: 'step', step: step.name, count: step.objects.length });
    for (const manifest of step.objects) {
      const object = plannedObject(manifest);
      if (step.action === 'delete' && release.kept.has(object.identity)) {
        report({ type: 'object', step: step.name, outcome: 'kept', object });
        continue;
      }
      const result = step.action === 'apply'
        ? apply(options.kubectl, manifest, options.forceConflicts ?? false)
        : remove(options.kubectl, release.resources, manifest);
      if (result.status !== 0) {
        report({ type: 'failed', step: step.name, object, error: result.stderr.trim() });
        return { result: 'failed', plan };
      }
      report(step.action === 'apply'
        ? { type: 'object', step: step.name, outcome: 'applied', object, change: change.get(object.identity) }
        : { type: 'object', step: step.name, outcome: 'deleted', object });
    }
  }
  return { result: 'done', plan };
}

function apply(kubectl: Kubectl, manifest: Manifest, forceConflicts: boolean): KubectlResult {
  const args = ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, ...(forceConflicts ? ['--force-conflicts'] : []), '-f', '-'];
  return kubectl.run(args, toYaml([manifest]));
}

/** Deletes without waiting for finalizers (a Namespace takes its time); gone already is fine. */
function remove(kubectl: Kubectl, resources: ApiResources, manifest: Manifest): KubectlResult {
  const resource = resources.of(manifest.apiVersion, manifest.kind);
  if (resource === undefined) {
    return { status: 1, stdout: '', stderr: `the cluster no longer serves ${manifest.apiVersion} ${manifest.kind}` };
  }
  const namespace = manifest.metadata.namespace === undefined ? [] : ['-n', manifest.metadata.namespace];
  return kubectl.run(['delete', resourceArgument(resource), manifest.metadata.name!, ...namespace, '--ignore-not-found', '--wait=false']);
}
