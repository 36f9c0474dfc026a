import { Manifest } from '../../core/manifest-schema';
import { objectReference } from '../../core/object-identity';
import { toYaml } from '../../core/yaml';
import { ApiResources, resourceArgument } from '../cluster/api-resources';
import { chunks, runBounded } from '../cluster/bounded';
import { FIELD_MANAGER } from '../cluster/field-manager';
import { Kubectl } from '../cluster/kubectl';

/** How objects are written in bulk. */
export interface BulkOptions {
  /** Take over fields another field manager owns (`--force-conflicts`). */
  readonly forceConflicts: boolean;
  /** How many kubectl processes run at once. */
  readonly parallelism: number;
}

/** A batch that failed: its objects and what kubectl said. */
export interface BulkFailure {
  /** The objects of the batch that failed; the one kubectl names first, first. */
  readonly objects: readonly Manifest[];
  readonly error: string;
}

/** The most objects one kubectl call writes. */
const MAX_BATCH = 250;

/**
 * Server-side applies objects in batches: one `kubectl apply` per batch of
 * one namespace, at most `parallelism` at once. Objects of one wave are
 * independent of each other; call it once per wave to keep an order.
 *
 * @param onApplied hears each batch that applied, with its objects
 * @returns the first failed batch, once every batch has ended; `undefined` when all applied
 */
export async function applyInBulk(
  kubectl: Kubectl,
  objects: readonly Manifest[],
  options: BulkOptions,
  onApplied: (objects: readonly Manifest[]) => void,
): Promise<BulkFailure | undefined> {
  const args = ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, ...(options.forceConflicts ? ['--force-conflicts'] : []), '-f', '-'];
  const batches = batchesOf(objects, (m) => m.metadata.namespace ?? '', options.parallelism);
  const failures = await runBounded(batches, options.parallelism, async (batch) => {
    const result = await kubectl.runAsync(args, toYaml(batch));
    if (result.status === 0) {
      onApplied(batch);
      return undefined;
    }
    return failureOf(batch, result.stderr.trim() || result.stdout.trim());
  });
  return failures.find((f) => f !== undefined);
}

/**
 * Deletes objects without waiting for finalizers (a Namespace takes its
 * time); gone already is fine. One `kubectl delete -f -` per batch of a
 * resource type and namespace (objects named by `objectReference`), at
 * most `parallelism` at once.
 *
 * @returns the first failed batch; `undefined` when all were deleted
 */
export async function deleteInBulk(
  kubectl: Kubectl,
  resources: ApiResources,
  objects: readonly Manifest[],
  parallelism: number,
  onDeleted: (objects: readonly Manifest[]) => void,
): Promise<BulkFailure | undefined> {
  const unserved = objects.find((m) => resources.of(m.apiVersion, m.kind) === undefined);
  if (unserved !== undefined) {
    return { objects: [unserved], error: `the cluster no longer serves ${unserved.apiVersion} ${unserved.kind}` };
  }
  const typeOf = (m: Manifest) => `${resourceArgument(resources.of(m.apiVersion, m.kind)!)} ${m.metadata.namespace ?? ''}`;
  const failures = await runBounded(batchesOf(objects, typeOf, parallelism), parallelism, async (batch) => {
    const result = await kubectl.runAsync(['delete', '-f', '-', '--ignore-not-found', '--wait=false'], toYaml(batch.map(objectReference)));
    if (result.status === 0) {
      onDeleted(batch);
      return undefined;
    }
    return failureOf(batch, result.stderr.trim());
  });
  return failures.find((f) => f !== undefined);
}

/**
 * Objects grouped by `key` (in first-seen order), each group cut into
 * batches small enough that `parallelism` processes share the work.
 */
function batchesOf(objects: readonly Manifest[], key: (m: Manifest) => string, parallelism: number): Manifest[][] {
  const groups = new Map<string, Manifest[]>();
  for (const object of objects) {
    groups.set(key(object), [...(groups.get(key(object)) ?? []), object]);
  }
  const size = Math.min(MAX_BATCH, Math.max(1, Math.ceil(objects.length / parallelism)));
  return [...groups.values()].flatMap((group) => chunks(group, size));
}

/** The batch, the object kubectl's message names (by kind and name, else by name) first. */
function failureOf(batch: readonly Manifest[], error: string): BulkFailure {
  const named = batch.find((m) => error.includes(`${m.kind} "${m.metadata.name}"`)) ??
    batch.find((m) => error.includes(`"${m.metadata.name}"`) || error.includes(`/${m.metadata.name} `) || error.includes(`/${m.metadata.name}:`));
  return { objects: named === undefined ? batch : [named, ...batch.filter((m) => m !== named)], error };
}
