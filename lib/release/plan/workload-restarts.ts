import { LabelKeys } from '../../core/labels';
import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { sameValue } from './manifest-diff';
import { restartReasons, RestartReason } from './restart-reasons';

/** A revision that starts new pods, and why. */
export interface StartedRevision {
  /** The object that runs it, e.g. the Deployment `orders-9a8b7c6d5e`. */
  readonly name: string;
  /** The revision it was compared with: the workload's previous one closest to it. */
  readonly comparedWith: string;
  /** Why its pods differ from those of `comparedWith`. */
  readonly reasons: readonly RestartReason[];
}

/** A workload that existed before and starts new pods in this release. */
export interface WorkloadRestart {
  /** The workload (`app.kubernetes.io/name`, else the object name). */
  readonly workload: string;
  /** Its namespace; absent when the objects name none. */
  readonly namespace?: string;
  /** Its revisions before the release that the release no longer has. */
  readonly retired: readonly string[];
  /** Its revisions that start new pods: new objects, or objects whose pod template changed. */
  readonly started: readonly StartedRevision[];
}

type Json = Record<string, any>;

/**
 * The workloads (objects with a pod template, grouped by service) that run
 * new pods after the release, each new revision compared with the previous
 * revision of the workload it differs least from (ties: a retired one, the
 * one it replaces, before one that stays; then the first).
 */
export function workloadRestarts(before: readonly Manifest[], after: readonly Manifest[]): WorkloadRestart[] {
  const previous = groupByWorkload(before);
  const next = groupByWorkload(after);
  const restarts: WorkloadRestart[] = [];
  for (const [key, objects] of next) {
    const old = previous.get(key);
    if (old === undefined) {
      continue;
    }
    const oldByIdentity = new Map(old.map((m) => [objectIdentity(m), m]));
    const started = objects.filter((m) => {
      const same = oldByIdentity.get(objectIdentity(m));
      return same === undefined || !sameValue(podTemplate(same), podTemplate(m));
    });
    if (started.length === 0) {
      continue;
    }
    const workload = workloadName(objects[0]);
    const kept = new Set(objects.map(objectIdentity));
    restarts.push({
      workload,
      ...(objects[0].metadata.namespace === undefined ? {} : { namespace: objects[0].metadata.namespace }),
      retired: old.filter((m) => !kept.has(objectIdentity(m))).map((m) => m.metadata.name!),
      started: started.map((m) =>
        closestComparison(m, [...old.filter((o) => !kept.has(objectIdentity(o))), ...old.filter((o) => kept.has(objectIdentity(o)))], workload)),
    });
  }
  return restarts;
}

function closestComparison(revision: Manifest, candidates: readonly Manifest[], workload: string): StartedRevision {
  const sameIdentity = candidates.find((c) => objectIdentity(c) === objectIdentity(revision));
  const compared = (sameIdentity === undefined ? candidates : [sameIdentity])
    .map((candidate) => ({ candidate, reasons: restartReasons(podTemplate(candidate)!, podTemplate(revision)!, workload) }))
    .reduce((best, next) => (next.reasons.length < best.reasons.length ? next : best));
  return { name: revision.metadata.name!, comparedWith: compared.candidate.metadata.name!, reasons: compared.reasons };
}

function groupByWorkload(manifests: readonly Manifest[]): Map<string, Manifest[]> {
  const groups = new Map<string, Manifest[]>();
  for (const manifest of manifests.filter((m) => podTemplate(m) !== undefined)) {
    const key = `${manifest.metadata.namespace ?? ''}/${workloadName(manifest)}`;
    groups.set(key, [...(groups.get(key) ?? []), manifest]);
  }
  return groups;
}

function workloadName(manifest: Manifest): string {
  const labels = (manifest.metadata.labels ?? {}) as Record<string, string>;
  return labels[LabelKeys.NAME] ?? manifest.metadata.name!;
}

/** The pod template of a workload object (Deployment, Knative Service, …), if it has one. */
function podTemplate(manifest: Manifest): Json | undefined {
  const template = (manifest.spec as Json | undefined)?.template;
  return Array.isArray(template?.spec?.containers) ? template : undefined;
}
