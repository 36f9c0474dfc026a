import { Manifest } from '../../core/manifest-schema';
import { objectIdentity, objectReference } from '../../core/object-identity';
import { toYaml } from '../../core/yaml';
import { appliedView } from '../plan/applied-view';
import { ApiResource, ApiResources, resourceArgument } from './api-resources';
import { appLabelSelector, appScope, AppScope, isAppObject } from './app-scope';
import { chunks, runBounded } from './bounded';
import { FIELD_MANAGER } from './field-manager';
import { Kubectl, kubectlItems } from './kubectl';

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

/** How many kubectl processes read at once. */
const READERS = 4;
/** The fewest and the most objects one `kubectl get -f -` reads by name. */
const MIN_BATCH = 50;
const MAX_BATCH = 250;

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
 * Reads the live side of a release: the app's objects, found by label (the
 * served types listed per namespace of the synthesis, and cluster-scoped,
 * in a few parallel `kubectl get` calls; only the synthesis's types and
 * `appliedTypes` when given), then the objects of the synthesis that
 * listing did not find at the synthesis's own API version, by name
 * (`kubectl get -f -` in batches, which kubectl does not throttle the way
 * it does `get <type> <name>...`). A namespace that does not exist yet
 * reads as empty.
 *
 * @param dist the synthesis, namespaces filled in (see `withNamespaces`)
 * @param appliedTypes every type the app's objects can be of besides those of the synthesis (see `ReleaseHistory.appliedTypes`)
 * @throws KubectlError when kubectl fails
 */
export async function readLiveState(
  kubectl: Kubectl,
  resources: ApiResources,
  dist: readonly Manifest[],
  appliedTypes?: ReadonlySet<string>,
): Promise<LiveState> {
  const types = appliedTypes === undefined ? undefined : new Set([...appliedTypes, ...dist.map((m) => resources.typeOf(m))]);
  const listed = resources.all.filter((r) => !CONTROLLER_MADE.has(resourceArgument(r)) && (types === undefined || types.has(resourceArgument(r))));
  const appObjects = sortedByIdentity(await listAppObjects(kubectl, listed, appScope(dist)));
  const live = new Map(appObjects.map((object) => [objectIdentity(object), object]));
  const unread = dist.filter((m) => live.get(objectIdentity(m))?.apiVersion !== m.apiVersion);
  for (const object of await getObjects(kubectl, resources, unread)) {
    live.set(objectIdentity(object), object);
  }
  const desired = new Map(dist.map((m) => [objectIdentity(m), m]));
  const before = sortedByIdentity([...live.values()]).map((object) => appliedView(object, FIELD_MANAGER, desired.get(objectIdentity(object))));
  return { appObjects, before };
}

/** The app's objects of the `listed` types, listed by the app's labels. */
async function listAppObjects(kubectl: Kubectl, listed: readonly ApiResource[], scope: AppScope): Promise<Manifest[]> {
  const selector = appLabelSelector(scope);
  if (selector === undefined) {
    return [];
  }
  const namespaced = listed.filter((r) => r.namespaced);
  const calls = [
    ...scope.namespaces.flatMap((namespace) => shares(namespaced, READERS).map((types) => [typeList(types), '-n', namespace])),
    [typeList(listed.filter((r) => !r.namespaced))],
  ].filter(([types]) => types !== '');
  const lists = await runBounded(calls, READERS, async (call) =>
    kubectlItems<Manifest>(await kubectl.outputAsync(['get', ...call, '-l', selector, '-o', 'json', '--show-managed-fields'])));
  return lists.flat().filter((object) => isAppObject(object, scope));
}

/** The live objects of the synthesis, by name; gone ones and those of types the cluster does not serve are left out. */
async function getObjects(kubectl: Kubectl, resources: ApiResources, dist: readonly Manifest[]): Promise<Manifest[]> {
  const references = dist
    .filter((m) => resources.of(m.apiVersion, m.kind) !== undefined)
    .map(objectReference);
  const batches = chunks(references, Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.ceil(references.length / READERS))));
  const lists = await runBounded(batches, READERS, async (batch) =>
    kubectlItems<Manifest>(await kubectl.outputAsync(['get', '-f', '-', '--ignore-not-found', '-o', 'json', '--show-managed-fields'], toYaml(batch))));
  return lists.flat();
}

/** `items` cut into at most `count` runs of nearly equal length, in order; none empty. */
function shares<T>(items: readonly T[], count: number): T[][] {
  return chunks(items, Math.ceil(items.length / Math.max(1, count)));
}

function typeList(types: readonly ApiResource[]): string {
  return types.map((r) => resourceArgument(r)).join(',');
}

function sortedByIdentity(objects: readonly Manifest[]): Manifest[] {
  return [...objects].sort((a, b) => {
    const x = objectIdentity(a);
    const y = objectIdentity(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
