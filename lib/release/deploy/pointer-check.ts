import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { objectRole } from '../../core/object-role';
import { listObjects, versionOf } from '../cluster/api-objects';
import { ApiResource, ApiResources } from '../cluster/api-resources';
import { FIRST_POLL_MS, pollIntervals, runBounded, sleep } from '../cluster/bounded';
import { FIELD_MANAGER } from '../cluster/field-manager';
import { ENDPOINT_SLICES } from '../cluster/known-resources';
import { KubeApi } from '../cluster/kube-api';
import { appliedView } from '../plan/applied-view';
import { diffValues } from '../plan/manifest-diff';

type Json = Record<string, any>;

/** A Service and the revisions whose ready pods it must have among its endpoints. */
interface ServiceEndpoints {
  readonly namespace: string;
  readonly service: string;
  /** Revision Deployments with pods the Service selects. */
  readonly deployments: readonly string[];
}

/** Options of {@link verifyPointers}. */
export interface PointerCheckOptions {
  readonly timeoutMs: number;
  /** The longest wait between two reads of the cluster (the first waits are shorter: see `pollIntervals`). */
  readonly pollMs: number;
}

/**
 * Checks that the pointers a release applied hold: every pointer reads back
 * as applied (weights, selectors, backends: no other writer changed it), and
 * every Service has ready endpoints from each revision with pods it selects
 * (the endpoint controller has caught up). Polls until both hold.
 *
 * @param pointers the pointers the release applied
 * @returns what does not hold when the time is up; empty when all hold
 */
export async function verifyPointers(
  api: KubeApi,
  resources: ApiResources,
  pointers: readonly Manifest[],
  after: readonly Manifest[],
  options: PointerCheckOptions,
): Promise<string[]> {
  const deadline = Date.now() + options.timeoutMs;
  const expected = serviceEndpoints(after);
  const intervals = pollIntervals(FIRST_POLL_MS, options.pollMs);
  for (;;) {
    const [drifted, missing] = await Promise.all([driftedPointers(api, resources, pointers), missingEndpoints(api, expected)]);
    const problems = [...drifted, ...missing];
    if (problems.length === 0 || Date.now() >= deadline) {
      return problems;
    }
    await sleep(Math.min(intervals.next().value, Math.max(0, deadline - Date.now())));
  }
}

/** For each Service with a selector, the revision Deployments (with pods wanted) whose pods it selects. */
function serviceEndpoints(after: readonly Manifest[]): ServiceEndpoints[] {
  const deployments = after.filter((m) => m.kind === 'Deployment' && objectRole(m) === 'revision' && (m.spec as Json)?.replicas !== 0);
  return after
    .filter((m) => m.apiVersion === 'v1' && m.kind === 'Service' && (m.spec as Json)?.selector !== undefined)
    .map((service) => {
      const selector = Object.entries((service.spec as Json).selector as Record<string, string>);
      const selected = deployments.filter((d) => {
        const labels = ((d.spec as Json).template?.metadata?.labels ?? {}) as Record<string, string>;
        return d.metadata.namespace === service.metadata.namespace && selector.every(([k, v]) => labels[k] === v);
      });
      return { namespace: service.metadata.namespace ?? 'default', service: service.metadata.name!, deployments: selected.map((d) => d.metadata.name!) };
    })
    .filter((s) => s.deployments.length > 0);
}

async function missingEndpoints(api: KubeApi, expected: readonly ServiceEndpoints[]): Promise<string[]> {
  const namespaces = [...new Set(expected.map((e) => e.namespace))];
  const readyPods = new Map<string, string[]>();
  await runBounded(namespaces, 4, async (namespace) => {
    const slices = (await listObjects(api, ENDPOINT_SLICES, { namespace })) as Json[];
    for (const slice of slices) {
      const key = `${namespace}/${slice.metadata?.labels?.['kubernetes.io/service-name']}`;
      const pods = ((slice.endpoints ?? []) as Json[])
        .filter((e) => e.conditions?.ready === true && e.targetRef?.kind === 'Pod')
        .map((e) => e.targetRef.name as string);
      readyPods.set(key, [...(readyPods.get(key) ?? []), ...pods]);
    }
  });
  return expected.flatMap(({ namespace, service, deployments }) => {
    const pods = readyPods.get(`${namespace}/${service}`) ?? [];
    return deployments
      .filter((deployment) => !pods.some((pod) => isPodOf(pod, deployment)))
      .map((deployment) => `Service ${namespace}/${service} has no ready endpoint of ${deployment}`);
  });
}

/** Pods of a Deployment are named `<deployment>-<replica set hash>-<suffix>`. */
function isPodOf(pod: string, deployment: string): boolean {
  return pod.startsWith(`${deployment}-`) && /^[a-z0-9]+-[a-z0-9]+$/.test(pod.slice(deployment.length + 1));
}

/** Pointers whose live content is not what was applied. */
async function driftedPointers(api: KubeApi, resources: ApiResources, pointers: readonly Manifest[]): Promise<string[]> {
  const lists = new Map<string, { resource: ApiResource; version: string; namespace?: string; wanted: Manifest[] }>();
  for (const pointer of pointers) {
    const resource = resources.of(pointer.apiVersion, pointer.kind);
    if (resource === undefined) {
      continue;
    }
    const version = versionOf(pointer.apiVersion);
    const namespace = resource.namespaced ? pointer.metadata.namespace : undefined;
    const list = `${resource.group}/${version}/${resource.name} ${namespace ?? ''}`;
    const entry = lists.get(list) ?? { resource, version, namespace, wanted: [] };
    entry.wanted.push(pointer);
    lists.set(list, entry);
  }
  const problems: string[] = [];
  await runBounded([...lists.values()], 4, async ({ resource, version, namespace, wanted }) => {
    const items = await listObjects(api, resource, { version, namespace });
    const live = new Map(items.map((item) => [objectIdentity(item), item]));
    for (const pointer of wanted) {
      const object = live.get(objectIdentity(pointer));
      if (object === undefined) {
        problems.push(`${pointer.kind} ${pointer.metadata.namespace ?? ''}/${pointer.metadata.name} is gone`);
        continue;
      }
      const changes = diffValues(appliedView(object, FIELD_MANAGER, pointer), pointer);
      if (changes.length > 0) {
        problems.push(`${pointer.kind} ${pointer.metadata.namespace ?? ''}/${pointer.metadata.name} does not hold what was applied: ${changes.map((c) => c.path).join(', ')}`);
      }
    }
  });
  return problems.sort();
}
