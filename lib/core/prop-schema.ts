import type { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { z } from 'zod';
import { closestName } from './closest-name';
import { accepts, refinedBy } from './prop-accepts';
import { ValidationError } from './validation-error';

// The run-time check of props: a small zod schema per props type, built from
// the helpers here so that every refusal reads the same way, e.g.
//   command must be a list of strings, got 'node server.js' (a string, …); pass each word as its own item: ['node', 'server.js']
// TypeScript types do not reach users who build stacks from JavaScript, from
// JSON or YAML, from `process.env` or through `as any`: these checks do. They
// check types and shapes (wrong type, missing value, a string for a list, a
// number for a string, `undefined`, `NaN`, `Infinity`); what a well-typed
// value may be (a DNS name, a port range) stays with the construct's own
// checks. A schema only checks: constructs keep using the props they were
// given, so their output does not depend on zod. Good props are told apart
// without zod's parse (`accepts`, prop-accepts.ts); zod parses the rest and
// its issues make the message.

/** A schema of one prop or of a whole props type. */
export type PropSchema<T> = z.ZodType<T, z.ZodTypeDef, any>;

/** One schema for each key of `T`, none left out: optional keys take an `.optional()` schema. */
export type PropsShape<T> = { readonly [K in keyof T]-?: PropSchema<T[K]> };

type Kind = 'string' | 'number' | 'boolean' | 'list' | 'map' | 'enum' | 'object' | 'instance';

/** What a prop must be, for the message of a value that is not. */
interface Expectation {
  readonly kind: Kind;
  /** What the prop must be, e.g. 'a list of strings'. */
  readonly expected: string;
  /** Code the user could write, e.g. `['node', 'server.js']`. */
  readonly example?: string;
  /** The value is secret data (a Secret's content): it is never shown, only its type. */
  readonly secret?: boolean;
  /** The value is a map's value or a list's item, where `undefined` usually is an unset `process.env` variable. */
  readonly entry?: 'key' | 'item';
  /** The allowed values of an enum. */
  readonly values?: readonly string[];
  /** A list of words, which a string given for it would be split into characters. */
  readonly words?: boolean;
  /** The keys an object may have: any other is a typo or a prop of something else. */
  readonly keys?: readonly string[];
}

const MAX_SHOWN = 60;

/** `'text'`, with quotes and control characters escaped, cut to {@link MAX_SHOWN} characters. */
function quote(text: string): string {
  const cut = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
  const escaped = cut.replace(/[\\']/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return text.length > MAX_SHOWN ? `'${escaped}' (${text.length} characters)` : `'${escaped}'`;
}

/** What kind of value this is, with an article: 'a string', 'a number', 'an array'. */
export function typeOfValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (value === undefined) {
    return 'undefined';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'object') {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return name === undefined || name === 'Object' ? 'an object' : `a ${name}`;
  }
  return `a ${typeof value}`;
}

/**
 * A value as a message shows it, quoted by type: a string in quotes
 * (`'3'`), a number bare (`3`, `NaN`, `Infinity`), `undefined`, `null`, an
 * array or object summarized (`['A=1']`, `{ port: 80 }`, `an array of 12
 * items`, `a Duration`). Long strings are cut.
 */
export function describeValue(value: unknown, depth = 0): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    const shown = depth === 0 && value.length <= 4 ? `[${value.map((v) => describeValue(v, depth + 1)).join(', ')}]` : undefined;
    return shown !== undefined && shown.length <= MAX_SHOWN ? shown : `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  }
  const type = typeOfValue(value);
  if (type !== 'an object') {
    return type;
  }
  const entries = Object.entries(value as object);
  const shown = depth === 0 && entries.length <= 4
    ? `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k)}: ${describeValue(v, depth + 1)}`).join(', ')} }`
    : undefined;
  if (entries.length === 0) {
    return '{}';
  }
  return shown !== undefined && shown.length <= MAX_SHOWN ? shown : `an object with keys ${entries.slice(0, 5).map(([k]) => k).join(', ')}${entries.length > 5 ? ', …' : ''}`;
}

/** A secret value as a message shows it: its type only, never its content. */
export function describeSecretValue(value: unknown): string {
  return value === undefined || value === null ? String(value) : `${typeOfValue(value)} (not shown: secret data)`;
}

/** A prop path as code writes it: `command`, `env.DB_HOST`, `ports[0].port`, `env['a b']`. */
export function propPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else if (/^[A-Za-z_$][\w$]*$/.test(part) && part.length <= MAX_SHOWN) {
      out += out === '' ? part : `.${part}`;
    } else {
      out += `[${quote(part)}]`;
    }
  }
  return out;
}

