import { Box, PlacedEdge, PlacedNode, Point, TopologyLayout } from './graph-layout';
import { EDGE_KIND_ORDER, EDGE_STYLES, IDLE_COLOR, NODE_KIND_ORDER, NODE_STYLES } from './graph-style';
import { TEXT, textWidth } from './text-metrics';
import { TopologyEdgeKind } from './topology';

/** Options of {@link renderSvg}. */
export interface SvgOptions {
  /**
   * The picture's title (an SVG `<title>`, which viewers show as its name).
   * @default 'Topology'
   */
  readonly title?: string;
}

const LEGEND_GAP = 18;
const EMPTY = 'Nothing to draw: no gateway, service, function or event flow';
const LEGEND_ROW = 20;
const SWATCH = 22;

/**
 * Draws a laid-out topology as a standalone SVG document: a white
 * background; each namespace in a titled frame; nodes as rounded boxes
 * coloured by kind (type, name, details); edges as smoothed paths with
 * arrowheads, styled by kind (dependencies dashed), traffic shares as line
 * width (a 0% share grey and dashed); edge labels on a white ground; a
 * legend of the kinds drawn; for an empty topology, a line saying so. Text
 * is XML-escaped. No ids or numbers depend on anything but the layout, so
 * the same layout gives the same bytes.
 */
export function renderSvg(layout: TopologyLayout, options: SvgOptions = {}): string {
  const nodeKinds = NODE_KIND_ORDER.filter((kind) => layout.nodes.some((n) => n.node.kind === kind));
  const edgeKinds = EDGE_KIND_ORDER.filter((kind) => layout.edges.some((e) => e.edge.kind === kind));
  const legendWidth = Math.max(rowWidth(nodeKinds.map((k) => NODE_STYLES[k].legend)), rowWidth(edgeKinds.map((k) => EDGE_STYLES[k].legend)));
  const width = Math.ceil(Math.max(layout.width, legendWidth + 32, layout.nodes.length === 0 ? textWidth(EMPTY, TEXT.smallSize) + 32 : 0));
  const legendTop = layout.height + LEGEND_GAP / 2;
  const height = Math.ceil(legendTop + 2 * LEGEND_ROW + LEGEND_GAP / 2);
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(TEXT.fontFamily)}" font-size="${TEXT.smallSize}">`,
    `<title>${escapeXml(options.title ?? 'Topology')}</title>`,
    '<defs>',
    ...edgeKinds.map((kind) => marker(kind, EDGE_STYLES[kind].color)),
    ...(layout.edges.some(isIdle) ? [marker('idle', IDLE_COLOR)] : []),
    '</defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...layout.clusters.map((c) => [
      `<g class="namespace">${rect(c, 'fill="#fafafa" stroke="#bdbdbd" rx="6"')}`,
      `${text(c.x + 8, c.y + TEXT.smallSize + 3, `namespace ${c.namespace}`, 'fill="#757575"')}</g>`,
    ].join('')),
    ...layout.edges.map(edgePath),
    ...layout.edges.flatMap(edgeLabel),
    ...layout.nodes.map(nodeBox),
    ...(layout.nodes.length === 0 ? [text(16, 16 + TEXT.smallSize, EMPTY, 'fill="#757575"')] : []),
    ...legend(nodeKinds, edgeKinds, legendTop),
    '</svg>',
  ];
  return `${lines.join('\n')}\n`;
}

function isIdle(placed: PlacedEdge): boolean {
  return placed.edge.percent === 0;
}

function marker(id: string, color: string): string {
  return `<marker id="arrow-${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0L10,5L0,10z" fill="${color}"/></marker>`;
}

function edgePath(placed: PlacedEdge): string {
  const { edge } = placed;
  const style = EDGE_STYLES[edge.kind];
  const idle = isIdle(placed);
  const width = edge.percent === undefined || idle ? 1.4 : 1.2 + (2.8 * edge.percent) / 100;
  const dash = idle ? '3 3' : style.dash;
  const attributes = [
    `d="${curve(placed.points)}"`,
    'fill="none"',
    `stroke="${idle ? IDLE_COLOR : style.color}"`,
    `stroke-width="${num(width)}"`,
    ...(dash === undefined ? [] : [`stroke-dasharray="${dash}"`]),
    `marker-end="url(#arrow-${idle ? 'idle' : edge.kind})"`,
  ];
  return `<path class="edge ${edge.kind}" ${attributes.join(' ')}/>`;
}

