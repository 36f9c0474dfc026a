/**
 * A small, fast, deterministic YAML writer for manifests (JSON data: maps,
 * sequences, strings, numbers, booleans, null). Strings are written plain only
 * when no YAML 1.1 or 1.2 parser can read them as anything but that string;
 * otherwise double-quoted, or as a literal block when multi-line. Keys keep
 * their order. Layout follows `cdk8s synth`: two-space indent, sequences
 * indented under their key.
 */

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@=+-]*(?::[A-Za-z0-9_./@=+-]+)*$/;
const NOT_A_STRING = /^(?:y|yes|n|no|true|false|on|off|null)$/i;
const NEEDS_ESCAPE = /[\u007f-\u009f\u2028\u2029\ufeff]/g;
const BLOCK_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]|[ \t]\n|[ \t]$/;

/**
 * Multi-document YAML, one document per manifest, separated by `---`.
 *
 * @internal
 */
export function toYaml(documents: readonly unknown[]): string {
  return documents.map((document) => writeDocument(document)).join('---\n');
}

function writeDocument(value: unknown): string {
  const lines: string[] = [];
  if (isMap(value) && Object.keys(value).length > 0) {
    writeMap(value, '', lines);
  } else if (Array.isArray(value) && value.length > 0) {
    writeSequence(value, '', lines);
  } else {
    lines.push(scalar(value, ''));
  }
  return `${lines.join('\n')}\n`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function writeMap(map: Record<string, unknown>, indent: string, lines: string[], firstPrefix = indent): void {
  let prefix = firstPrefix;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) {
      continue;
    }
    const head = `${prefix}${quoted(key)}:`;
    prefix = indent;
    if (isMap(value) && Object.keys(value).length > 0) {
      lines.push(head);
      writeMap(value, `${indent}  `, lines);
    } else if (Array.isArray(value) && value.length > 0) {
      lines.push(head);
      writeSequence(value, `${indent}  `, lines);
    } else {
      lines.push(`${head} ${scalar(value, `${indent}  `)}`);
    }
  }
}

function writeSequence(items: readonly unknown[], indent: string, lines: string[]): void {
  for (const item of items) {
    if (isMap(item) && Object.keys(item).length > 0) {
      writeMap(item, `${indent}  `, lines, `${indent}- `);
    } else if (Array.isArray(item) && item.length > 0) {
      lines.push(`${indent}-`);
      writeSequence(item, `${indent}  `, lines);
    } else {
      lines.push(`${indent}- ${scalar(item === undefined ? null : item, `${indent}  `)}`);
    }
  }
}

function scalar(value: unknown, indent: string): string {
  switch (typeof value) {
    case 'string':
      return string(value, indent);
    case 'number':
      return number(value);
    case 'boolean':
      return String(value);
    default:
      if (Array.isArray(value)) {
        return '[]';
      }
      return value === null || value === undefined ? 'null' : '{}';
  }
}

/** A number both YAML 1.1 (which needs a '.' in a float) and 1.2 read back. */
function number(value: number): string {
  if (!Number.isFinite(value)) {
    return 'null';
  }
  const text = String(value);
  return text.includes('e') && !text.includes('.') ? text.replace('e', '.0e') : text;
}

/** A multi-line value as a literal block, anything else as {@link quoted}. */
function string(value: string, indent: string): string {
  if (value.includes('\n') && !value.startsWith(' ') && !value.startsWith('\n') && !BLOCK_UNSAFE.test(value)) {
    return literalBlock(value, indent);
  }
  return quoted(value);
}

/** Plain when nothing else can be read into it, else double-quoted (JSON escapes are YAML escapes). */
function quoted(value: string): string {
  if (PLAIN.test(value) && !NOT_A_STRING.test(value)) {
    return value;
  }
  return JSON.stringify(value).replace(NEEDS_ESCAPE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `|` keeps one final newline, `|-` none, `|+` all of them. */
function literalBlock(value: string, indent: string): string {
  const body = value.replace(/\n+$/, '');
  const trailing = value.length - body.length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const lines = body.split('\n').map((line) => (line === '' ? '' : `${indent}${line}`));
  const kept = trailing > 1 ? new Array<string>(trailing - 1).fill('') : [];
  return [`|${chomp}`, ...lines, ...kept].join('\n');
}
