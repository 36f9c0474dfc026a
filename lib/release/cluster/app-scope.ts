import { LabelKeys, MANAGED_BY } from '../../core/labels';
import { Manifest } from '../../core/manifest-schema';
import { appliedBy } from '../plan/applied-view';
import { FIELD_MANAGER } from './field-manager';

/**
 * What "this app" is in a cluster, for a synthesis: the live objects
 * - labelled `app.kubernetes.io/managed-by=immutable-infra` and
 *   `app.kubernetes.io/part-of=<a part-of value of the synthesis>` (the
 *   labels the library puts on every object of a service),
 * - in a namespace of the synthesis (cluster-scoped objects: anywhere), so
 *   the same app in another namespace (shop-prod beside shop-dev) is never
 *   touched,
 * - applied by `immutable-infra deploy` (its field manager owns fields of
 *   them), owned by no other object and not being deleted: the labels the
 *   controllers copy (Endpoints, EndpointSlices, ReplicaSets, Pods) and
 *   objects other tools applied never make an object part of the app.
 * Objects without those labels (the shop's Namespace, a mesh's
 * namespace-wide policies) are compared when the synthesis has them, and
 * never pruned.
 */
export interface AppScope {
  /** The `app.kubernetes.io/part-of` values of the synthesis, sorted. */
  readonly partOf: readonly string[];
  /** The namespaces of the synthesis: of its objects and the Namespaces it declares, sorted. */
  readonly namespaces: readonly string[];
}

/** The app a synthesis describes. */
export function appScope(dist: readonly Manifest[]): AppScope {
  const partOf = new Set<string>();
  const namespaces = new Set<string>();
  for (const manifest of dist) {
    const value = ((manifest.metadata.labels ?? {}) as Record<string, string>)[LabelKeys.PART_OF];
    if (value !== undefined) {
      partOf.add(value);
    }
    const namespace = manifest.kind === 'Namespace' && manifest.apiVersion === 'v1' ? manifest.metadata.name : manifest.metadata.namespace;
    if (namespace !== undefined) {
      namespaces.add(namespace);
    }
  }
  return { partOf: [...partOf].sort(), namespaces: [...namespaces].sort() };
}

/**
 * The label selector of the app's objects.
 *
 * @returns `undefined` when the synthesis carries no `app.kubernetes.io/part-of` label (then no live object is the app's)
 */
export function appLabelSelector(scope: AppScope): string | undefined {
  if (scope.partOf.length === 0) {
    return undefined;
  }
  return `${LabelKeys.MANAGED_BY}=${MANAGED_BY},${LabelKeys.PART_OF} in (${scope.partOf.join(',')})`;
}

/** Whether a live object (with its `managedFields`) is one of the app's, by every rule of {@link AppScope}. */
export function isAppObject(live: Manifest, scope: AppScope): boolean {
  const labels = (live.metadata.labels ?? {}) as Record<string, string>;
  const owners = (live.metadata.ownerReferences ?? []) as unknown[];
  const namespace = live.metadata.namespace;
  return labels[LabelKeys.MANAGED_BY] === MANAGED_BY &&
    scope.partOf.includes(labels[LabelKeys.PART_OF]) &&
    (namespace === undefined || scope.namespaces.includes(namespace)) &&
    owners.length === 0 &&
    live.metadata.deletionTimestamp === undefined &&
    appliedBy(live, FIELD_MANAGER);
}