function edgeLabel(placed: PlacedEdge): string[] {
  if (placed.label === undefined || placed.edge.label === undefined) {
    return [];
  }
  const box = placed.label;
  const color = isIdle(placed) ? IDLE_COLOR : EDGE_STYLES[placed.edge.kind].color;
  return [
    `<g class="edge-label">${rect(box, 'fill="#ffffff" fill-opacity="0.9" rx="3"')}`
    + `${text(box.x + box.width / 2, box.y + box.height / 2 + TEXT.smallSize * 0.35, placed.edge.label, `fill="${color}" text-anchor="middle"`)}</g>`,
  ];
}

function nodeBox(placed: PlacedNode): string {
  const { node } = placed;
  const style = NODE_STYLES[node.kind];
  const small = TEXT.smallSize * TEXT.lineHeight;
  const x = placed.x + TEXT.padX;
  let y = placed.y + TEXT.padY + TEXT.smallSize;
  const parts = [
    rect(placed, `fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5" rx="6"${style.dash === undefined ? '' : ` stroke-dasharray="${style.dash}"`}`),
    text(x, y, node.type, `fill="${style.stroke}"`),
  ];
  y += TEXT.titleSize * TEXT.lineHeight;
  parts.push(text(x, y, node.name, `fill="#212121" font-size="${TEXT.titleSize}" font-weight="bold"`));
  for (const detail of node.details) {
    y += small;
    parts.push(text(x, y, detail, 'fill="#424242"'));
  }
  return `<g class="node ${node.kind}">${parts.join('')}</g>`;
}

/** Two rows under the picture: the kinds of nodes, then the kinds of edges. */
function legend(nodeKinds: readonly (keyof typeof NODE_STYLES)[], edgeKinds: readonly TopologyEdgeKind[], top: number): string[] {
  const parts: string[] = [];
  let x = 16;
  const nodeRow = top + LEGEND_ROW / 2;
  for (const kind of nodeKinds) {
    const style = NODE_STYLES[kind];
    parts.push(rect({ x, y: nodeRow - 6, width: SWATCH, height: 12 }, `fill="${style.fill}" stroke="${style.stroke}" rx="3"${style.dash === undefined ? '' : ` stroke-dasharray="${style.dash}"`}`));
    parts.push(text(x + SWATCH + 6, nodeRow + 4, style.legend, 'fill="#424242"'));
    x += itemWidth(style.legend);
  }
  x = 16;
  const edgeRow = top + LEGEND_ROW * 1.5;
  for (const kind of edgeKinds) {
    const style = EDGE_STYLES[kind];
    parts.push(`<path d="M${num(x)},${num(edgeRow)}H${num(x + SWATCH)}" stroke="${style.color}" stroke-width="1.6"${style.dash === undefined ? '' : ` stroke-dasharray="${style.dash}"`} marker-end="url(#arrow-${kind})"/>`);
    parts.push(text(x + SWATCH + 6, edgeRow + 4, style.legend, 'fill="#424242"'));
    x += itemWidth(style.legend);
  }
  return [`<g class="legend">${parts.join('')}</g>`];
}

function itemWidth(label: string): number {
  return SWATCH + 6 + textWidth(label, TEXT.smallSize) + 18;
}

function rowWidth(labels: readonly string[]): number {
  return labels.reduce((sum, label) => sum + itemWidth(label), 0);
}

/** A smooth path through the points (a uniform B-spline, as d3's curveBasis draws one), ending in a straight piece for the arrowhead. */
function curve(points: readonly Point[]): string {
  if (points.length < 3) {
    return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${num(p.x)},${num(p.y)}`).join('');
  }
  const [first, second] = points;
  let d = `M${num(first.x)},${num(first.y)}L${num((5 * first.x + second.x) / 6)},${num((5 * first.y + second.y) / 6)}`;
  for (let i = 2; i <= points.length; i++) {
    const p0 = points[i - 2];
    const p1 = points[i - 1];
    const p = points[Math.min(i, points.length - 1)];
    d += `C${num((2 * p0.x + p1.x) / 3)},${num((2 * p0.y + p1.y) / 3)} ${num((p0.x + 2 * p1.x) / 3)},${num((p0.y + 2 * p1.y) / 3)} ${num((p0.x + 4 * p1.x + p.x) / 6)},${num((p0.y + 4 * p1.y + p.y) / 6)}`;
  }
  const last = points[points.length - 1];
  return `${d}L${num(last.x)},${num(last.y)}`;
}

function rect(box: Box, attributes: string): string {
  return `<rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${num(box.height)}" ${attributes}/>`;
}

function text(x: number, y: number, content: string, attributes: string): string {
  return `<text x="${num(x)}" y="${num(y)}" ${attributes}>${escapeXml(content)}</text>`;
}

/** A coordinate to a tenth, without a trailing `.0`. */
function num(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/** Text for XML content and for attribute values in double quotes. */
function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
