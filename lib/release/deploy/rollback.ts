import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { listObjects } from '../cluster/api-objects';
import { ApiResources } from '../cluster/api-resources';
import { appScope } from '../cluster/app-scope';
import { DEPLOYMENTS } from '../cluster/known-resources';
import { KubeApi } from '../cluster/kube-api';
import { withNamespaces } from '../cluster/namespace-defaults';
import { historyName, readHistory, RecordedRelease, ReleaseHistory, writeHistory } from '../cluster/release-history';
import { DeployEvent } from './deploy-events';
import { GateTarget } from './health-gate';
import { DEFAULT_PARALLELISM, ReleaseWriter } from './release-writer';

/** Options of {@link rollbackRelease}. */
export interface RollbackOptions {
  /** The cluster's API. */
  readonly api: KubeApi;
  /** A synthesis of the app (any release of it): it names the app and its namespaces. */
  readonly dist: readonly Manifest[];
  /**
   * Take over fields another field manager owns.
   * @default false
   */
  readonly forceConflicts?: boolean;
  /**
   * How long each gate may take.
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /**
   * How many requests write at once.
   * @default 16
   */
  readonly parallelism?: number;
  /**
   * Hears the progress.
   * @default - nothing is reported
   */
  readonly onEvent?: (event: DeployEvent) => void;
}

/** How a rollback ended. */
export interface RollbackOutcome {
  /**
   * - `done`: the previous release's pointers are live again;
   * - `refused`: there is nothing to go back to (`reason` says why); nothing changed;
   * - `failed`: a write failed;
   * - `unhealthy`: a gate failed; the pointers are as they were.
   */
  readonly result: 'done' | 'refused' | 'failed' | 'unhealthy';
  /** Why it was refused. */
  readonly reason?: string;
}

/** The release live in a namespace and the one to go back to. */
interface NamespaceRollback {
  readonly namespace: string;
  /** The namespace's history as read (what the rollback does not change in it stays). */
  readonly history: ReleaseHistory;
  readonly current: RecordedRelease;
  readonly previous: RecordedRelease;
}

/**
 * Returns an app to its previous release by moving pointers only: the
 * previous release's revisions must still be live (deploy keeps them, see
 * `keep`), and healthy before any pointer moves; then its pointers are
 * applied as it had them (selectors, weights, policies; pointers only the
 * current release has are deleted) and checked to hold; if they do not,
 * the current pointers are put back. Creates no revision object and deletes
 * none. The previous release becomes the current one, so a second rollback
 * goes forward again.
 *
 * @throws ClusterError when the cluster cannot be reached or read
 */
export async function rollbackRelease(options: RollbackOptions): Promise<RollbackOutcome> {
  const { api } = options;
  const report = options.onEvent ?? (() => undefined);
  const resources = await ApiResources.discover(api);
  const after = withNamespaces(options.dist, resources, () => api.namespace);
  const scope = appScope(after);
  if (scope.partOf.length === 0) {
    return { result: 'refused', reason: 'the dist labels no object with app.kubernetes.io/part-of, so it names no app to roll back' };
  }
  const name = historyName(scope);
  const rollbacks: NamespaceRollback[] = [];
  for (const namespace of scope.namespaces) {
    const history = await readHistory(api, namespace, name);
    const { current, previous } = history;
    if (current === undefined) {
      continue;
    }
    if (previous === undefined) {
      return { result: 'refused', reason: `no previous release of ${scope.partOf.join(', ')} is recorded in namespace ${namespace}; each deploy records one, so there is one after the second deploy` };
    }
    rollbacks.push({ namespace, history, current, previous });
  }
  if (rollbacks.length === 0) {
    return { result: 'refused', reason: `no release of ${scope.partOf.join(', ')} is recorded in ${scope.namespaces.join(', ')}; deploy it first` };
  }
  const deployments = await liveDeployments(api, rollbacks);
  const missing = rollbacks.flatMap((r) => r.previous.deployments.filter((d) => !deployments.has(`${r.namespace}/${d}`)).map((d) => `${r.namespace}/${d}`));
  if (missing.length > 0) {
    return { result: 'refused', reason: `the previous release's revisions ${missing.join(', ')} are no longer in the cluster (deploy keeps the previous release unless --keep 0); nothing was changed` };
  }

  const writer = new ReleaseWriter(api, resources, undefined, {
    forceConflicts: options.forceConflicts ?? false,
    parallelism: options.parallelism ?? DEFAULT_PARALLELISM,
    timeoutSeconds: options.timeoutSeconds ?? 600,
    report,
  });
  const targets = rollbacks.flatMap((r) => r.previous.deployments.map((d): GateTarget => ({ kind: 'Deployment', namespace: r.namespace, name: d, minReady: 0 })));
  if ((await writer.gate(targets)).length > 0) {
    return { result: 'unhealthy' };
  }
  const back = rollbacks.flatMap((r) => r.previous.pointers);
  const wanted = new Set(back.map(objectIdentity));
  const currentPointers = rollbacks.flatMap((r) => r.current.pointers);
  const extra = currentPointers.filter((m) => !wanted.has(objectIdentity(m)));
  report({ type: 'step', step: 'route', count: back.length + extra.length });
  if (!await writer.apply('route', [back]) || !await writer.delete('route', [extra])) {
    return { result: 'failed' };
  }
  const revisions = rollbacks.flatMap((r) => r.previous.deployments.map((d) => deployments.get(`${r.namespace}/${d}`)!));
  if (!await writer.checkPointers(back, [...back, ...revisions])) {
    await writer.restore([...back, ...extra], new Map(currentPointers.map((m) => [objectIdentity(m), m])));
    return { result: 'unhealthy' };
  }
  for (const r of rollbacks) {
    await writeHistory(api, r.namespace, name, scope, { ...r.history, current: r.previous, previous: r.current });
  }
  return { result: 'done' };
}

/** The live revision Deployments of the releases' namespaces, by `namespace/name`. */
async function liveDeployments(api: KubeApi, rollbacks: readonly NamespaceRollback[]): Promise<Map<string, Manifest>> {
  const live = new Map<string, Manifest>();
  for (const { namespace } of rollbacks) {
    const items = await listObjects(api, DEPLOYMENTS, { namespace });
    for (const item of items) {
      if (item.metadata.deletionTimestamp === undefined) {
        live.set(`${namespace}/${item.metadata.name}`, item);
      }
    }
  }
  return live;
}
