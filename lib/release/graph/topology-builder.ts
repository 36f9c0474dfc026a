import { Topology, TopologyEdge, TopologyNode, TopologyNodeKind, topologyNodeId } from './topology';

/** What a node is made of, before it has an id. */
export interface NodeSpec {
  readonly kind: TopologyNodeKind;
  readonly name: string;
  /**
   * The object's namespace.
   * @default - none: an external host
   */
  readonly namespace?: string;
  readonly type: string;
  /**
   * Lines under the name.
   * @default - none
   */
  readonly details?: readonly string[];
}

interface MutableNode extends NodeSpec {
  readonly id: string;
  readonly details: string[];
}

/**
 * Collects nodes and edges in any order and hands them out sorted, so that
 * the same objects always give the same topology. A node is made once (the
 * first spec wins, later ones only add detail lines); an edge is one per
 * ends and kind, its labels joined.
 */
export class TopologyBuilder {
  private readonly nodes = new Map<string, MutableNode>();
  private readonly edges = new Map<string, { edge: TopologyEdge; labels: string[] }>();

  /** Makes the node, or adds the spec's detail lines to the one there is; returns its id. */
  public node(spec: NodeSpec): string {
    const id = topologyNodeId(spec.kind, spec.namespace, spec.name);
    const existing = this.nodes.get(id);
    if (existing === undefined) {
      this.nodes.set(id, { ...spec, id, details: [...new Set(spec.details ?? [])] });
    } else {
      this.addDetails(id, spec.details ?? []);
    }
    return id;
  }

  /** Whether there is a node with this id. */
  public has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** Adds lines to a node's details, each once. */
  public addDetails(id: string, details: readonly string[]): void {
    const node = this.nodes.get(id)!;
    for (const line of details) {
      if (!node.details.includes(line)) {
        node.details.push(line);
      }
    }
  }

  /** Adds an edge; one with the same ends and kind gets this one's label too. Edges from a node to itself are dropped. */
  public edge(edge: TopologyEdge): void {
    if (edge.from === edge.to) {
      return;
    }
    const key = `${edge.from}\u0000${edge.to}\u0000${edge.kind}`;
    const existing = this.edges.get(key);
    if (existing === undefined) {
      this.edges.set(key, { edge, labels: edge.label === undefined ? [] : [edge.label] });
    } else if (edge.label !== undefined && !existing.labels.includes(edge.label)) {
      existing.labels.push(edge.label);
    }
  }

  /** The topology: nodes by id, edges by their ends, kind and label. */
  public build(): Topology {
    const nodes: TopologyNode[] = [...this.nodes.values()]
      .map(({ id, kind, name, namespace, type, details }) => ({
        id, kind, name, ...(namespace === undefined ? {} : { namespace }), type, details: [...details],
      }))
      .sort((a, b) => compare(a.id, b.id));
    const edges: TopologyEdge[] = [...this.edges.values()]
      .map(({ edge, labels }): TopologyEdge => {
        const { label: _label, ...rest } = edge;
        return labels.length === 0 ? rest : { ...rest, label: labels.join(', ') };
      })
      .sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.kind, b.kind) || compare(a.label ?? '', b.label ?? ''));
    return { nodes, edges };
  }
}

/** Byte order, the same everywhere (no locale). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
