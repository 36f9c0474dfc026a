import { TopologyNode } from './topology';

/**
 * Text sizes of the picture. The SVG uses a monospace font, so a line's
 * width is its length times the font's advance (0.6 em in the common
 * monospace fonts); boxes fit their text on any machine.
 */
export const TEXT = {
  /** The font stack of every text. */
  fontFamily: "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace",
  /** A node's name. */
  titleSize: 13,
  /** A node's type and detail lines, edge labels, the legend. */
  smallSize: 11,
  /** Advance of one character, in em. */
  advance: 0.6,
  /** Distance between the baselines of two lines, in em. */
  lineHeight: 1.35,
  /** Space between a node's border and its text. */
  padX: 10,
  padY: 7,
} as const;

/** The width of a line of text at a font size. */
export function textWidth(text: string, size: number): number {
  return [...text].length * size * TEXT.advance;
}

/** The size of a node's box: its type on top, its name (larger), its details. */
export function nodeSize(node: TopologyNode): { readonly width: number; readonly height: number } {
  const widest = Math.max(textWidth(node.name, TEXT.titleSize), ...[node.type, ...node.details].map((l) => textWidth(l, TEXT.smallSize)));
  const height = TEXT.titleSize * TEXT.lineHeight + (1 + node.details.length) * TEXT.smallSize * TEXT.lineHeight;
  return { width: Math.ceil(widest + 2 * TEXT.padX), height: Math.ceil(height + 2 * TEXT.padY) };
}

/** The size of an edge label's box. */
export function labelSize(label: string): { readonly width: number; readonly height: number } {
  return { width: Math.ceil(textWidth(label, TEXT.smallSize) + 8), height: Math.ceil(TEXT.smallSize * TEXT.lineHeight + 4) };
}