/** What the user could write instead, for a value of the wrong type. */
function fixFor(e: Expectation, value: unknown): string | undefined {
  if (value === undefined && e.entry !== undefined) {
    return `a value from process.env is undefined when the variable is not set: set it, or leave the ${e.entry} out`;
  }
  if (e.words && typeof value === 'string' && !e.secret) {
    const words = value.trim().split(/\s+/).filter((w) => w !== '');
    return `a string would be split into its characters; pass each item on its own: [${words.map(quote).join(', ')}]`;
  }
  if (e.kind === 'string' && (typeof value === 'number' || typeof value === 'boolean') && Number.isFinite(Number(value))) {
    return e.secret ? 'write the value in quotes, as a string' : `write it in quotes: '${String(value)}'`;
  }
  if (e.kind === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return `write it without quotes: ${Number(value)}`;
  }
  if (e.kind === 'number' && typeof value === 'number') {
    const why = Number.isNaN(value) ? ' (NaN comes from arithmetic on undefined or from Number() or parseInt() of something that is not a number)' : '';
    return `pass a finite number${e.example === undefined ? '' : ` such as ${e.example}`}${why}`;
  }
  if (e.kind === 'enum' && typeof value === 'string') {
    const match = e.values?.find((v) => v.toLowerCase() === value.toLowerCase());
    if (match !== undefined) {
      return `write '${match}'`;
    }
  }
  if (e.kind === 'map' && Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && /^[^=]+=/.test(v)) && !e.secret) {
    const pairs = (value as string[]).map((v) => {
      const at = v.indexOf('=');
      return `${v.slice(0, at)}: ${quote(v.slice(at + 1))}`;
    });
    return `write the pairs as an object: { ${pairs.join(', ')} }`;
  }
  return e.example === undefined ? undefined : `pass ${e.example}`;
}

const MAX_KEYS_LISTED = 12;

/**
 * The message of a key an object does not have (its value is not shown: it
 * may be secret data under a misspelled key), for the first of the keys:
 * {@link checkProps} puts the key's path in front and names the others.
 */
function unknownKey(key: string, known: readonly string[]): string {
  if (known.length === 0) {
    return 'is not a known prop, so it would be ignored; this object takes no props';
  }
  const close = closestName(key, known);
  if (close !== undefined) {
    return `is not a known prop, so it would be ignored; did you mean '${close}'?`;
  }
  const listed = known.slice(0, MAX_KEYS_LISTED).join(', ');
  return `is not a known prop, so it would be ignored; the known props are ${listed}${known.length > MAX_KEYS_LISTED ? ', …' : ''}`;
}

/** The message of a value that does not match `e` (the prop path is put in front by {@link checkProps}). */
function problem(e: Expectation, value: unknown, issue?: z.ZodIssueOptionalMessage): string {
  if (issue?.code === 'unrecognized_keys') {
    return unknownKey(issue.keys[0], e.keys ?? []);
  }
  const fix = fixFor(e, value);
  let what: string;
  if (value === undefined && e.entry !== undefined) {
    what = `is undefined, and must be ${e.expected}`;
  } else if (value === undefined) {
    what = `is required (must be ${e.expected}), got undefined`;
  } else if (e.kind === 'number' && (issue?.code === 'not_finite' || Number.isNaN(value))) {
    what = `must be a finite number, got ${describeValue(value)}`;
  } else {
    const shown = e.secret ? describeSecretValue(value) : describeValue(value);
    const type = !e.secret && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') ? ` (${typeOfValue(value)})` : '';
    what = `must be ${e.expected}, got ${shown}${type}`;
  }
  return fix === undefined ? what : `${what}; ${fix}`;
}

const errorMap = (e: Expectation): z.ZodErrorMap => (issue, ctx) => ({ message: problem(e, ctx.data, issue) });

