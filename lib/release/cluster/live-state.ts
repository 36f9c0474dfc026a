import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { appliedView } from '../plan/applied-view';
import { ApiResources, resourceArgument } from './api-resources';
import { appLabelSelector, appScope, AppScope, isAppObject } from './app-scope';
import { FIELD_MANAGER } from './field-manager';
import { Kubectl, KubectlError } from './kubectl';

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

/**
 * Reads the live side of a release: the app's objects, found by label (one
 * `kubectl get` per namespace of the synthesis, one for cluster-scoped
 * types), and every object of the synthesis, by name.
 *
 * @param dist the synthesis, namespaces filled in (see `withNamespaces`)
 * @throws KubectlError when kubectl fails
 */
export function readLiveState(kubectl: Kubectl, resources: ApiResources, dist: readonly Manifest[]): LiveState {
  const appObjects = sortedByIdentity(listAppObjects(kubectl, resources, appScope(dist)));
  const live = new Map<string, Manifest>();
  for (const object of [...appObjects, ...getObjects(kubectl, resources, dist)]) {
    live.set(objectIdentity(object), object);
  }
  const desired = new Map(dist.map((m) => [objectIdentity(m), m]));
  const before = sortedByIdentity([...live.values()]).map((object) => appliedView(object, FIELD_MANAGER, desired.get(objectIdentity(object))));
  return { appObjects, before };
}

function listAppObjects(kubectl: Kubectl, resources: ApiResources, scope: AppScope): Manifest[] {
  const selector = appLabelSelector(scope);
  if (selector === undefined) {
    return [];
  }
  const types = (namespaced: boolean) => resources.all.filter((r) => r.namespaced === namespaced).map((r) => resourceArgument(r)).join(',');
  const calls = [
    ...scope.namespaces.map((namespace) => [types(true), '-n', namespace]),
    [types(false)],
  ];
  return calls
    .flatMap((call) => listItems(kubectl.output(['get', ...call, '-l', selector, '-o', 'json', '--show-managed-fields'])))
    .filter((object) => isAppObject(object, scope));
}

/** The live objects of the synthesis, by name: one `kubectl get` per resource type and namespace. */
function getObjects(kubectl: Kubectl, resources: ApiResources, dist: readonly Manifest[]): Manifest[] {
  const groups = new Map<string, { args: string[]; names: string[] }>();
  for (const manifest of dist) {
    const resource = resources.of(manifest.apiVersion, manifest.kind);
    if (resource === undefined) {
      continue;
    }
    const version = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/')[1] : manifest.apiVersion;
    const args = [resourceArgument(resource, version), ...(resource.namespaced ? ['-n', manifest.metadata.namespace!] : [])];
    const key = args.join(' ');
    const group = groups.get(key) ?? { args, names: [] };
    group.names.push(manifest.metadata.name!);
    groups.set(key, group);
  }
  return [...groups.values()].flatMap(({ args, names }) =>
    listItems(kubectl.output(['get', args[0], ...names, ...args.slice(1), '--ignore-not-found', '-o', 'json', '--show-managed-fields'])));
}

/** The objects of `kubectl get -o json` output: a List, one object, or nothing. */
function listItems(stdout: string): Manifest[] {
  if (stdout.trim() === '') {
    return [];
  }
  let parsed: { kind?: string; items?: Manifest[] };
  try {
    parsed = JSON.parse(stdout);
  } catch (error) {
    throw new KubectlError(`kubectl get printed something that is not JSON: ${(error as Error).message}`);
  }
  return parsed.kind === 'List' && Array.isArray(parsed.items) ? parsed.items : [parsed as unknown as Manifest];
}

function sortedByIdentity(objects: readonly Manifest[]): Manifest[] {
  return [...objects].sort((a, b) => {
    const x = objectIdentity(a);
    const y = objectIdentity(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
