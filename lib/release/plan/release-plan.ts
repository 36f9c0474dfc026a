import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { ObjectRole, objectRole } from '../../core/object-role';
import { scaleOf } from '../../core/scale-fields';
import { guardMessage, immutableContentChanges } from './immutability-guard';
import { diffValues, FieldChange } from './manifest-diff';
import { SelectorChange, selectorChanges } from './selector-changes';
import { TrafficChange, trafficChanges } from './traffic-changes';
import { WorkloadRestart, workloadRestarts } from './workload-restarts';

/** An object of the plan. */
export interface PlannedObject {
  /** `<group>/<kind>/<namespace>/<name>` (see `objectIdentity`). */
  readonly identity: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** Absent for cluster-scoped objects (and objects that name no namespace). */
  readonly namespace?: string;
  readonly name: string;
  /** Revision object (never updated) or pointer. */
  readonly role: ObjectRole;
}

/** An object updated in place: a pointer, or a revision object whose scale changed. */
export interface ObjectUpdate extends PlannedObject {
  /** Every changed field (Secret data redacted). */
  readonly changes: readonly FieldChange[];
  /** Traffic splits whose weights moved. */
  readonly traffic: readonly TrafficChange[];
  /** Label selectors that changed. */
  readonly selectors: readonly SelectorChange[];
}

/** An immutable object that keeps its name but changes content: the guard refuses it. */
export interface GuardViolation extends PlannedObject {
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** The content changes (Secret data redacted). */
  readonly changes: readonly FieldChange[];
}

/** What a release does, from one set of objects to another. */
export interface ReleasePlan {
  /** New objects, revision objects and pointers. */
  readonly created: readonly PlannedObject[];
  /** Objects changed in place. */
  readonly updated: readonly ObjectUpdate[];
  readonly unchanged: readonly PlannedObject[];
  /** Objects the release no longer has, to delete. */
  readonly retired: readonly PlannedObject[];
  /** Objects the release no longer has that stay (the revisions `--keep` retains). */
  readonly kept: readonly PlannedObject[];
  /** Workloads that start new pods, and why. */
  readonly restarts: readonly WorkloadRestart[];
  /** Immutable objects whose content would change under their name. */
  readonly violations: readonly GuardViolation[];
}

/** Options of {@link planRelease}. */
export interface PlanOptions {
  /**
   * Identities of objects the release no longer has that stay: listed as
   * `kept` instead of `retired`.
   * @default - none: everything the release no longer has is retired
   */
  readonly kept?: ReadonlySet<string>;
}

const REDACTED = '(redacted)';

/**
 * The plan of a release from `before` (a synthesis, or the live objects as
 * applied) to `after`: objects created, updated (with the fields, weights and
 * selectors that change), unchanged, retired and kept; the workloads that
 * restart and why; and the guard's verdict on every immutable object
 * (`immutable: true` or carrying the revision label) that keeps its name: its
 * content must not change, scale aside.
 */
export function planRelease(before: readonly Manifest[], after: readonly Manifest[], options: PlanOptions = {}): ReleasePlan {
  const previous = new Map(before.map((m) => [objectIdentity(m), m]));
  const next = new Set(after.map(objectIdentity));
  const created: PlannedObject[] = [];
  const updated: ObjectUpdate[] = [];
  const unchanged: PlannedObject[] = [];
  const violations: GuardViolation[] = [];
  for (const manifest of after) {
    const old = previous.get(objectIdentity(manifest));
    if (old === undefined) {
      created.push(plannedObject(manifest));
    } else if (objectRole(old) === 'revision') {
      const content = immutableContentChanges(old, manifest);
      const scale = diffValues(scaleOf(old), scaleOf(manifest), ['spec']);
      if (content.length > 0) {
        const changes = redacted(manifest, content);
        violations.push({ ...plannedObject(manifest), message: guardMessage(manifest, changes), changes });
      } else if (scale.length > 0) {
        updated.push({ ...plannedObject(manifest), changes: scale, traffic: [], selectors: [] });
      } else {
        unchanged.push(plannedObject(manifest));
      }
    } else {
      const changes = diffValues(old, manifest);
      if (changes.length === 0) {
        unchanged.push(plannedObject(manifest));
      } else {
        updated.push({
          ...plannedObject(manifest),
          changes: redacted(manifest, changes),
          traffic: trafficChanges(old, manifest),
          selectors: selectorChanges(old, manifest),
        });
      }
    }
  }
  const gone = before.filter((m) => !next.has(objectIdentity(m)));
  const kept = options.kept ?? new Set<string>();
  return {
    created,
    updated,
    unchanged,
    retired: gone.filter((m) => !kept.has(objectIdentity(m))).map(plannedObject),
    kept: gone.filter((m) => kept.has(objectIdentity(m))).map(plannedObject),
    restarts: workloadRestarts(before, after),
    violations,
  };
}

/** How the plan describes an object. */
export function plannedObject(manifest: Manifest): PlannedObject {
  return {
    identity: objectIdentity(manifest),
    apiVersion: manifest.apiVersion,
    kind: manifest.kind,
    ...(manifest.metadata.namespace === undefined ? {} : { namespace: manifest.metadata.namespace }),
    name: manifest.metadata.name!,
    role: objectRole(manifest),
  };
}

/** Secret data never shows in a plan: plans end up in CI logs. */
function redacted(manifest: Manifest, changes: readonly FieldChange[]): FieldChange[] {
  if (manifest.kind !== 'Secret') {
    return [...changes];
  }
  return changes.map((change) => {
    if (!/^(data|stringData)\b/.test(change.path)) {
      return change;
    }
    return {
      path: change.path,
      ...('before' in change ? { before: REDACTED } : {}),
      ...('after' in change ? { after: REDACTED } : {}),
    };
  });
}
