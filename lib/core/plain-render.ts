import { ApiObject, ApiObjectMetadataDefinition, App, Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Rendering of API objects whose data is plain (strings, numbers, booleans,
 * null, arrays, plain objects, `Lazy` values producing plain data, and
 * number-or-string wrappers such as `IntOrString` and `Quantity`; no object
 * with a `resolve()`, no other class instance) in one pass, with exactly the
 * result of cdk8s 2.70's `ApiObject.toJson()` and
 * `ApiObjectMetadataDefinition.toJson()`: those resolve every value through
 * the app's resolvers (a tree walk that looks the app up and copies the key
 * path at every value) and then copy the result again to sort its keys and
 * drop empty values. Here each value gets what cdk8s's three built-in
 * resolvers would do to it (a `Lazy` is produced, a wrapper becomes
 * `{ value }`) and the sorted, sanitized copy at once. Anything else (an
 * implicit token, custom resolvers, cdk8s's own JSON patches) is left to
 * cdk8s: the functions here then return `undefined`, and cdk8s renders the
 * object again (producing its `Lazy` values a second time).
 */

/**
 * What cdk8s's `sanitizeValue` does to a value (node_modules/cdk8s/lib/_util.js).
 *
 * @internal
 */
export interface SanitizeOptions {
  readonly sortKeys: boolean;
  readonly filterEmptyArrays: boolean;
  readonly filterEmptyObjects: boolean;
}

/**
 * Marks a value that is not plain data.
 *
 * @internal
 */
export const NOT_PLAIN = Symbol('not plain');

/** Options of `ApiObjectMetadataDefinition.toJson()`. */
const METADATA_OPTIONS: SanitizeOptions = { sortKeys: true, filterEmptyArrays: true, filterEmptyObjects: true };
/** Options of `ApiObject.toJson()`; `CDK8S_DISABLE_SORT` turns the sorting off. */
const OBJECT_OPTIONS: SanitizeOptions = { sortKeys: true, filterEmptyArrays: false, filterEmptyObjects: false };
const UNSORTED_OBJECT_OPTIONS: SanitizeOptions = { ...OBJECT_OPTIONS, sortKeys: false };

/** The resolvers every cdk8s app has (`LazyResolver`, `ImplicitTokenResolver`, `NumberStringUnionResolver`). */
const DEFAULT_RESOLVER_COUNT = 3;

/**
 * The fields of {@link MetadataFields} that `ApiObjectMetadataDefinition.toJson()`
 * renders over its additional attributes (which hold the metadata it was made
 * with, these included), sorted.
 */
export const METADATA_KEYS = ['annotations', 'finalizers', 'labels', 'name', 'namespace', 'ownerReferences'] as const;

function isMetadataKey(key: string): boolean {
  return (METADATA_KEYS as readonly string[]).includes(key);
}

/**
 * The fields `ApiObjectMetadataDefinition.toJson()` renders (cdk8s 2.70, node_modules/cdk8s/lib/metadata.js).
 *
 * @internal
 */
export interface MetadataFields {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels: Record<string, unknown>;
  readonly annotations: Record<string, unknown>;
  readonly finalizers: unknown[];
  readonly ownerReferences: unknown[];
  readonly _additionalAttributes: Record<string, unknown>;
}

/** The fields `ApiObject.toJson()` renders besides metadata. */
interface ApiObjectFields {
  readonly props: Record<string, unknown>;
  readonly patches: readonly unknown[];
}

/**
 * What `ApiObject.toJson()` renders an object from, when it can be rendered
 * here: its props, its rendered metadata (`undefined` when all of it is
 * empty) and how cdk8s sanitizes the rest.
 *
 * @internal
 */
export interface PlainParts {
  readonly props: Record<string, unknown>;
  readonly metadata: Record<string, unknown> | undefined;
  readonly options: SanitizeOptions;
}

/**
 * Whether the app of `scope` resolves values with cdk8s's built-in resolvers
 * only: an app always has those three, and any of its own comes on top.
 *
 * @internal
 */
export function hasOnlyBuiltInResolvers(scope: IConstruct): boolean {
  return App.of(scope).resolvers.length === DEFAULT_RESOLVER_COUNT;
}

/**
 * `metadata.toJson()`, in one pass when the metadata is plain data and the
 * app has only cdk8s's own resolvers.
 *
 * @internal
 */
export function renderMetadata(metadata: ApiObjectMetadataDefinition, object: ApiObject): Record<string, unknown> | undefined {
  const rendered = plainMetadata(metadata, object);
  return rendered === NOT_PLAIN ? metadata.toJson() : rendered;
}

/**
 * What `ApiObject.prototype.toJson` returns for `object` (before any L1
 * subclass converts it), or `undefined` when its data is not plain, the app
 * has resolvers of its own, or cdk8s JSON patches were added to its `patches`.
 *
 * @internal
 */
export function renderPlainApiObject(object: ApiObject): Record<string, unknown> | undefined {
  const parts = plainParts(object);
  if (parts === undefined) {
    return undefined;
  }
  const data = whileRendering(object, () => plainObjectData(parts.props, parts.metadata, parts.options));
  return data === NOT_PLAIN ? undefined : data;
}

/**
 * An object's {@link PlainParts}, or `undefined` when cdk8s JSON patches were
 * added to its `patches`, the app has resolvers of its own or the metadata is
 * not plain.
 *
 * @internal
 */
export function plainParts(object: ApiObject): PlainParts | undefined {
  const fields = object as unknown as ApiObjectFields;
  if (fields.patches.length > 0) {
    return undefined;
  }
  const metadata = whileRendering(object, () => plainMetadata(object.metadata, object));
  if (metadata === NOT_PLAIN) {
    return undefined;
  }
  return { props: fields.props, metadata, options: process.env.CDK8S_DISABLE_SORT ? UNSORTED_OBJECT_OPTIONS : OBJECT_OPTIONS };
}

/**
 * What `render` returns; an error it throws (a `Lazy` that fails) reported
 * as `ApiObject.toJson()` reports a value that fails to render.
 *
 * @internal
 */
export function whileRendering<T>(object: ApiObject, render: () => T): T {
  try {
    return render();
  } catch (error) {
    throw new Error(`Failed serializing construct at path '${object.node.path}' with name '${object.name}': ${error}`);
  }
}

/** The top-level keys `ApiObject.toJson()` puts first, in this order. */
const LEADING_KEYS = ['apiVersion', 'kind', 'metadata'];

/**
 * `sanitizeValue(resolve({ ...props, metadata }))` with `apiVersion`, `kind`
 * and `metadata` moved first, as `ApiObject.toJson()` orders them, or
 * `NOT_PLAIN`. The metadata is already rendered (sorted, sanitized, plain), so
 * it is not copied again, and the result is built in its final order at once;
 * the other values are produced in the same order as before (sorted, unless
 * `CDK8S_DISABLE_SORT`). Props with a `constructor` or `resolve` member, which
 * would make `{ ...props, metadata }` look like a class instance or a token,
 * take the general path.
 */
function plainObjectData(
  props: Record<string, unknown>,
  metadata: Record<string, unknown> | undefined,
  options: SanitizeOptions,
): Record<string, unknown> | typeof NOT_PLAIN {
  const keys = Object.keys(props);
  if (keys.includes('constructor') || keys.includes('resolve')) {
    return leadingKeysFirst(sanitizedPlain({ ...props, metadata }, options));
  }
  if (options.sortKeys) {
    sortKeys(keys);
  }
  const values = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== 'metadata') {
      const value = sanitizedPlain(props[keys[i]], options);
      if (value === NOT_PLAIN) {
        return NOT_PLAIN;
      }
      values[i] = value;
    }
  }
  const result: Record<string, unknown> = {};
  for (const key of LEADING_KEYS) {
    const value = key === 'metadata' ? metadata : values[keys.indexOf(key)];
    if (value !== undefined) {
      result[key] = value;
    }
  }
  for (let i = 0; i < keys.length; i++) {
    if (values[i] !== undefined && !LEADING_KEYS.includes(keys[i])) {
      result[keys[i]] = values[i];
    }
  }
  return result;
}

