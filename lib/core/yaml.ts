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
/** The longest string {@link NOT_A_STRING} matches. */
const NOT_A_STRING_MAX_LENGTH = 5;
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
  if (isMap(value) && hasKeys(value)) {
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

/** Whether a map has a key of its own (without listing its keys). */
function hasKeys(map: Record<string, unknown>): boolean {
  for (const key in map) {
    if (Object.prototype.hasOwnProperty.call(map, key)) {
      return true;
    }
  }
  return false;
}

function writeMap(map: Record<string, unknown>, indent: string, lines: string[], firstPrefix = indent): void {
  let prefix = firstPrefix;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) {
      continue;
    }
    const head = prefix + quotedKey(key);
    prefix = indent;
    if (isMap(value) && hasKeys(value)) {
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
    if (isMap(item) && hasKeys(item)) {
      writeMap(item, `${indent}  `, lines, `${indent}- `);
    } else if (Array.isArray(item) && item.length > 0) {
      lines.push(`${indent}-`);
      writeSequence(item, `${indent}  `, lines);
    } else {
      lines.push(`${indent}- ${scalar(item === undefined ? null : item, `${indent}  `)}`);
    }
  }
}

/** Keys written so far, as `quoted(key):`; a manifest's keys are mostly the same few field names. */
const KEY_TEXT = new Map<string, string>();
/** How many keys {@link KEY_TEXT} holds at most (map keys of user data could be any number). */
const KEY_TEXT_MAX = 4096;

/** A key as written before its value: {@link quoted}, then `:`. */
function quotedKey(key: string): string {
  let text = KEY_TEXT.get(key);
  if (text === undefined) {
    text = `${quoted(key)}:`;
    if (KEY_TEXT.size < KEY_TEXT_MAX) {
      KEY_TEXT.set(key, text);
    }
  }
  return text;
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
  if (PLAIN.test(value) && (value.length > NOT_A_STRING_MAX_LENGTH || !NOT_A_STRING.test(value))) {
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
