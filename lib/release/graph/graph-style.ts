import { TopologyEdgeKind, TopologyNodeKind } from './topology';

/** How a kind of node is drawn. */
export interface NodeStyle {
  readonly fill: string;
  readonly stroke: string;
  /** What the legend calls it. */
  readonly legend: string;
  /**
   * A dash pattern for the border.
   * @default - a solid border
   */
  readonly dash?: string;
}

/** How a kind of edge is drawn. */
export interface EdgeStyle {
  readonly color: string;
  /** What the legend calls it. */
  readonly legend: string;
  /**
   * A dash pattern for the line.
   * @default - a solid line
   */
  readonly dash?: string;
}

/** The colours of the nodes by kind, shared by the SVG and the Mermaid text. */
export const NODE_STYLES: Readonly<Record<TopologyNodeKind, NodeStyle>> = {
  gateway: { fill: '#ede7f6', stroke: '#5e35b1', legend: 'gateway' },
  route: { fill: '#f3e5f5', stroke: '#8e24aa', legend: 'route' },
  service: { fill: '#e3f2fd', stroke: '#1565c0', legend: 'service' },
  function: { fill: '#fff3e0', stroke: '#ef6c00', legend: 'function' },
  revision: { fill: '#e8f5e9', stroke: '#2e7d32', legend: 'live revision' },
  broker: { fill: '#fce4ec', stroke: '#c2185b', legend: 'broker' },
  source: { fill: '#fffde7', stroke: '#f9a825', legend: 'event source' },
  scaler: { fill: '#e0f7fa', stroke: '#00838f', legend: 'KEDA scaler' },
  external: { fill: '#f5f5f5', stroke: '#616161', legend: 'external', dash: '4 3' },
};

/** The lines of the edges by kind, shared by the SVG and the Mermaid text. */
export const EDGE_STYLES: Readonly<Record<TopologyEdgeKind, EdgeStyle>> = {
  route: { color: '#5e35b1', legend: 'routes to' },
  traffic: { color: '#2e7d32', legend: 'traffic share' },
  dependency: { color: '#546e7a', legend: 'depends on', dash: '6 4' },
  event: { color: '#c2185b', legend: 'events', dash: '10 3 2 3' },
  scaling: { color: '#00838f', legend: 'scales', dash: '2 3' },
};

/** The colour of an edge that carries no traffic (a revision at 0%). */
export const IDLE_COLOR = '#9e9e9e';

/** The order of the kinds, in the legend and wherever kinds are listed. */
export const NODE_KIND_ORDER: readonly TopologyNodeKind[] = ['gateway', 'route', 'service', 'function', 'revision', 'broker', 'source', 'scaler', 'external'];

/** The order of the edge kinds in the legend. */
export const EDGE_KIND_ORDER: readonly TopologyEdgeKind[] = ['route', 'traffic', 'dependency', 'event', 'scaling'];
