import { CANARY_STEPS_ANNOTATION, CanaryStepsAnnotation } from '../core/canary-steps';
import { Manifest } from '../core/manifest-schema';
import { objectIdentity } from '../core/object-identity';
import { backendsOf } from '../release/deploy/canary-walk';
import { gateTargets } from '../release/deploy/health-gate';
import { PlannedResource } from './deployment-plan';

/** A revision Deployment a canary walk gates at each step (`GateTarget`, its namespace unset when the chart sets none). */
export interface WalkedRevision {
  readonly kind: 'Deployment';
  /** @default - the namespace of the walk's kubeconfig context, where the provider put it */
  readonly namespace?: string;
  readonly name: string;
  /** Ready pods needed besides the Deployment's own count: its autoscaler's minimum. */
  readonly minReady: number;
}

/** One canary walk of a Pulumi deployment: the steps of one `CanaryRelease`, walked before its pointers take their weights. */
export interface PlannedCanaryWalk {
  /**
   * The Pulumi resource name: the construct path its pointers share, then
   * `CanaryWalk` (`shop-prod/reviews-routes/Mesh/Routing/CanaryWalk`), the
   * same for every release of the service.
   */
  readonly logicalName: string;
  /** The logical names of the pointers it walks (see `PlannedResource.logicalName`): each waits for it. */
  readonly pointers: readonly string[];
  /** Those pointers as registered, at their declared weights: each step applies them at its own. */
  readonly manifests: readonly Manifest[];
  /** The stable and canary revision Deployments, gated before the first step and at each one (none with `skipAwait`). */
  readonly revisions: readonly WalkedRevision[];
  /** What it waits for: what its pointers wait for (their other pointers, their Services), and its revisions' Deployments. */
  readonly dependsOn: readonly string[];
  /**
   * What makes it walk, as JSON: the stable and canary revisions (their
   * Deployments' names) and the backends of the canary's route in each
   * pointer (subsets or Services, and weights). A release that changes them
   * walks the steps above the share the canary has live, as `deploy` does;
   * one that does not (another route, a timeout, nothing) does not walk.
   */
  readonly routing: string;
  /** The service a step analyses in Prometheus (`<namespace>/<name>`); `undefined` when no step is analysed. */
  readonly analysedService?: string;
}

/** Options of {@link planCanaryWalks}. */
export interface CanaryWalkPlanOptions {
  /**
   * Pods never run (see `DeploymentPlanOptions.skipAwait`): the walks gate no revision.
   * @default false
   */
  readonly skipAwait?: boolean;
}

/**
 * The canary walks of a deployment plan: one per stepped canary (the
 * pointers of one `CanaryRelease` with `steps` carry the same
 * `immutable-infra.dev/canary-steps` annotation), in plan order.
 */
export function planCanaryWalks(plan: readonly PlannedResource[], options: CanaryWalkPlanOptions = {}): PlannedCanaryWalk[] {
  const groups = new Map<string, PlannedResource[]>();
  for (const planned of plan) {
    const steps = stepsOf(planned.manifest);
    if (planned.role === 'pointer' && steps !== undefined) {
      const key = `${planned.manifest.metadata.namespace ?? ''} ${steps}`;
      groups.set(key, [...(groups.get(key) ?? []), planned]);
    }
  }
  const manifests = plan.map((p) => p.manifest);
  return [...groups.values()].map((group): PlannedCanaryWalk => {
    const steps = JSON.parse(stepsOf(group[0].manifest)!) as CanaryStepsAnnotation;
    const namespace = group[0].manifest.metadata.namespace;
    const isWalked = (m: Manifest) => m.kind === 'Deployment' && m.metadata.namespace === namespace &&
      (m.metadata.name === steps.stable.name || m.metadata.name === steps.canary.name);
    const deployments = plan.filter((p) => p.role === 'revision' && isWalked(p.manifest));
    const revisions = options.skipAwait === true ? [] : gateTargets(manifests.filter((m) => isWalked(m) || m.kind === 'HorizontalPodAutoscaler'), false)
      .filter((t) => t.kind === 'Deployment')
      .map((t): WalkedRevision => ({ kind: 'Deployment', ...(namespace === undefined ? {} : { namespace }), name: t.name, minReady: t.minReady }));
    const pointers = group.map((p) => p.logicalName);
    const dependsOn = [...new Set([...group.flatMap((p) => p.dependsOn), ...deployments.map((p) => p.logicalName)])]
      .filter((d) => !pointers.includes(d));
    const byIdentity = [...group].sort((a, b) => compare(objectIdentity(a.manifest), objectIdentity(b.manifest)));
    return {
      logicalName: `${commonParent(pointers)}/CanaryWalk`,
      pointers,
      manifests: group.map((p) => p.manifest),
      revisions,
      dependsOn,
      routing: JSON.stringify({
        stable: steps.stable.name,
        canary: steps.canary.name,
        pointers: byIdentity.map((p) => ({ pointer: objectIdentity(p.manifest), backends: backendsOf(p.manifest, steps) ?? [] })),
      }),
      analysedService: steps.steps.find((s) => s.analysis !== undefined)?.analysis?.service,
    };
  });
}

function stepsOf(manifest: Manifest): string | undefined {
  return (manifest.metadata.annotations as Record<string, string> | undefined)?.[CANARY_STEPS_ANNOTATION];
}

/** The construct path all the paths lie under, without their own last segments (`a/b/c/X`, `a/b/Y/Z` → `a/b`). */
function commonParent(paths: readonly string[]): string {
  const parents = paths.map((p) => p.split('/').slice(0, -1));
  const shared: string[] = [];
  for (const [i, segment] of parents[0].entries()) {
    if (!parents.every((p) => p[i] === segment)) {
      break;
    }
    shared.push(segment);
  }
  return shared.join('/');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
