import { Manifest } from '../../core/manifest-schema';
import { DistObjects } from './dist-objects';
import { addEventFlows } from './event-flows';
import { addGatewayRoutes } from './gateway-routes';
import { addMeshDependencies } from './mesh-dependencies';
import { addServiceTraffic } from './service-traffic';
import { Topology } from './topology';
import { TopologyBuilder } from './topology-builder';
import { Workloads } from './workloads';

/** Options of {@link readTopology}. */
export interface TopologyOptions {
  /**
   * Read only the objects of this namespace (objects elsewhere that they
   * refer to still appear, as bare nodes).
   * @default - every namespace
   */
  readonly namespace?: string;
}

/**
 * The topology of a synthesis, read from its objects alone (no construct
 * tree, so any dist will do): gateways → routes → services and functions →
 * live revisions with their shares; declared dependencies between
 * workloads; event flows from brokers and sources to subscribers; KEDA
 * scalers. The same objects in any order give the same topology.
 */
export function readTopology(manifests: readonly Manifest[], options: TopologyOptions = {}): Topology {
  const selected = options.namespace === undefined ? manifests : manifests.filter((m) => m.metadata.namespace === options.namespace);
  const objects = new DistObjects(selected);
  const builder = new TopologyBuilder();
  const workloads = new Workloads(objects, builder);
  addServiceTraffic(objects, workloads, builder);
  addGatewayRoutes(objects, workloads, builder);
  addEventFlows(objects, workloads, builder);
  addMeshDependencies(objects, workloads, builder);
  return builder.build();
}
