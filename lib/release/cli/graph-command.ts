import { writeFileSync } from 'fs';
import { extname } from 'path';
import { drawTopology, GRAPH_FORMATS, GraphFormat } from '../graph/draw-topology';
import { readDist } from '../plan/read-dist';
import { FlagType, ParsedArgs } from './args';
import { CliIo } from './cli-io';
import { ExitCode, UsageError } from './exit-codes';

/** The flags of `graph`. */
export const GRAPH_FLAGS: Readonly<Record<string, FlagType>> = {
  format: 'string',
  output: 'string',
  namespace: 'string',
};

/** The format a file name asks for, by its extension. */
const FORMAT_OF_EXTENSION: Readonly<Record<string, GraphFormat>> = {
  '.svg': 'svg',
  '.mmd': 'mermaid',
  '.mermaid': 'mermaid',
};

/** `svg (.svg) or mermaid (.mmd, .mermaid)`. */
const EXTENSIONS_TEXT = GRAPH_FORMATS.map((f) => `${f} (${Object.keys(FORMAT_OF_EXTENSION).filter((e) => FORMAT_OF_EXTENSION[e] === f).join(', ')})`).join(' or ');

/**
 * `graph <dist> [--format svg|mermaid] [--output <file>] [--namespace <ns>]`:
 * draws the synthesis's topology. The format is the one `--output`'s
 * extension names (`.svg`, `.mmd`, `.mermaid`; any other extension is
 * refused, and `--format` must agree), else `--format`, else SVG; the drawing
 * goes to `--output`, else to stdout.
 *
 * @returns 0, or 1 when the output file cannot be written
 * @throws UsageError for a wrong command line, a bad format or output extension, or a namespace the dist does not have
 */
export function graphCommand(args: ParsedArgs, io: CliIo): number {
  const { positionals, flags } = args;
  if (positionals.length !== 1) {
    throw new UsageError(`graph takes one dist folder; got ${positionals.length} argument(s)`);
  }
  const output = flags.output as string | undefined;
  const format = outputFormat(flags.format as string | undefined, output);
  const manifests = readDist(positionals[0]);
  const namespace = flags.namespace as string | undefined;
  if (namespace !== undefined && !manifests.some((m) => m.metadata.namespace === namespace)) {
    const present = [...new Set(manifests.flatMap((m) => (m.metadata.namespace === undefined ? [] : [m.metadata.namespace])))].sort();
    throw new UsageError(`--namespace '${namespace}' has no objects in ${positionals[0]}; its namespaces: ${present.join(', ') || 'none'}`);
  }
  const drawing = drawTopology(manifests, { format, namespace });
  if (output === undefined) {
    io.stdout.write(drawing);
    return ExitCode.OK;
  }
  try {
    writeFileSync(output, drawing);
  } catch (error) {
    io.stderr.write(`error: cannot write ${output}: ${(error as Error).message}\n`);
    return ExitCode.FAILED;
  }
  io.stdout.write(`Wrote ${output} (${format})\n`);
  return ExitCode.OK;
}

/**
 * The format to draw: `--output`'s extension names it, and `--format` must
 * agree; an output file without an extension takes `--format`; stdout takes
 * `--format`, else SVG.
 *
 * @throws UsageError for an unknown format, an extension graph cannot write, or a format the extension contradicts
 */
function outputFormat(format: string | undefined, output: string | undefined): GraphFormat {
  if (format !== undefined && !(GRAPH_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${GRAPH_FORMATS.join(', ')}, got '${format}'`);
  }
  const extension = output === undefined ? '' : extname(output).toLowerCase();
  if (extension === '') {
    if (output !== undefined && format === undefined) {
      throw new UsageError(`--output ${output} has no extension to tell the format; name it ${EXTENSIONS_TEXT}, or pass --format ${GRAPH_FORMATS.join('|')}`);
    }
    return (format as GraphFormat | undefined) ?? 'svg';
  }
  const named = FORMAT_OF_EXTENSION[extension];
  if (named === undefined) {
    throw new UsageError(`--output ${output}: graph cannot write '${extension}' files; it writes ${EXTENSIONS_TEXT}`);
  }
  if (format !== undefined && format !== named) {
    throw new UsageError(`--format ${format} does not agree with --output ${output}, whose extension names ${named}; drop --format or change the extension`);
  }
  return named;
}
