import { createHash } from 'crypto';
import { gunzipSync, gzipSync } from 'zlib';
import { LabelKeys, MANAGED_BY } from '../../core/labels';
import { Manifest } from '../../core/manifest-schema';
import { objectRole } from '../../core/object-role';
import { applyObject, getObject } from './api-objects';
import { appScope, AppScope } from './app-scope';
import { ClusterError } from './cluster-error';
import { CONFIG_MAPS } from './known-resources';
import { KubeApi } from './kube-api';

/** A release as `rollback` needs it, in one namespace. */
export interface RecordedRelease {
  /** A digest of its pointers and revisions. */
  readonly id: string;
  /** Its namespaced pointers, as it applied them. */
  readonly pointers: readonly Manifest[];
  /** The revision ids it ran. */
  readonly revisions: readonly string[];
  /** Its revision Deployments. */
  readonly deployments: readonly string[];
}

/** The releases of an app in one namespace: the one live now and the one before. */
export interface ReleaseHistory {
  readonly current?: RecordedRelease;
  readonly previous?: RecordedRelease;
  /**
   * Every resource type (`resourceArgument` without version, e.g.
   * `deployments.apps`) a deploy of the app has applied, recorded before it
   * applies anything: the only types a planning read must list to find the
   * app's live objects.
   */
  readonly appliedTypes?: readonly string[];
}

const DATA_KEY = 'history.json.gz';
const PART_OF_ANNOTATION = 'immutable-infra.dev/part-of';

/**
 * The name of the ConfigMap that records an app's releases in each of its
 * namespaces. It carries no `part-of` label, so it is never one of the app's
 * objects: no plan shows it and no deploy prunes it.
 */
export function historyName(scope: AppScope): string {
  return `immutable-infra-releases-${createHash('sha256').update(scope.partOf.join(',')).digest('hex').slice(0, 10)}`;
}

/** What a synthesis (namespaces filled in) runs in one namespace, as a release to record. */
export function recordedRelease(after: readonly Manifest[], namespace: string): RecordedRelease {
  const objects = after.filter((m) => m.metadata.namespace === namespace);
  const pointers = objects.filter((m) => objectRole(m) === 'pointer');
  const deployments = objects.filter((m) => m.kind === 'Deployment' && objectRole(m) === 'revision');
  const revisions = deployments.map((d) => ((d.metadata.labels ?? {}) as Record<string, string>)[LabelKeys.REVISION]);
  const content = JSON.stringify({ pointers, revisions });
  return {
    id: createHash('sha256').update(content).digest('hex').slice(0, 12),
    pointers,
    revisions,
    deployments: deployments.map((d) => d.metadata.name!),
  };
}

/** The history after `release` went live: the current one becomes the previous, unless it is the same release. */
export function advancedHistory(history: ReleaseHistory, release: RecordedRelease): ReleaseHistory {
  if (history.current?.id === release.id) {
    return { ...history, current: release };
  }
  return { ...history, current: release, previous: history.current };
}

/**
 * The history with `types` added to its applied types.
 *
 * @returns `undefined` when it records them all already
 */
export function withAppliedTypes(history: ReleaseHistory, types: Iterable<string>): ReleaseHistory | undefined {
  const recorded = new Set([...(history.appliedTypes ?? []), ...types]);
  if (history.appliedTypes !== undefined && recorded.size === new Set(history.appliedTypes).size) {
    return undefined;
  }
  return { ...history, appliedTypes: [...recorded].sort() };
}

/**
 * The resource types the app may have live objects of, by its histories:
 * those recorded in every namespace of the synthesis, or `undefined` when a
 * namespace records none (then every type must be listed).
 */
export function appliedTypes(histories: ReadonlyMap<string, ReleaseHistory>): Set<string> | undefined {
  if (histories.size === 0 || [...histories.values()].some((h) => h.appliedTypes === undefined)) {
    return undefined;
  }
  return new Set([...histories.values()].flatMap((h) => h.appliedTypes!));
}

/** The app's release histories in each namespace of a synthesis (namespaces filled in). */
export async function readHistories(api: KubeApi, after: readonly Manifest[]): Promise<Map<string, ReleaseHistory>> {
  const scope = appScope(after);
  const namespaces = scope.partOf.length === 0 ? [] : scope.namespaces;
  const histories = await Promise.all(namespaces.map((namespace) => readHistory(api, namespace, historyName(scope))));
  return new Map(namespaces.map((namespace, index) => [namespace, histories[index]]));
}

/** The revision ids the recorded current releases run: those a new release retains first. */
export function currentRevisions(histories: ReadonlyMap<string, ReleaseHistory>): Set<string> {
  return new Set([...histories.values()].flatMap((h) => h.current?.revisions ?? []));
}

/**
 * Reads an app's release history in a namespace.
 *
 * @throws ClusterError when the read fails or the record cannot be read
 */
export async function readHistory(api: KubeApi, namespace: string, name: string): Promise<ReleaseHistory> {
  const configMap = await getObject(api, CONFIG_MAPS, CONFIG_MAPS.version, namespace, name);
  const data = (configMap?.binaryData as Record<string, unknown> | undefined)?.[DATA_KEY];
  if (typeof data !== 'string') {
    return {};
  }
  try {
    return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as ReleaseHistory;
  } catch (error) {
    throw new ClusterError(`the release history ${namespace}/${name} cannot be read (${(error as Error).message}); delete it to start a new one`);
  }
}

/**
 * Writes an app's release history in a namespace (server-side apply).
 *
 * @throws ClusterError when the write fails
 */
export async function writeHistory(api: KubeApi, namespace: string, name: string, scope: AppScope, history: ReleaseHistory): Promise<void> {
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      labels: { [LabelKeys.MANAGED_BY]: MANAGED_BY },
      annotations: { [PART_OF_ANNOTATION]: scope.partOf.join(',') },
    },
    binaryData: { [DATA_KEY]: gzipSync(JSON.stringify(history)).toString('base64') },
  };
  try {
    await applyObject(api, CONFIG_MAPS, configMap, true);
  } catch (error) {
    throw new ClusterError(`writing the release history ${namespace}/${name} failed: ${(error as Error).message}`);
  }
}
