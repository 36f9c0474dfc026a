import { Manifest } from '../../core/manifest-schema';
import { applyObject, deleteObject } from '../cluster/api-objects';
import { ApiResource, ApiResources } from '../cluster/api-resources';
import { runBounded } from '../cluster/bounded';
import { KubeApi } from '../cluster/kube-api';

/** How objects are written in bulk. */
export interface BulkOptions {
  /** Take over fields another field manager owns (kubectl's `--force-conflicts`). */
  readonly forceConflicts: boolean;
  /** How many requests write at once. */
  readonly parallelism: number;
}

/** An object that could not be written, and what the API server said. */
export interface BulkFailure {
  readonly object: Manifest;
  readonly error: string;
}

/**
 * Server-side applies objects (field manager `immutable-infra`), one
 * request each, at most `parallelism` at once. Objects of one wave are
 * independent of each other; call it once per wave to keep an order.
 *
 * @param onApplied hears each object that applied
 * @returns the first object (in the wave's order) that failed, once every write has ended; `undefined` when all applied
 */
export async function applyInBulk(
  api: KubeApi,
  resources: ApiResources,
  objects: readonly Manifest[],
  options: BulkOptions,
  onApplied: (object: Manifest) => void,
): Promise<BulkFailure | undefined> {
  return firstFailure(resources, objects, options.parallelism, async (resource, object) => {
    await applyObject(api, resource, object, options.forceConflicts);
    onApplied(object);
  });
}

/**
 * Deletes objects without waiting for finalizers (a Namespace takes its
 * time), their dependents in the background; gone already is fine. One
 * request each, at most `parallelism` at once.
 *
 * @param onDeleted hears each object deleted (or gone already)
 * @returns the first object (in the wave's order) that failed; `undefined` when all were deleted
 */
export async function deleteInBulk(
  api: KubeApi,
  resources: ApiResources,
  objects: readonly Manifest[],
  parallelism: number,
  onDeleted: (object: Manifest) => void,
): Promise<BulkFailure | undefined> {
  return firstFailure(resources, objects, parallelism, async (resource, object) => {
    await deleteObject(api, resource, object.metadata.namespace, object.metadata.name!);
    onDeleted(object);
  });
}

/** Runs `write` on every object of a served type, `parallelism` at once; the first failure in the objects' order. */
async function firstFailure(
  resources: ApiResources,
  objects: readonly Manifest[],
  parallelism: number,
  write: (resource: ApiResource, object: Manifest) => Promise<void>,
): Promise<BulkFailure | undefined> {
  const unserved = objects.find((m) => resources.of(m.apiVersion, m.kind) === undefined);
  if (unserved !== undefined) {
    return { object: unserved, error: `the cluster no longer serves ${unserved.apiVersion} ${unserved.kind}` };
  }
  const failures = await runBounded(objects, parallelism, async (object): Promise<BulkFailure | undefined> => {
    try {
      await write(resources.of(object.apiVersion, object.kind)!, object);
      return undefined;
    } catch (error) {
      return { object, error: (error as Error).message };
    }
  });
  return failures.find((f) => f !== undefined);
}
