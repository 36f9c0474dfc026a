import { toYaml } from './yaml';

/**
 * Reads back, line by line, a YAML stream that {@link toYaml} wrote: its
 * documents, each a map with at least one key (a manifest). `undefined` for
 * any other text, including YAML that `toYaml` would have written another
 * way: read that with a YAML parser.
 *
 * What it returns is what a YAML parser returns, by re-writing: a stream is
 * read only when `toYaml` of what was read is the text itself, byte for byte,
 * and what `toYaml` writes reads back with YAML 1.2 and 1.1 parsers as the data
 * it was written from (test/property/yaml.property.test.ts). The lines of a
 * map document that start in column 0 are its keys, so a line `---` always
 * separates two documents, as it does for a YAML parser. About 15 times
 * faster than the `yaml` package's parser (a 1,000-service dist of 7.7 MB:
 * 0.3 s, against 4.4 s).
 *
 * @internal
 */
export function readWrittenYaml(text: string): Record<string, unknown>[] | undefined {
  if (!text.endsWith('\n')) {
    return undefined;
  }
  const lines = text.slice(0, -1).split('\n');
  const documents: Record<string, unknown>[] = [];
  const reader = new LineReader(lines);
  try {
    while (reader.at < lines.length) {
      documents.push(reader.map(0));
      if (reader.at < lines.length) {
        if (lines[reader.at] !== DOCUMENT_START) {
          return undefined;
        }
        reader.at++;
      }
    }
  } catch {
    // NOT_WRITTEN, or a stream nested deeper than the stack allows: left to the parser
    return undefined;
  }
  return documents.length > 0 && toYaml(documents) === text ? documents : undefined;
}

/** The line `toYaml` puts between two documents. */
const DOCUMENT_START = '---';

/** Thrown where the text is not what `toYaml` writes; caught by {@link readWrittenYaml}. */
const NOT_WRITTEN = Symbol('not written by toYaml');

/** A key, read from the start of a line's content, and what follows its `:`. */
interface KeyOf {
  readonly key: string;
  /** `''` when the value is on the next lines, else `' '` and the scalar. */
  readonly after: string;
}

/**
 * The key that `content` starts with, as `toYaml` writes a key (plain, which
 * holds no `': '` and does not end with `:`, or a JSON string) followed by
 * `:` and a space or the end of the line; `undefined` when it starts with none.
 */
function keyOf(content: string): KeyOf | undefined {
  if (content.startsWith('"')) {
    const end = closingQuote(content);
    if (end < 0 || content[end + 1] !== ':') {
      return undefined;
    }
    const after = content.slice(end + 2);
    return after === '' || after.startsWith(' ') ? { key: jsonString(content.slice(0, end + 1)), after } : undefined;
  }
  const colon = content.indexOf(': ');
  const end = colon >= 0 ? colon : content.endsWith(':') ? content.length - 1 : -1;
  return end > 0 && !content.startsWith(' ') && !content.startsWith('-') ? { key: content.slice(0, end), after: content.slice(end + 1) } : undefined;
}

/** The index of the `"` that closes the JSON string `content` starts with, or -1. */
function closingQuote(content: string): number {
  for (let i = 1; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c === 0x5c) {
      i++;
    } else if (c === 0x22) {
      return i;
    }
  }
  return -1;
}

function jsonString(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    throw NOT_WRITTEN;
  }
}

/** The lines of a stream and where reading is; each method reads one node and leaves `at` on the line after it. */
class LineReader {
  public at = 0;

  constructor(private readonly lines: readonly string[]) {}

  /**
   * The map whose keys start at column `indent` of the lines from `at` on; its
   * first entry is `first` instead when a sequence item's `- ` holds it (`at`
   * is then already past that line).
   */
  public map(indent: number, first?: KeyOf): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    let entry = first;
    if (entry === undefined) {
      entry = this.entryAt(indent);
      if (entry === undefined) {
        throw NOT_WRITTEN;
      }
      this.at++;
    }
    for (;;) {
      if (entry.key === '__proto__' || Object.hasOwn(map, entry.key)) {
        throw NOT_WRITTEN;
      }
      map[entry.key] = entry.after === '' ? this.nested(indent + 2) : this.scalar(entry.after.slice(1), indent + 2);
      entry = this.entryAt(indent);
      if (entry === undefined) {
        return map;
      }
      this.at++;
    }
  }

  /** The sequence whose items' `-` are at column `indent` of the lines from `at` on. */
  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    while (this.at < this.lines.length && indentOf(this.lines[this.at]) === indent && this.lines[this.at][indent] === '-') {
      const rest = this.lines[this.at].slice(indent + 1);
      this.at++;
      if (rest === '') {
        items.push(this.nested(indent + 2));
      } else if (rest.startsWith(' ')) {
        const first = keyOf(rest.slice(1));
        items.push(first !== undefined ? this.map(indent + 2, first) : this.scalar(rest.slice(1), indent + 2));
      } else {
        throw NOT_WRITTEN;
      }
    }
    return items;
  }

  /** The map or sequence on the lines from `at` on, at column `indent`: a key's or a `-` item's value written below it. */
  private nested(indent: number): unknown {
    const line = this.lines[this.at];
    if (line === undefined || indentOf(line) !== indent) {
      throw NOT_WRITTEN;
    }
    return line[indent] === '-' ? this.sequence(indent) : this.map(indent);
  }

  /** The entry whose key starts at column `indent` of the line at `at`, if it holds one. */
  private entryAt(indent: number): KeyOf | undefined {
    const line = this.lines[this.at];
    return line !== undefined && indentOf(line) === indent ? keyOf(line.slice(indent)) : undefined;
  }

  /** A scalar as `toYaml` writes it; a literal block's lines (from `at` on) start at column `indent`. */
  private scalar(text: string, indent: number): unknown {
    switch (text) {
      case 'null':
        return null;
      case 'true':
        return true;
      case 'false':
        return false;
      case '[]':
        return [];
      case '{}':
        return {};
      case '|':
      case '|-':
      case '|+':
        return this.literalBlock(text, indent);
    }
    const first = text.charCodeAt(0);
    if (first === 0x22) {
      return jsonString(text);
    }
    if (first === 0x2d || (first >= 0x30 && first <= 0x39)) {
      const number = Number(text);
      if (Number.isNaN(number)) {
        throw NOT_WRITTEN;
      }
      return number;
    }
    return text;
  }

  /** A literal block's text, its header (`|`, `|-` or `|+`) read: its lines from `at` on, empty or starting at column `indent`. */
  private literalBlock(header: string, indent: number): string {
    const margin = ' '.repeat(indent);
    const body: string[] = [];
    while (this.at < this.lines.length && (this.lines[this.at] === '' || this.lines[this.at].startsWith(margin))) {
      body.push(this.lines[this.at].slice(indent));
      this.at++;
    }
    const text = body.join('\n');
    return header === '|-' ? text : `${text}\n`;
  }
}

/** How many spaces `line` starts with. */
function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 0x20) {
    i++;
  }
  return i;
}
