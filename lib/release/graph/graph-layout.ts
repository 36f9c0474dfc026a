import { EdgeLabel, GraphLabel, graphlib, layout, NodeLabel } from '@dagrejs/dagre';
import { labelSize, nodeSize } from './text-metrics';
import { Topology, TopologyEdge, TopologyNode } from './topology';

/** A point of the picture. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A box of the picture, by its top left corner. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A node where the layout put it. */
export interface PlacedNode extends Box {
  readonly node: TopologyNode;
}

/** An edge as the layout routed it, from its source's border to its target's. */
export interface PlacedEdge {
  readonly edge: TopologyEdge;
  readonly points: readonly Point[];
  /**
   * Where its label goes.
   * @default - no label
   */
  readonly label?: Box;
}

/** A namespace's frame around its nodes. */
export interface PlacedCluster extends Box {
  readonly namespace: string;
}

/** A topology laid out left to right. */
export interface TopologyLayout {
  readonly width: number;
  readonly height: number;
  readonly clusters: readonly PlacedCluster[];
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

const CLUSTER_PREFIX = 'namespace:';
const MARGIN = 16;

/**
 * The largest topology (in nodes) whose ranks come from dagre's network
 * simplex ranker: the most compact ranks (shortest edges overall), but dagre
 * recomputes every cut value after each exchange, so its cost grows faster
 * than the square of the graph (on the loaded benchmark machine: 5 s at 300
 * nodes, 3 minutes at 900, about twenty at 3,000, the 1,000-service
 * benchmark). Larger topologies are ranked with dagre's tight-tree ranker
 * (longest path, then the edges tightened along a spanning tree), whose
 * cost grows about linearly; a topology that large is read by zooming in on
 * one part, where ranks that are not the tightest possible cost little.
 */
export const NETWORK_SIMPLEX_MAX_NODES = 200;

/**
 * Lays a topology out left to right with dagre's layered layout (ranks
 * along the flow, crossings reduced, edges routed around the nodes, space
 * made for edge labels), each namespace in a frame of its own. Ranks come
 * from network simplex up to {@link NETWORK_SIMPLEX_MAX_NODES} nodes, from
 * the tight-tree ranker above, so that the layout of a large topology takes
 * seconds. Boxes take their size from their text. The layout depends only
 * on the topology, which comes sorted, so the same topology always gives the
 * same picture.
 *
 * @see https://github.com/dagrejs/dagre/wiki
 */
export function layoutTopology(topology: Topology): TopologyLayout {
  if (topology.nodes.length === 0) {
    return { width: 2 * MARGIN, height: 2 * MARGIN, clusters: [], nodes: [], edges: [] };
  }
  const graph = new graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: true, compound: true });
  const ranker = topology.nodes.length <= NETWORK_SIMPLEX_MAX_NODES ? 'network-simplex' : 'tight-tree';
  graph.setGraph({ ranker, rankdir: 'LR', nodesep: 18, edgesep: 24, ranksep: 56, marginx: MARGIN, marginy: MARGIN });
  const namespaces = [...new Set(topology.nodes.flatMap((n) => (n.namespace === undefined ? [] : [n.namespace])))];
  for (const namespace of namespaces) {
    graph.setNode(CLUSTER_PREFIX + namespace, { width: 0, height: 0 });
  }
  for (const node of topology.nodes) {
    graph.setNode(node.id, { ...nodeSize(node) });
    if (node.namespace !== undefined) {
      graph.setParent(node.id, CLUSTER_PREFIX + node.namespace);
    }
  }
  topology.edges.forEach((edge, i) => {
    const label = edge.label === undefined ? {} : { ...labelSize(edge.label), labelpos: 'c' as const };
    graph.setEdge(edge.from, edge.to, { ...label, minlen: 1, weight: edge.kind === 'dependency' ? 1 : 2 }, String(i));
  });
  layout(graph);

  const nodes = topology.nodes.map((node): PlacedNode => {
    const placed = graph.node(node.id);
    return { node, ...centered(placed.x!, placed.y!, placed.width, placed.height) };
  });
  const clusters = namespaces.map((namespace): PlacedCluster => {
    const placed = graph.node(CLUSTER_PREFIX + namespace);
    return { namespace, ...centered(placed.x!, placed.y!, placed.width, placed.height) };
  });
  const edges = topology.edges.map((edge, i): PlacedEdge => {
    const placed = graph.edge({ v: edge.from, w: edge.to, name: String(i) });
    const points = (placed.points ?? []).map((p) => ({ x: round(p.x), y: round(p.y) }));
    return edge.label === undefined ? { edge, points } : { edge, points, label: centered(placed.x!, placed.y!, placed.width!, placed.height!) };
  });
  const size = graph.graph();
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), clusters, nodes, edges };
}

function centered(x: number, y: number, width: number, height: number): Box {
  return { x: round(x - width / 2), y: round(y - height / 2), width: round(width), height: round(height) };
}

/** Coordinates to a tenth, so that the numbers written are short and the same everywhere. */
function round(value: number): number {
  return Math.round(value * 10) / 10;
}
