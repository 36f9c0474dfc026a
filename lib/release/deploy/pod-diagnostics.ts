import { getObject, listObjects } from '../cluster/api-objects';
import { DEPLOYMENTS, EVENTS, KNATIVE_SERVICES, PODS } from '../cluster/known-resources';
import { KubeApi } from '../cluster/kube-api';
import type { GateTarget } from './health-gate';

type Json = Record<string, any>;

/** The most pods described, and the most events. */
const MOST_PODS = 3;
const MOST_EVENTS = 5;

/**
 * What explains an unhealthy workload, one line each: for a Deployment, its
 * pods' phase, the conditions that are not True and the containers' waiting
 * or terminated states with their restarts, then the latest events of those
 * pods; for a Knative Service, its conditions that are not True. Never
 * throws: a failed read becomes a line saying so.
 */
export async function podDiagnostics(api: KubeApi, target: GateTarget): Promise<string[]> {
  try {
    return target.kind === 'Deployment' ? await deploymentPods(api, target) : await knativeConditions(api, target);
  } catch (error) {
    return [`(could not read the cluster: ${(error as Error).message})`];
  }
}

async function deploymentPods(api: KubeApi, target: GateTarget): Promise<string[]> {
  const deployment = await getObject(api, DEPLOYMENTS, DEPLOYMENTS.version, target.namespace, target.name) as Json | undefined;
  if (deployment === undefined) {
    return ['the Deployment is not in the cluster'];
  }
  const labelSelector = Object.entries((deployment.spec?.selector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = ((await listObjects(api, PODS, { namespace: target.namespace, labelSelector })) as Json[])
    .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
  if (pods.length === 0) {
    const conditions = ((deployment.status?.conditions ?? []) as Json[]).filter((c) => c.status !== 'True');
    return ['no pods', ...conditions.map((c) => `Deployment ${c.type}=${c.status}: ${c.reason ?? ''} ${c.message ?? ''}`.trim())];
  }
  const lines = pods.slice(0, MOST_PODS).flatMap(describePod);
  if (pods.length > MOST_PODS) {
    lines.push(`… and ${pods.length - MOST_PODS} more pods`);
  }
  const names = new Set(pods.map((p) => p.metadata.name as string));
  const events = ((await listObjects(api, EVENTS, { namespace: target.namespace })) as Json[])
    .filter((e) => e.involvedObject?.kind === 'Pod' && names.has(e.involvedObject.name))
    .sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')))
    .slice(-MOST_EVENTS);
  return [...lines, ...events.map((e) => `event ${e.involvedObject.name}: ${e.type} ${e.reason}: ${e.message}`)];
}

function describePod(pod: Json): string[] {
  const name = pod.metadata.name as string;
  const status = pod.status ?? {};
  const conditions = ((status.conditions ?? []) as Json[]).filter((c) => c.status !== 'True')
    .map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`);
  const containers = ((status.containerStatuses ?? []) as Json[]).map((c) => {
    const state = c.state?.waiting ?? c.state?.terminated;
    const how = c.state?.waiting ? 'waiting' : c.state?.terminated ? 'terminated' : 'running';
    return `container ${c.name} ${how}${state?.reason ? ` ${state.reason}` : ''}, ready=${c.ready === true}, restarts=${c.restartCount ?? 0}`;
  });
  return [`pod ${name}: ${status.phase ?? 'Unknown'}${conditions.length > 0 ? `, ${conditions.join(', ')}` : ''}`, ...containers.map((c) => `  ${c}`)];
}

async function knativeConditions(api: KubeApi, target: GateTarget): Promise<string[]> {
  const service = await getObject(api, KNATIVE_SERVICES, KNATIVE_SERVICES.version, target.namespace, target.name) as Json | undefined;
  if (service === undefined) {
    return ['the Knative Service is not in the cluster'];
  }
  const conditions = ((service.status?.conditions ?? []) as Json[]).filter((c) => c.status !== 'True');
  return conditions.length === 0 ? ['no conditions reported'] : conditions.map((c) => `${c.type}=${c.status}: ${c.reason ?? ''} ${c.message ?? ''}`.trim());
}
