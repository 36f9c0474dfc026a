import { Manifest } from '../../core/manifest-schema';
import { layoutTopology } from './graph-layout';
import { readTopology, TopologyOptions } from './read-topology';
import { renderMermaid } from './render-mermaid';
import { renderSvg } from './render-svg';

/** The formats {@link drawTopology} draws in. */
export const GRAPH_FORMATS = ['svg', 'mermaid'] as const;

/** `svg`: a standalone picture; `mermaid`: a flowchart for Markdown. */
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** Options of {@link drawTopology}. */
export interface DrawTopologyOptions extends TopologyOptions {
  /**
   * What to draw.
   * @default 'svg'
   */
  readonly format?: GraphFormat;
}

/**
 * The topology of a synthesis drawn as an SVG picture (laid out with dagre)
 * or as Mermaid text; what `immutable-infra graph` prints. The same objects
 * always give the same bytes.
 */
export function drawTopology(manifests: readonly Manifest[], options: DrawTopologyOptions = {}): string {
  const topology = readTopology(manifests, options);
  if (options.format === 'mermaid') {
    return renderMermaid(topology);
  }
  const title = options.namespace === undefined ? 'Topology' : `Topology of namespace ${options.namespace}`;
  return renderSvg(layoutTopology(topology), { title });
}