/** A rendered object with `apiVersion`, `kind` and `metadata` first, or `NOT_PLAIN`. */
function leadingKeysFirst(json: unknown): Record<string, unknown> | typeof NOT_PLAIN {
  if (json === NOT_PLAIN || json === undefined) {
    return NOT_PLAIN;
  }
  const data = json as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of [...LEADING_KEYS, ...Object.keys(data)]) {
    if (key in data) {
      result[key] = data[key];
    }
  }
  return result;
}

/** The rendered metadata (`undefined` when all of it is empty), or `NOT_PLAIN`. */
function plainMetadata(metadata: ApiObjectMetadataDefinition, object: ApiObject): Record<string, unknown> | undefined | typeof NOT_PLAIN {
  if (!hasOnlyBuiltInResolvers(object)) {
    return NOT_PLAIN;
  }
  const m = metadata as unknown as MetadataFields;
  if (!Object.keys(m._additionalAttributes).every(isMetadataKey)) {
    return sanitizedPlain({
      ...m._additionalAttributes,
      name: m.name,
      namespace: m.namespace,
      annotations: m.annotations,
      finalizers: m.finalizers,
      ownerReferences: m.ownerReferences,
      labels: m.labels,
    }, METADATA_OPTIONS) as Record<string, unknown> | undefined | typeof NOT_PLAIN;
  }
  // The same without building that object first: the attributes' keys are all overridden by these.
  const result: Record<string, unknown> = {};
  let empty = true;
  for (const key of METADATA_KEYS) {
    const member = sanitizedPlain(m[key], METADATA_OPTIONS);
    if (member === NOT_PLAIN) {
      return NOT_PLAIN;
    }
    if (member !== undefined) {
      result[key] = member;
      empty = false;
    }
  }
  return empty ? undefined : result;
}

