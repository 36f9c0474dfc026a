import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { planRelease, ReleasePlan } from '../plan/release-plan';
import { retainedObjects } from '../plan/retention';
import { ApiResources } from './api-resources';
import { KubeApi } from './kube-api';
import { readLiveState } from './live-state';
import { withNamespaces } from './namespace-defaults';
import { appliedTypes, currentRevisions, readHistories, ReleaseHistory } from './release-history';

/** A release from what a cluster runs to a synthesis. */
export interface ClusterRelease {
  /** The resource types the cluster serves. */
  readonly resources: ApiResources;
  /** The synthesis, namespaces filled in. */
  readonly after: readonly Manifest[];
  /** The live objects of the app and of the synthesis, as applied. */
  readonly before: readonly Manifest[];
  /** The types of the app's live objects (see `resourceArgument`, without version). */
  readonly liveTypes: ReadonlySet<string>;
  /** The app's release history in each namespace of the synthesis. */
  readonly histories: ReadonlyMap<string, ReleaseHistory>;
  /** Identities of the retired objects that stay (`keep`). */
  readonly kept: ReadonlySet<string>;
  readonly plan: ReleasePlan;
}

/**
 * Plans the release of a synthesis onto a cluster: the
 * live objects of the app (of the types its histories say deploys applied,
 * else of every type) against the synthesis. Retired revisions stay by
 * `keep`, those of the recorded current releases first.
 *
 * @param keep how many retired revisions of each workload stay (the most recent ones)
 * @throws ClusterError when a read fails
 */
export async function planClusterRelease(api: KubeApi, dist: readonly Manifest[], keep: number): Promise<ClusterRelease> {
  const resources = await ApiResources.discover(api);
  const after = withNamespaces(dist, resources, () => api.namespace);
  const histories = await readHistories(api, after);
  const live = await readLiveState(api, resources, after, appliedTypes(histories));
  const wanted = new Set(after.map(objectIdentity));
  const kept = retainedObjects(live.appObjects.filter((m) => !wanted.has(objectIdentity(m))), keep, currentRevisions(histories));
  const liveTypes = new Set(live.appObjects.map((m) => resources.typeOf(m)).filter((t): t is string => t !== undefined));
  return { resources, after, before: live.before, liveTypes, histories, kept, plan: planRelease(live.before, after, { kept }) };
}
