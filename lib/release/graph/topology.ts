/**
 * What a node of the topology stands for: a `gateway` (Gateway API or Istio
 * Gateway), a `route` bound to one (HTTPRoute, GRPCRoute, VirtualService), a
 * `service` (a microservice's stable Service, or a Service the synthesis only
 * refers to), a live `revision` (a revision Deployment or a Knative
 * revision), a `function` (Knative Service), a `broker`, an event `source`
 * (PingSource and other Knative sources), a `scaler` (KEDA ScaledObject), or
 * an `external` host outside the cluster.
 */
export type TopologyNodeKind = 'gateway' | 'route' | 'service' | 'revision' | 'function' | 'broker' | 'source' | 'scaler' | 'external';

/**
 * What an edge of the topology stands for: `route` (a gateway to its routes,
 * a route to its backends), `traffic` (a service or function to its live
 * revisions, with their share), `dependency` (a caller to a callee it
 * declares: the mesh and network policies admit it), `event` (a broker's
 * trigger or a source to its subscriber), `scaling` (a KEDA scaler to the
 * workload it scales).
 */
export type TopologyEdgeKind = 'route' | 'traffic' | 'dependency' | 'event' | 'scaling';

/** One thing in the picture. */
export interface TopologyNode {
  /** Unique and stable: kind, namespace and name. */
  readonly id: string;
  readonly kind: TopologyNodeKind;
  readonly name: string;
  /**
   * The namespace the object lives in.
   * @default - none: an external host
   */
  readonly namespace?: string;
  /** What the object is, e.g. `HTTPRoute`, `Deployment`, `Knative Service`. */
  readonly type: string;
  /** Further lines: listeners, hostnames, replicas, tags, a schedule. */
  readonly details: readonly string[];
}

/** One relation in the picture, from `from` to `to` (node ids). */
export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: TopologyEdgeKind;
  /**
   * The text on the edge: a share (`90%`), a match, a trigger's filter.
   * @default - no text
   */
  readonly label?: string;
  /**
   * The share of the traffic (0-100) a `traffic` or `route` edge carries; it
   * sets the line's width.
   * @default - not a share of a split
   */
  readonly percent?: number;
}

/** A stack's topology: nodes sorted by id, edges by their ends, kind and label. */
export interface Topology {
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
}

/** The id of the node of this kind, namespace and name. */
export function topologyNodeId(kind: TopologyNodeKind, namespace: string | undefined, name: string): string {
  return namespace === undefined ? `${kind}:${name}` : `${kind}:${namespace}/${name}`;
}
