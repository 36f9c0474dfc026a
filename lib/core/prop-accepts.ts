import { z } from 'zod';

// The classes read once: each `z.Zod…` is a getter of zod's re-exports.
const { ZodArray, ZodBoolean, ZodEffects, ZodEnum, ZodNever, ZodNumber, ZodObject, ZodOptional, ZodPipeline, ZodRecord, ZodString } = z;

/**
 * Whether zod accepts a value, decided without zod's parse where the schema
 * is one the prop helpers build (prop-schema.ts): good props are the common
 * case, and zod's parse makes a checked copy of every value with a context
 * object per member. `true` only when zod's `safeParse` succeeds; `false`
 * when it fails or when the schema has any part not known here, so the
 * caller then runs zod, which also writes the message.
 *
 * Follows zod 3's `_parse` of each type: what `getParsedType` calls an object
 * (not an array, null, a promise-like, a Map, a Set or a Date), an object's
 * keys as `for…in` lists them, a list's items by index.
 */
export function accepts(schema: z.ZodTypeAny, value: unknown): boolean {
  if (schema instanceof ZodOptional) {
    return value === undefined || accepts(schema._def.innerType, value);
  }
  if (schema instanceof ZodString) {
    return typeof value === 'string' && schema._def.checks.length === 0 && !schema._def.coerce;
  }
  if (schema instanceof ZodNumber) {
    return typeof value === 'number' && !Number.isNaN(value) && !schema._def.coerce &&
      schema._def.checks.every((check) => check.kind === 'finite' && Number.isFinite(value));
  }
  if (schema instanceof ZodBoolean) {
    return typeof value === 'boolean' && !schema._def.coerce;
  }
  if (schema instanceof ZodEnum) {
    return typeof value === 'string' && (schema._def.values as readonly string[]).includes(value);
  }
  if (schema instanceof ZodArray) {
    return Array.isArray(value) && acceptsList(schema, value);
  }
  if (schema instanceof ZodRecord) {
    return isParsedObject(value) && acceptsRecord(schema, value);
  }
  if (schema instanceof ZodObject) {
    return isParsedObject(value) && acceptsObject(schema, value);
  }
  if (schema instanceof ZodEffects) {
    const refinement = REFINED.get(schema);
    return refinement !== undefined && refinement(value);
  }
  if (schema instanceof ZodPipeline) {
    // a known refinement hands the value on as it is, so the second schema parses the same value
    const { in: first, out } = schema._def as { in: z.ZodTypeAny; out: z.ZodTypeAny };
    return REFINED.has(first) && accepts(first, value) && accepts(out, value);
  }
  return false;
}

/** The checks of schemas the prop helpers make with a zod refinement, which only zod's parse runs. */
const REFINED = new WeakMap<z.ZodTypeAny, (value: unknown) => boolean>();

/**
 * Says how {@link accepts} decides a refined schema (`z.custom`,
 * `superRefine`): `true` exactly when its refinement adds no issue.
 *
 * @returns the schema
 */
export function refinedBy<S extends z.ZodTypeAny>(schema: S, accepted: (value: unknown) => boolean): S {
  REFINED.set(schema, accepted);
  return schema;
}

function acceptsList(schema: z.ZodArray<z.ZodTypeAny>, items: readonly unknown[]): boolean {
  const { exactLength, minLength, maxLength, type } = schema._def;
  if (exactLength !== null || minLength !== null || maxLength !== null) {
    return false;
  }
  for (let i = 0; i < items.length; i++) {
    if (!accepts(type, items[i])) {
      return false;
    }
  }
  return true;
}

function acceptsRecord(schema: z.ZodRecord, map: Record<string, unknown>): boolean {
  const { keyType, valueType } = schema._def;
  if (!(keyType instanceof ZodString) || keyType._def.checks.length > 0) {
    return false;
  }
  for (const key in map) {
    if (!accepts(valueType, map[key])) {
      return false;
    }
  }
  return true;
}

function acceptsObject(schema: z.AnyZodObject, object: Record<string, unknown>): boolean {
  const { unknownKeys, catchall } = schema._def;
  if (!(catchall instanceof ZodNever)) {
    return false;
  }
  const shape = schema.shape as Record<string, z.ZodTypeAny>;
  if (unknownKeys === 'strict') {
    for (const key in object) {
      if (!Object.hasOwn(shape, key)) {
        return false;
      }
    }
  }
  for (const key in shape) {
    if (!accepts(shape[key], object[key])) {
      return false;
    }
  }
  return true;
}

/** What zod 3's `getParsedType` calls an object. */
function isParsedObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const thenable = value as { then?: unknown; catch?: unknown };
  if (thenable.then && typeof thenable.then === 'function' && thenable.catch && typeof thenable.catch === 'function') {
    return false;
  }
  return !(value instanceof Map || value instanceof Set || value instanceof Date);
}
