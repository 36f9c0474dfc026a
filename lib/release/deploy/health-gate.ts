import { LabelKeys, MANAGED_BY } from '../../core/labels';
import { Manifest } from '../../core/manifest-schema';
import { objectRole } from '../../core/object-role';
import { getObject, listObjects } from '../cluster/api-objects';
import { FIRST_POLL_MS, pollIntervals, runBounded, sleep } from '../cluster/bounded';
import { DEPLOYMENTS, KNATIVE_SERVICES } from '../cluster/known-resources';
import { KubeApi } from '../cluster/kube-api';
import { podDiagnostics } from './pod-diagnostics';

type Json = Record<string, any>;

/** A workload the gate waits for. */
export interface GateTarget {
  /** `Deployment` (a revision), or a Knative `Service` (a function). */
  readonly kind: 'Deployment' | 'KnativeService';
  readonly namespace: string;
  readonly name: string;
  /** Ready pods needed besides the Deployment's own count: its autoscaler's minimum. */
  readonly minReady: number;
}

/** Where a target stands. */
export interface GateProgress {
  readonly target: GateTarget;
  readonly ready: number;
  readonly expected: number;
  readonly healthy: boolean;
  /** Why it is not healthy yet, in the cluster's words. */
  readonly reason?: string;
}

/** A target that did not become healthy, and why. */
export interface GateFailure {
  readonly target: GateTarget;
  readonly reason: string;
  /** Pod conditions, container states and events that explain it. */
  readonly details: readonly string[];
}

/** Options of {@link awaitHealthy}. */
export interface GateOptions {
  /** How long the targets may take, all together. */
  readonly timeoutMs: number;
  /** The longest wait between two reads of the cluster (the first waits are shorter: see `pollIntervals`). */
  readonly pollMs: number;
  /** Hears every change of a target's readiness. */
  readonly onProgress: (progress: GateProgress) => void;
}

const KNATIVE_GROUP = 'serving.knative.dev/';

/**
 * The workloads of a release whose health gates its traffic: every revision
 * Deployment (with its autoscaler's minimum) and, unless `functions` is
 * false, every Knative Service.
 */
export function gateTargets(after: readonly Manifest[], functions: boolean): GateTarget[] {
  const minimums = new Map<string, number>();
  for (const m of after) {
    if (m.kind === 'HorizontalPodAutoscaler') {
      const spec = m.spec as Json;
      minimums.set(`${m.metadata.namespace}/${spec.scaleTargetRef?.name}`, spec.minReplicas ?? 1);
    }
  }
  return after.flatMap((m): GateTarget[] => {
    const namespace = m.metadata.namespace ?? 'default';
    const name = m.metadata.name!;
    if (m.kind === 'Deployment' && objectRole(m) === 'revision') {
      return [{ kind: 'Deployment', namespace, name, minReady: minimums.get(`${namespace}/${name}`) ?? 0 }];
    }
    if (functions && m.kind === 'Service' && m.apiVersion.startsWith(KNATIVE_GROUP)) {
      return [{ kind: 'KnativeService', namespace, name, minReady: 0 }];
    }
    return [];
  });
}

/**
 * Waits until every target is healthy: a Deployment observed at its
 * generation with every replica updated, ready and available (at least its
 * autoscaler's minimum) and `Available`; a Knative Service `Ready` at its
 * generation. Fails at once on a Deployment whose progress deadline passed,
 * else when the time is up.
 *
 * @returns the targets that failed; empty when all are healthy
 */
export async function awaitHealthy(api: KubeApi, targets: readonly GateTarget[], options: GateOptions): Promise<GateFailure[]> {
  const deadline = Date.now() + options.timeoutMs;
  const last = new Map<GateTarget, GateProgress>();
  let pending = [...targets];
  const intervals = pollIntervals(FIRST_POLL_MS, options.pollMs);
  for (;;) {
    const live = await readLive(api, pending);
    const progress = pending.map((target) => progressOf(target, live.get(key(target.kind, target.namespace, target.name))));
    for (const p of progress) {
      const before = last.get(p.target);
      if (
        before === undefined || before.ready !== p.ready || before.expected !== p.expected ||
        before.healthy !== p.healthy || before.reason !== p.reason
      ) {
        options.onProgress(p);
        last.set(p.target, p);
      }
    }
    pending = progress.filter((p) => !p.healthy).map((p) => p.target);
    const stuck = progress.filter((p) => !p.healthy && p.reason?.startsWith('ProgressDeadlineExceeded'));
    if (pending.length === 0) {
      return [];
    }
    if (stuck.length > 0 || Date.now() >= deadline) {
      const failing = stuck.length > 0 ? stuck : progress.filter((p) => !p.healthy);
      const seconds = Math.round(options.timeoutMs / 1000);
      return Promise.all(failing.map(async (p) => ({
        target: p.target,
        reason: stuck.includes(p) ? p.reason! : `not healthy after ${seconds}s: ${p.reason ?? `${p.ready}/${p.expected} ready`}`,
        details: await podDiagnostics(api, p.target),
      })));
    }
    await sleep(Math.min(intervals.next().value, Math.max(0, deadline - Date.now())));
  }
}

