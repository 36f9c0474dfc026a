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

/**
 * `graph <dist> [--format svg|mermaid] [--output <file>] [--namespace <ns>]`:
 * draws the synthesis's topology. The format is `--format`, else the one
 * `--output`'s extension names (`.svg`, `.mmd`, `.mermaid`), else SVG; the
 * drawing goes to `--output`, else to stdout.
 *
 * @returns 0, or 1 when the output file cannot be written
 * @throws UsageError for a wrong command line, a bad format, or a namespace the dist does not have
 */
export function graphCommand(args: ParsedArgs, io: CliIo): number {
  const { positionals, flags } = args;
  if (positionals.length !== 1) {
    throw new UsageError(`graph takes one dist folder; got ${positionals.length} argument(s)`);
  }
  const output = flags.output as string | undefined;
  const format = (flags.format as string | undefined) ?? (output === undefined ? undefined : FORMAT_OF_EXTENSION[extname(output).toLowerCase()]) ?? 'svg';
  if (!(GRAPH_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${GRAPH_FORMATS.join(', ')}, got '${format}'`);
  }
  const manifests = readDist(positionals[0]);
  const namespace = flags.namespace as string | undefined;
  if (namespace !== undefined && !manifests.some((m) => m.metadata.namespace === namespace)) {
    const present = [...new Set(manifests.flatMap((m) => (m.metadata.namespace === undefined ? [] : [m.metadata.namespace])))].sort();
    throw new UsageError(`--namespace '${namespace}' has no objects in ${positionals[0]}; its namespaces: ${present.join(', ') || 'none'}`);
  }
  const drawing = drawTopology(manifests, { format: format as GraphFormat, namespace });
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
