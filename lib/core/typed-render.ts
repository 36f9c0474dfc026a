import { ApiObject, Lazy } from 'cdk8s';
import { isPlainArray, NOT_PLAIN, PlainParts, plainParts, sanitizedPlain, SanitizeOptions, whileRendering } from './plain-render';
import { Field, OBJECT_META, Struct } from './typed-fields';

/** An object's `apiVersion` and `kind`, e.g. a typed L1 class's `GVK`. */
export interface GroupVersionKind {
  readonly apiVersion: string;
  readonly kind: string;
}

/**
 * What a typed L1 class's `toJson()` returns, `{ ...GVK, ...toJson_<Kind>Props(ApiObject.toJson()) }`,
 * made in one pass over the object's props: each value sanitized as
 * `ApiObject.toJson()` does it ({@link sanitizedPlain}) and converted as the
 * generated converter does it, by the struct's `fields`. `undefined` when the
 * object is not one {@link plainParts} renders, or when a prop or a member is
 * not in `fields` or is not what its field says (another shape, a class
 * instance where a struct goes): the caller then renders it as before.
 *
 * @internal
 */
export function renderTypedApiObject(object: ApiObject, gvk: GroupVersionKind, fields: Struct): Record<string, unknown> | undefined {
  const parts = plainParts(object);
  if (parts === undefined) {
    return undefined;
  }
  const json = whileRendering(object, () => typedProps(parts, gvk, fields));
  return json === NOT_PLAIN ? undefined : json;
}

/** The top-level props a typed L1 class sets itself (to its `GVK`) and its converter leaves out. */
const GVK_KEYS = ['apiVersion', 'kind'];

function typedProps({ props, metadata, options }: PlainParts, gvk: GroupVersionKind, fields: Struct): Record<string, unknown> | typeof NOT_PLAIN {
  const json: Record<string, unknown> = { apiVersion: gvk.apiVersion, kind: gvk.kind };
  let known = GVK_KEYS.filter((key) => Object.hasOwn(props, key)).length;
  for (const key in fields) {
    const present = Object.hasOwn(props, key);
    if (present) {
      known++;
    }
    // `ApiObject.toJson()` renders the metadata whether or not the props have it.
    const member = key === 'metadata' ? typedMetadata(metadata) : present ? typedValue(props[key], fields[key], options) : undefined;
    if (member === NOT_PLAIN) {
      return NOT_PLAIN;
    }
    if (member !== undefined) {
      json[key] = member;
    }
  }
  return known === Object.keys(props).length ? json : NOT_PLAIN;
}

/**
 * Rendered metadata as `toJson_ObjectMeta` converts it: the same members in
 * the same order, when all of them are fields of {@link OBJECT_META} of the
 * right shape (it is sanitized and sorted already).
 */
function typedMetadata(metadata: Record<string, unknown> | undefined): Record<string, unknown> | undefined | typeof NOT_PLAIN {
  if (metadata === undefined) {
    return undefined;
  }
  for (const key of Object.keys(metadata)) {
    if (!Object.hasOwn(OBJECT_META, key) || !hasShape(metadata[key], OBJECT_META[key])) {
      return NOT_PLAIN;
    }
  }
  return metadata;
}

/** Whether a sanitized value is one a `'map'` or `'strings'` field's converter copies as it is. */
function hasShape(value: unknown, field: Field): boolean {
  switch (field) {
    case 'map':
      return isMap(value);
    case 'strings':
      return Array.isArray(value);
    default:
      return field === 'value';
  }
}

/** A value as the converter makes JSON of its sanitized form, `undefined` (left out) or `NOT_PLAIN`. */
function typedValue(value: unknown, field: Field, options: SanitizeOptions): unknown {
  if (typeof field === 'object') {
    return Array.isArray(field) ? typedList(value, field[0], options) : typedStructValue(value, field as Struct, options);
  }
  const sanitized = sanitizedPlain(value, options);
  if (sanitized === undefined || sanitized === NOT_PLAIN) {
    return sanitized;
  }
  switch (field) {
    case 'quantity':
      // the converter's `obj.f?.value`: a wrapper's value, nothing for any other value
      return (sanitized as { value?: unknown }).value;
    case 'quantities':
      return isMap(sanitized) ? quantities(sanitized) : NOT_PLAIN;
    default:
      return hasShape(sanitized, field) ? sanitized : NOT_PLAIN;
  }
}

/** A map of sanitized quantities as the converter writes it: each one's `value`. */
function quantities(map: Record<string, unknown>): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const key of Object.keys(map)) {
    json[key] = (map[key] as { value?: unknown }).value;
  }
  return json;
}

/** A struct-typed value: a plain object converted field by field; a `Lazy` produced first. */
function typedStructValue(value: unknown, struct: Struct, options: SanitizeOptions): unknown {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (value instanceof Lazy) {
    return typedValue(value.produce(), struct, options);
  }
  return isLiteralObject(value) ? typedStruct(value, struct, options) : NOT_PLAIN;
}

function typedStruct(value: Record<string, unknown>, struct: Struct, options: SanitizeOptions): unknown {
  const json: Record<string, unknown> = {};
  let known = 0;
  for (const key in struct) {
    if (!Object.hasOwn(value, key)) {
      continue;
    }
    known++;
    const member = typedValue(value[key], struct[key], options);
    if (member === NOT_PLAIN) {
      return NOT_PLAIN;
    }
    if (member !== undefined) {
      json[key] = member;
    }
  }
  return known === Object.keys(value).length ? json : NOT_PLAIN;
}

/** A list of structs: each item converted (`null` items stay empty); a `Lazy` produced first. */
function typedList(value: unknown, struct: Struct, options: SanitizeOptions): unknown {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (value instanceof Lazy) {
    return typedList(value.produce(), struct, options);
  }
  if (!Array.isArray(value) || !isPlainArray(value)) {
    return NOT_PLAIN;
  }
  if (options.filterEmptyArrays && value.length === 0) {
    return undefined;
  }
  const json = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    const item = i in value ? typedValue(value[i], struct, options) : NOT_PLAIN;
    if (item === NOT_PLAIN) {
      return NOT_PLAIN;
    }
    json[i] = item;
  }
  return json;
}

/** An object cdk8s renders as a map: made by a literal, no `resolve()`. */
function isLiteralObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && value.constructor === Object && typeof (value as { resolve?: unknown }).resolve !== 'function';
}

/** A sanitized map (a plain object, not a list). */
function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