/** The schemas props are built of, each with the message of a value that does not fit. */
export const prop = {
  /** A string; `example` is code of a good value, e.g. `"'info'"`. */
  string(example?: string, options: { readonly secret?: boolean; readonly entry?: 'key' | 'item' } = {}): z.ZodString {
    return z.string({ errorMap: errorMap({ kind: 'string', expected: 'a string', example, ...options }) });
  },

  /** A finite number (not NaN, not ±Infinity); whole numbers and ranges are the construct's checks. */
  number(example?: string): z.ZodNumber {
    return z.number({ errorMap: errorMap({ kind: 'number', expected: 'a number', example }) }).finite();
  },

  /** `true` or `false`. */
  boolean(): z.ZodBoolean {
    return z.boolean({ errorMap: errorMap({ kind: 'boolean', expected: 'true or false' }) });
  },

  /** One of a few strings, e.g. `'TCP' | 'UDP'`. */
  oneOf<T extends string>(values: readonly [T, ...T[]]): PropSchema<T> {
    const expected = `one of ${values.map((v) => `'${v}'`).join(', ')}`;
    return z.enum(values as unknown as [T, ...T[]], { errorMap: errorMap({ kind: 'enum', expected, values }) }) as unknown as PropSchema<T>;
  },

  /** A list of strings; `example` is code of a good list, e.g. `"['node', 'server.js']"`. */
  stringList(example: string): z.ZodArray<z.ZodString> {
    return z.array(prop.string(undefined, { entry: 'item' }), { errorMap: errorMap({ kind: 'list', expected: 'a list of strings', example, words: true }) });
  },

  /** A list of `element`. */
  list<T>(element: PropSchema<T>, expected: string, example?: string): PropSchema<T[]> {
    return z.array(element, { errorMap: errorMap({ kind: 'list', expected, example }) });
  },

  /**
   * An object of string keys to string values (variables, literals, labels);
   * a `secret` map's values are never shown.
   */
  stringMap(example: string, options: { readonly secret?: boolean } = {}): PropSchema<Record<string, string>> {
    const value = prop.string(undefined, { ...options, entry: 'key' });
    return z.record(value, { errorMap: errorMap({ kind: 'map', expected: 'an object of string keys to string values', example, secret: options.secret }) });
  },

  /** An object of string keys to `value`s, e.g. listeners by name. */
  map<T>(value: PropSchema<T>, expected: string, example: string): PropSchema<Record<string, T>> {
    return z.record(value, { errorMap: errorMap({ kind: 'map', expected, example }) });
  },

  /**
   * An object with these props and no other (an unknown key is refused,
   * naming the known key it is closest to); `expected` names it, e.g. 'a port'.
   */
  object<T>(shape: PropsShape<T>, expected: string, example?: string): PropSchema<T> {
    const keys = Object.keys(shape);
    return z.object(shape as z.ZodRawShape, { errorMap: errorMap({ kind: 'object', expected, example, keys }) }).strict() as unknown as PropSchema<T>;
  },

  /**
   * A value `test` accepts, e.g. an instance of a class (`'a Probe'`,
   * `'Probe.http({ path: \'/healthz\' })'`).
   */
  instance<T>(expected: string, test: (value: unknown) => boolean, example?: string): PropSchema<T> {
    const schema = z.custom<T>((value) => test(value), (value: unknown) => ({ message: problem({ kind: 'instance', expected, example }, value) }));
    return refinedBy(schema, test);
  },

  /**
   * A value of one of two shapes, told apart by `isFirst`, then checked
   * against that shape alone (so its message is that shape's, not a list of
   * both), e.g. a keyword string or an object.
   */
  either<A, B>(isFirst: (value: unknown) => boolean, first: PropSchema<A>, second: PropSchema<B>): PropSchema<A | B> {
    const schema = z.any().superRefine((value, ctx) => {
      const result = (isFirst(value) ? first : second).safeParse(value);
      if (!result.success) {
        for (const issue of result.error.issues) {
          ctx.addIssue(issue as z.IssueData);
        }
      }
    });
    return refinedBy(schema, (value) => accepts(isFirst(value) ? first : second, value)) as unknown as PropSchema<A | B>;
  },

  /** A cdk8s Duration; `example` e.g. 'Duration.seconds(10)'. */
  duration(example: string): PropSchema<Duration> {
    const isDuration = (v: unknown) => typeof v === 'object' && v !== null && typeof (v as { toSeconds?: unknown }).toSeconds === 'function';
    const schema = z.custom<Duration>((value) => isDuration(value), (value: unknown) => ({
      message: problem({ kind: 'instance', expected: `a Duration such as ${example}`, example: typeof value === 'number' && Number.isFinite(value) ? `Duration.seconds(${value}) if seconds are meant` : example }, value),
    }));
    return refinedBy(schema, isDuration);
  },
};

/** Whether a value is a plain object or class instance (not an array, not null). */
export function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where a checked value sits, for messages. */
export interface CheckedAt {
  /**
   * Put before every prop path, e.g. "revision 'canary'" or 'readiness probe'.
   * @default - nothing: the path alone, e.g. 'command'
   */
  readonly prefix?: string;
  /**
   * Names the value itself, for a value that is not an object at all.
   * @default - the prefix, else 'props'
   */
  readonly name?: string;
}

/**
 * Checks a value against its schema.
 *
 * @throws ValidationError naming `scope`, the prop path, the value and the fix
 *   for the first value that does not fit (and the paths of the others)
 */
export function checkProps<T>(schema: PropSchema<T>, value: unknown, scope: IConstruct, at: CheckedAt = {}): asserts value is T {
  if (accepts(schema, value)) {
    return;
  }
  const result = schema.safeParse(value);
  if (result.success) {
    return;
  }
  // an unknown key first: a misspelled required prop is also missing, and the spelling is the fix
  const issues = [...result.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const [first, ...rest] = issues.flatMap(wrongPaths);
  const subject = (path: readonly (string | number)[]) => {
    const p = propPath(path);
    if (p === '') {
      return at.name ?? at.prefix ?? 'props';
    }
    return at.prefix === undefined ? p : `${at.prefix} ${p}`;
  };
  const others = [...new Set(rest.map((wrong) => subject(wrong.path)))].filter((s) => s !== subject(first.path));
  const also = others.length === 0 ? '' : ` (also wrong: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''})`;
  throw new ValidationError(`${subject(first.path)} ${first.message}${also}`, scope);
}

/** The paths an issue is about, with its message: one per unknown key (the message is the first key's), else the issue's own. */
function wrongPaths(issue: z.ZodIssue): { readonly path: (string | number)[]; readonly message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: issue.message }));
  }
  return [issue];
}