function key(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** Up to how many targets of a kind and namespace are read by name rather than by listing them all. */
const BY_NAME_LIMIT = 50;
/** How many reads run at once. */
const READERS = 16;

/**
 * The live targets: per kind and namespace, a few by name, many in one
 * list (the app's Deployments by label).
 */
async function readLive(api: KubeApi, targets: readonly GateTarget[]): Promise<Map<string, Json>> {
  const groups = new Map<string, GateTarget[]>();
  for (const target of targets) {
    const group = `${target.kind} ${target.namespace}`;
    groups.set(group, [...(groups.get(group) ?? []), target]);
  }
  const reads = [...groups.values()].flatMap((group) => {
    const { kind, namespace } = group[0];
    const resource = kind === 'Deployment' ? DEPLOYMENTS : KNATIVE_SERVICES;
    if (group.length > BY_NAME_LIMIT) {
      const labelSelector = kind === 'Deployment' ? `${LabelKeys.MANAGED_BY}=${MANAGED_BY}` : undefined;
      return [{ kind, namespace, read: () => listObjects(api, resource, { namespace, labelSelector }) }];
    }
    return group.map((t) => ({ kind, namespace, read: async () => [await getObject(api, resource, resource.version, namespace, t.name)] }));
  });
  const live = new Map<string, Json>();
  await runBounded(reads, READERS, async ({ kind, namespace, read }) => {
    for (const item of await read()) {
      if (item !== undefined) {
        live.set(key(kind, namespace, item.metadata.name!), item);
      }
    }
  });
  return live;
}

function progressOf(target: GateTarget, live: Json | undefined): GateProgress {
  if (live === undefined) {
    return { target, ready: 0, expected: Math.max(1, target.minReady), healthy: false, reason: 'not found in the cluster' };
  }
  return target.kind === 'Deployment' ? deploymentProgress(target, live) : knativeProgress(target, live);
}

function deploymentProgress(target: GateTarget, live: Json): GateProgress {
  const status = live.status ?? {};
  const expected = Math.max(live.spec?.replicas ?? 1, target.minReady);
  const ready = status.readyReplicas ?? 0;
  const conditions = (status.conditions ?? []) as Json[];
  const progressing = conditions.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return { target, ready, expected, healthy: false, reason: `ProgressDeadlineExceeded: ${progressing.message}` };
  }
  if ((status.observedGeneration ?? 0) < (live.metadata.generation ?? 1)) {
    return { target, ready, expected, healthy: false, reason: 'the controller has not seen this generation yet' };
  }
  const counts = [status.replicas ?? 0, status.updatedReplicas ?? 0, status.availableReplicas ?? 0, ready];
  const available = expected === 0 || conditions.some((c) => c.type === 'Available' && c.status === 'True');
  if (counts.slice(1).every((n) => n >= expected) && (status.replicas ?? 0) <= Math.max(expected, live.spec?.replicas ?? 1) && available) {
    return { target, ready, expected, healthy: true };
  }
  return { target, ready, expected, healthy: false, reason: `${ready}/${expected} ready, ${status.availableReplicas ?? 0} available` };
}

function knativeProgress(target: GateTarget, live: Json): GateProgress {
  const status = live.status ?? {};
  if (status.observedGeneration === undefined) {
    return { target, ready: 0, expected: 1, healthy: false, reason: 'no Knative Serving controller has reported on it (is Knative Serving installed?)' };
  }
  const readyCondition = ((status.conditions ?? []) as Json[]).find((c) => c.type === 'Ready');
  const healthy = status.observedGeneration >= (live.metadata.generation ?? 1) && readyCondition?.status === 'True';
  const reason = healthy ? undefined : `Ready=${readyCondition?.status ?? 'Unknown'}${readyCondition?.reason ? ` (${readyCondition.reason}: ${readyCondition.message ?? ''})` : ''}`;
  return { target, ready: healthy ? 1 : 0, expected: 1, healthy, reason };
}