/** Below this many keys, {@link sortKeys} sorts by insertion. */
const INSERTION_SORT_MAX = 24;

/** Sorts keys as `Array.prototype.sort` does (UTF-16 code units); by insertion when few, which is faster for the small maps of a manifest. */
function sortKeys(keys: string[]): void {
  if (keys.length > INSERTION_SORT_MAX) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
}

/**
 * `sanitizeValue(resolve(value))` of cdk8s for plain data; `NOT_PLAIN` as
 * soon as a value is anything a resolver could replace or `sanitizeValue`
 * would refuse.
 *
 * @internal
 */
export function sanitizedPlain(value: unknown, options: SanitizeOptions): unknown {
  if (value === null || value === undefined) {
    return undefined;
  }
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (Array.isArray(value)) {
    return sanitizedArray(value, options);
  }
  if (typeof (value as { resolve?: unknown }).resolve === 'function') {
    return NOT_PLAIN;
  }
  if ((value as object).constructor !== Object) {
    return resolvedInstance(value as object, options);
  }
  const map = value as Record<string, unknown>;
  const keys = Object.keys(map);
  if (options.sortKeys) {
    sortKeys(keys);
  }
  const result: Record<string, unknown> = {};
  let empty = true;
  for (const key of keys) {
    const member = sanitizedPlain(map[key], options);
    if (member === NOT_PLAIN) {
      return NOT_PLAIN;
    }
    if (member !== undefined && member !== null) {
      result[key] = member;
      empty = false;
    }
  }
  return options.filterEmptyObjects && empty ? undefined : result;
}

/**
 * A class instance as cdk8s's resolvers see it: a `Lazy` is replaced by what
 * it produces (`LazyResolver`), one holding a number or a string in `value`
 * (`IntOrString`, `Quantity`) by `{ value }` (`NumberStringUnionResolver`).
 */
function resolvedInstance(instance: object, options: SanitizeOptions): unknown {
  if (instance instanceof Lazy) {
    return sanitizedPlain(instance.produce(), options);
  }
  const inner = (instance as { value?: unknown }).value;
  return typeof inner === 'number' || typeof inner === 'string' ? { value: inner } : NOT_PLAIN;
}

/**
 * Whether a list is one no resolver replaces: a plain array, without a
 * `resolve()` or a number or string `value` of its own.
 *
 * @internal
 */
export function isPlainArray(items: readonly unknown[]): boolean {
  const extra = items as { resolve?: unknown; value?: unknown };
  const wrapped = typeof extra.value === 'number' || typeof extra.value === 'string';
  return Object.getPrototypeOf(items) === Array.prototype && typeof extra.resolve !== 'function' && !wrapped;
}

function sanitizedArray(items: readonly unknown[], options: SanitizeOptions): unknown {
  if (!isPlainArray(items)) {
    return NOT_PLAIN;
  }
  if (options.filterEmptyArrays && items.length === 0) {
    return undefined;
  }
  const result = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    if (!(i in items)) {
      return NOT_PLAIN;
    }
    const item = sanitizedPlain(items[i], options);
    if (item === NOT_PLAIN) {
      return NOT_PLAIN;
    }
    result[i] = item;
  }
  return result;
}
