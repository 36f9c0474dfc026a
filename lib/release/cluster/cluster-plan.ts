import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { planRelease, ReleasePlan } from '../plan/release-plan';
import { retainedObjects } from '../plan/retention';
import { ApiResources } from './api-resources';
import { Kubectl } from './kubectl';
import { readLiveState } from './live-state';
import { contextNamespace, withNamespaces } from './namespace-defaults';

/** A release from what a cluster runs to a synthesis. */
export interface ClusterRelease {
  /** The resource types the cluster serves. */
  readonly resources: ApiResources;
  /** The synthesis, namespaces filled in. */
  readonly after: readonly Manifest[];
  /** The live objects of the app and of the synthesis, as applied. */
  readonly before: readonly Manifest[];
  /** Identities of the retired objects that stay (`keep`). */
  readonly kept: ReadonlySet<string>;
  readonly plan: ReleasePlan;
}

/**
 * Plans the release of a synthesis onto the cluster kubectl talks to: the
 * live objects of the app against the synthesis.
 *
 * @param keep how many retired revisions of each workload stay (the most recent ones)
 * @param retainFirst the revision ids kept before the others (see `retainedObjects`), given the synthesis with namespaces filled in
 * @throws KubectlError when kubectl fails
 */
export async function planClusterRelease(
  kubectl: Kubectl,
  dist: readonly Manifest[],
  keep: number,
  retainFirst: (after: readonly Manifest[]) => ReadonlySet<string> = () => new Set(),
): Promise<ClusterRelease> {
  const resources = ApiResources.read(kubectl);
  const after = withNamespaces(dist, resources, contextNamespace(kubectl));
  const live = await readLiveState(kubectl, resources, after);
  const wanted = new Set(after.map(objectIdentity));
  const kept = retainedObjects(live.appObjects.filter((m) => !wanted.has(objectIdentity(m))), keep, retainFirst(after));
  return { resources, after, before: live.before, kept, plan: planRelease(live.before, after, { kept }) };
}
