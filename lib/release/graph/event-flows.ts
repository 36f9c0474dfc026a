import { apiGroup, DistObjects, Fields, listOf, nameOf, specOf } from './dist-objects';
import { topologyNodeId } from './topology';
import { TopologyBuilder } from './topology-builder';
import { Workloads } from './workloads';

const EVENTING = 'eventing.knative.dev';
const SOURCES = 'sources.knative.dev';

/**
 * Adds the event flows: Knative Brokers, each Trigger as an `event` edge
 * from its broker to its subscriber (labelled with its name and filter), a
 * dead-letter sink as an edge labelled so; Knative sources (PingSource with
 * its schedule, and the other kinds of `sources.knative.dev`) with an edge
 * to their sink; KEDA ScaledObjects (their trigger types and replica range)
 * with a `scaling` edge to the workload they scale.
 */
export function addEventFlows(objects: DistObjects, workloads: Workloads, builder: TopologyBuilder): void {
  const broker = (namespace: string | undefined, name: string) => builder.node({ kind: 'broker', namespace, name, type: 'Broker' });
  for (const b of objects.of(EVENTING, 'Broker')) {
    const node = broker(b.metadata.namespace, nameOf(b));
    addDeadLetters(node, specOf(b).delivery, 'dead letters', b.metadata.namespace, workloads, builder);
  }
  for (const trigger of objects.of(EVENTING, 'Trigger')) {
    const namespace = trigger.metadata.namespace;
    const spec = specOf(trigger);
    const from = broker(namespace, spec.broker);
    const filter = Object.entries((spec.filter?.attributes ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).sort().join(' ');
    const label = `${nameOf(trigger)}: ${filter === '' ? 'all events' : filter}`;
    for (const to of sinkTargets(spec.subscriber, namespace, workloads, builder)) {
      builder.edge({ from, to, kind: 'event', label });
    }
    addDeadLetters(from, spec.delivery, `${nameOf(trigger)} dead letters`, namespace, workloads, builder);
  }
  for (const kind of objects.kindsOf(SOURCES)) {
    for (const source of objects.of(SOURCES, kind)) {
      const spec = specOf(source);
      const details = typeof spec.schedule === 'string' ? [spec.timezone === undefined ? spec.schedule : `${spec.schedule} (${spec.timezone})`] : [];
      const from = builder.node({ kind: 'source', namespace: source.metadata.namespace, name: nameOf(source), type: kind, details });
      for (const to of sinkTargets(spec.sink, source.metadata.namespace, workloads, builder)) {
        builder.edge({ from, to, kind: 'event' });
      }
    }
  }
  for (const scaled of objects.of('keda.sh', 'ScaledObject')) {
    const namespace = scaled.metadata.namespace;
    const spec = specOf(scaled);
    const triggers = [...new Set(listOf(spec.triggers).map((t) => t.type as string))].join(', ');
    const from = builder.node({ kind: 'scaler', namespace, name: nameOf(scaled), type: 'ScaledObject', details: [triggers, `${spec.minReplicaCount ?? 0}–${spec.maxReplicaCount ?? 100} replicas`] });
    const target = spec.scaleTargetRef ?? {};
    const to = (target.kind ?? 'Deployment') === 'Deployment' && builder.has(topologyNodeId('revision', namespace, target.name))
      ? topologyNodeId('revision', namespace, target.name)
      : builder.node({ kind: 'service', namespace, name: target.name, type: target.kind ?? 'Deployment' });
    builder.edge({ from, to, kind: 'scaling', label: 'scales' });
  }
}

function addDeadLetters(
  from: string,
  delivery: Fields | undefined,
  label: string,
  namespace: string | undefined,
  workloads: Workloads,
  builder: TopologyBuilder,
): void {
  for (const to of sinkTargets(delivery?.deadLetterSink, namespace, workloads, builder)) {
    builder.edge({ from, to, kind: 'event', label });
  }
}

/** The nodes of a Knative destination: the object its `ref` names, else the host of its `uri`. */
function sinkTargets(destination: Fields | undefined, namespace: string | undefined, workloads: Workloads, builder: TopologyBuilder): string[] {
  const ref = destination?.ref as Fields | undefined;
  if (ref !== undefined) {
    const refNamespace = ref.namespace ?? namespace;
    const group = apiGroup(ref.apiVersion ?? 'v1');
    if (ref.kind === 'Service' && (group === '' || group === 'serving.knative.dev')) {
      return workloads.serviceTarget(refNamespace, ref.name);
    }
    if (ref.kind === 'Broker') {
      return [builder.node({ kind: 'broker', namespace: refNamespace, name: ref.name, type: 'Broker' })];
    }
    return [builder.node({ kind: 'service', namespace: refNamespace, name: ref.name, type: ref.kind })];
  }
  if (typeof destination?.uri === 'string') {
    const host = /^[a-z]+:\/\/([^/:]+)/i.exec(destination.uri)?.[1];
    return host === undefined ? [] : workloads.hostTarget(host, namespace);
  }
  return [];
}

