import { EDGE_KIND_ORDER, EDGE_STYLES, IDLE_COLOR, NODE_KIND_ORDER, NODE_STYLES } from './graph-style';
import { Topology, TopologyEdgeKind, TopologyNode, TopologyNodeKind } from './topology';

/** The shape of each kind of node, as Mermaid's opening and closing brackets. */
const SHAPES: Readonly<Record<TopologyNodeKind, readonly [string, string]>> = {
  gateway: ['{{', '}}'],
  route: ['[/', '/]'],
  service: ['[', ']'],
  function: ['[[', ']]'],
  revision: ['([', '])'],
  broker: ['[(', ')]'],
  source: ['>', ']'],
  scaler: ['[\\', '\\]'],
  external: ['(', ')'],
};

/** The arrow of each kind of edge: solid for requests, dotted for dependencies and scaling, thick for events. */
const ARROWS: Readonly<Record<TopologyEdgeKind, string>> = {
  route: '-->',
  traffic: '-->',
  dependency: '-.->',
  event: '==>',
  scaling: '-.->',
};

/**
 * The topology as a Mermaid flowchart, left to right (`flowchart LR`):
 * one subgraph per namespace; nodes shaped and coloured by kind, with their
 * type and details under the name; edges by kind (dependencies dotted,
 * events thick) with their labels. Ids are made from kind, namespace and
 * name (letters, digits and `_` only); text is escaped with Mermaid's
 * entity codes. The same topology always gives the same text.
 *
 * @see https://mermaid.js.org/syntax/flowchart.html
 */
export function renderMermaid(topology: Topology): string {
  const ids = mermaidIds(topology.nodes);
  const lines = ['flowchart LR'];
  const namespaces = [...new Set(topology.nodes.flatMap((n) => (n.namespace === undefined ? [] : [n.namespace])))];
  namespaces.forEach((namespace, i) => {
    lines.push(`  subgraph ns${i}["namespace ${escape(namespace)}"]`);
    lines.push(...topology.nodes.filter((n) => n.namespace === namespace).map((n) => `    ${nodeLine(ids.get(n.id)!, n)}`));
    lines.push('  end');
  });
  lines.push(...topology.nodes.filter((n) => n.namespace === undefined).map((n) => `  ${nodeLine(ids.get(n.id)!, n)}`));
  for (const edge of topology.edges) {
    const label = edge.label === undefined ? '' : `|"${escape(edge.label)}"|`;
    lines.push(`  ${ids.get(edge.from)}${ARROWS[edge.kind]}${label}${ids.get(edge.to)}`);
  }
  for (const kind of NODE_KIND_ORDER) {
    const members = topology.nodes.filter((n) => n.kind === kind).map((n) => ids.get(n.id)!);
    if (members.length > 0) {
      const style = NODE_STYLES[kind];
      lines.push(`  classDef ${kind}Node fill:${style.fill},stroke:${style.stroke}${style.dash === undefined ? '' : `,stroke-dasharray:${style.dash}`}`);
      lines.push(`  class ${members.join(',')} ${kind}Node`);
    }
  }
  for (const kind of EDGE_KIND_ORDER) {
    const indexes = topology.edges.flatMap((e, i) => (e.kind === kind && e.percent !== 0 ? [i] : []));
    if (indexes.length > 0) {
      lines.push(`  linkStyle ${indexes.join(',')} stroke:${EDGE_STYLES[kind].color}`);
    }
  }
  const idle = topology.edges.flatMap((e, i) => (e.percent === 0 ? [i] : []));
  if (idle.length > 0) {
    lines.push(`  linkStyle ${idle.join(',')} stroke:${IDLE_COLOR},stroke-dasharray:3 3`);
  }
  return `${lines.join('\n')}\n`;
}

function nodeLine(id: string, node: TopologyNode): string {
  const [open, close] = SHAPES[node.kind];
  const text = [`<b>${escape(node.name)}</b>`, escape(node.type), ...node.details.map(escape)].join('<br/>');
  return `${id}${open}"${text}"${close}`;
}

/** Mermaid ids for the nodes: `kind_namespace_name` with every other character as `_`, made unique with a number. */
function mermaidIds(nodes: readonly TopologyNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const node of nodes) {
    const base = [node.kind, node.namespace, node.name].filter((p) => p !== undefined).join('_').replace(/[^A-Za-z0-9_]/g, '_');
    let id = base;
    for (let n = 2; used.has(id); n++) {
      id = `${base}_${n}`;
    }
    used.add(id);
    ids.set(node.id, id);
  }
  return ids;
}

/** Text for a quoted Mermaid label: `#`, `"`, `<`, `>` and `&` as entity codes (they would end the label or read as markup). */
function escape(text: string): string {
  return text.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);
}
