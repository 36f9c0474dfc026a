import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { appliedView } from '../plan/applied-view';
import { getObject, listObjects, versionOf } from './api-objects';
import { ApiResource, ApiResources, resourceArgument } from './api-resources';
import { appLabelSelector, appScope, AppScope, isAppObject } from './app-scope';
import { runBounded } from './bounded';
import { FIELD_MANAGER } from './field-manager';
import { KubeApi } from './kube-api';

/** What the cluster holds of an app and of a synthesis of it. */
export interface LiveState {
  /** The app's live objects (see {@link AppScope}), as the API server returns them, sorted by identity. */
  readonly appObjects: readonly Manifest[];
  /**
   * The app's live objects and the live objects the synthesis names, as
   * applied (see `appliedView`), sorted by identity: the `before` of a plan.
   */
  readonly before: readonly Manifest[];
}

/** How many requests read at once. */
const READERS = 16;

/**
 * Resource types the library never emits, whose objects controllers make
 * with the app's labels copied onto them (a Pod per replica, a ReplicaSet per
 * revision, an EndpointSlice per Service, ...). No such object is ever the
 * app's (see `isAppObject`: owned, or applied by no one), so listing them by
 * label would only cost time, most of all at scale.
 */
const CONTROLLER_MADE = new Set([
  'pods',
  'endpoints',
  'events',
  'events.events.k8s.io',
  'replicasets.apps',
  'controllerrevisions.apps',
  'endpointslices.discovery.k8s.io',
]);

/**
 * Reads the live side of a release: the app's objects, found by label (each
 * served type listed per namespace of the synthesis, cluster-scoped ones
 * once, in parallel; only the synthesis's types and `appliedTypes` when
 * given), then the objects of the synthesis that listing did not find at
 * the synthesis's own API version, by name, in parallel. A namespace that
 * does not exist yet reads as empty.
 *
 * @param dist the synthesis, namespaces filled in (see `withNamespaces`)
 * @param appliedTypes every type the app's objects can be of besides those of the synthesis (see `ReleaseHistory.appliedTypes`)
 * @throws ClusterError when a read fails
 */
export async function readLiveState(
  api: KubeApi,
  resources: ApiResources,
  dist: readonly Manifest[],
  appliedTypes?: ReadonlySet<string>,
): Promise<LiveState> {
  const types = appliedTypes === undefined ? undefined : new Set([...appliedTypes, ...dist.map((m) => resources.typeOf(m))]);
  const listed = resources.all.filter((r) => !CONTROLLER_MADE.has(resourceArgument(r)) && (types === undefined || types.has(resourceArgument(r))));
  const appObjects = sortedByIdentity(await listAppObjects(api, listed, appScope(dist)));
  const live = new Map(appObjects.map((object) => [objectIdentity(object), object]));
  const unread = dist.filter((m) => live.get(objectIdentity(m))?.apiVersion !== m.apiVersion);
  for (const object of await getObjects(api, resources, unread)) {
    live.set(objectIdentity(object), object);
  }
  const desired = new Map(dist.map((m) => [objectIdentity(m), m]));
  const before = sortedByIdentity([...live.values()]).map((object) => appliedView(object, FIELD_MANAGER, desired.get(objectIdentity(object))));
  return { appObjects, before };
}

/** The app's objects of the `listed` types, listed by the app's labels. */
async function listAppObjects(api: KubeApi, listed: readonly ApiResource[], scope: AppScope): Promise<Manifest[]> {
  const labelSelector = appLabelSelector(scope);
  if (labelSelector === undefined) {
    return [];
  }
  const calls = listed.flatMap((resource): Array<{ resource: ApiResource; namespace?: string }> => (resource.namespaced
    ? scope.namespaces.map((namespace) => ({ resource, namespace }))
    : [{ resource, namespace: undefined }]));
  const lists = await runBounded(calls, READERS, ({ resource, namespace }) => listObjects(api, resource, { namespace, labelSelector }));
  return lists.flat().filter((object) => isAppObject(object, scope));
}

/** The live objects of the synthesis, by name, at its API versions; gone ones and those of types the cluster does not serve are left out. */
async function getObjects(api: KubeApi, resources: ApiResources, dist: readonly Manifest[]): Promise<Manifest[]> {
  const served = dist.flatMap((m) => {
    const resource = resources.of(m.apiVersion, m.kind);
    return resource === undefined ? [] : [{ resource, object: m }];
  });
  const objects = await runBounded(served, READERS, ({ resource, object }) =>
    getObject(api, resource, versionOf(object.apiVersion), object.metadata.namespace, object.metadata.name!));
  return objects.filter((o): o is Manifest => o !== undefined);
}

function sortedByIdentity(objects: readonly Manifest[]): Manifest[] {
  return [...objects].sort((a, b) => {
    const x = objectIdentity(a);
    const y = objectIdentity(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
