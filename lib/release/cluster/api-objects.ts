import { Manifest } from '../../core/manifest-schema';
import type { ApiResource } from './api-resources';
import { ApiStatusError } from './cluster-error';
import { FIELD_MANAGER } from './field-manager';
import { KubeApi } from './kube-api';

/** Where to list objects of a type. */
export interface ListScope {
  /**
   * The namespace.
   * @default - every namespace (a cluster-scoped type: the cluster)
   */
  readonly namespace?: string;
  /**
   * A label selector, e.g. `app.kubernetes.io/managed-by=immutable-infra`.
   * @default - every object
   */
  readonly labelSelector?: string;
  /**
   * The API version to read them at.
   * @default - the version the cluster prefers
   */
  readonly version?: string;
}

/**
 * The API path of a resource type (`/api/v1/…` for the core group,
 * `/apis/<group>/<version>/…` else), in a namespace when it is namespaced
 * and one is given, and of one object when `name` is given.
 */
export function resourcePath(resource: ApiResource, version: string, namespace?: string, name?: string): string {
  const base = resource.group === '' ? `/api/${version}` : `/apis/${resource.group}/${version}`;
  const scope = resource.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${resource.name}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

/** The objects of a type (managed fields included), each with its `apiVersion` and `kind` (a list's items carry none). */
export async function listObjects(api: KubeApi, resource: ApiResource, scope: ListScope = {}): Promise<Manifest[]> {
  const version = scope.version ?? resource.version;
  const list = await api.request<{ items?: Manifest[] }>({
    method: 'GET',
    path: resourcePath(resource, version, scope.namespace),
    query: scope.labelSelector === undefined ? undefined : { labelSelector: scope.labelSelector },
  });
  const apiVersion = resource.group === '' ? version : `${resource.group}/${version}`;
  return (list?.items ?? []).map((item) => ({ ...item, apiVersion, kind: resource.kind }));
}

/**
 * One object by name (managed fields included).
 *
 * @returns `undefined` when it does not exist
 */
export async function getObject(
  api: KubeApi,
  resource: ApiResource,
  version: string,
  namespace: string | undefined,
  name: string,
): Promise<Manifest | undefined> {
  try {
    return await api.request<Manifest>({ method: 'GET', path: resourcePath(resource, version, namespace, name) });
  } catch (error) {
    if (error instanceof ApiStatusError && error.code === 404) {
      return undefined;
    }
    throw error;
  }
}

/**
 * Server-side applies an object (field manager `immutable-infra`), at its
 * own API version.
 *
 * @param force take over fields another field manager owns (kubectl's `--force-conflicts`)
 * @returns the object as the API server stored it
 */
export async function applyObject(api: KubeApi, resource: ApiResource, object: Manifest, force: boolean): Promise<Manifest> {
  return api.request<Manifest>({
    method: 'PATCH',
    path: resourcePath(resource, versionOf(object.apiVersion), object.metadata.namespace, object.metadata.name!),
    query: { fieldManager: FIELD_MANAGER, ...(force ? { force: 'true' } : {}) },
    body: JSON.stringify(object),
    contentType: 'application/apply-patch+yaml',
  });
}

/**
 * Deletes an object without waiting for its finalizers, its dependents in
 * the background (kubectl delete's default).
 *
 * @returns whether it was there
 */
export async function deleteObject(api: KubeApi, resource: ApiResource, namespace: string | undefined, name: string): Promise<boolean> {
  try {
    await api.request({ method: 'DELETE', path: resourcePath(resource, resource.version, namespace, name), query: { propagationPolicy: 'Background' } });
    return true;
  } catch (error) {
    if (error instanceof ApiStatusError && error.code === 404) {
      return false;
    }
    throw error;
  }
}

/** The version of an `apiVersion` (`apps/v1` → `v1`, `v1` → `v1`). */
export function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}
