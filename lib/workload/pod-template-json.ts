import { k8s } from 'cdk8s-plus-28';
import { Field, POD_TEMPLATE_SPEC, Struct } from '../core/typed-fields';

/** Marks a value {@link converted} leaves to the generated converter. */
const NOT_CONVERTED = Symbol('not converted');

/**
 * What `k8s.toJson_PodTemplateSpec(template)` returns, as its canonical JSON
 * sees it (the same members, in another key order; maps and lists of values
 * shared with the template, not copied): the content of a revision id.
 * Converted here for the fields the library sets, in one pass; a template
 * with any other field, or with a value the converter would treat another
 * way (null, a class instance where a struct goes), goes through the
 * generated converter, whose per-field object spreads cost more than the
 * whole conversion here.
 *
 * @internal
 */
export function podTemplateJson(template: k8s.PodTemplateSpec): unknown {
  const json = converted(template, POD_TEMPLATE_SPEC);
  return json === NOT_CONVERTED ? k8s.toJson_PodTemplateSpec(template) : json;
}

/** A value converted as `field` says, or `NOT_CONVERTED`. */
function converted(value: unknown, field: Field): unknown {
  if (value === undefined) {
    return undefined;
  }
  switch (field) {
    case 'value':
      return value;
    case 'quantity':
      return (value as { value?: unknown } | null)?.value;
    case 'strings':
      // the converter's `?.map(y => y)` copies a list (holes kept) and drops null
      return Array.isArray(value) ? value : value === null ? undefined : NOT_CONVERTED;
    case 'map':
      return isPlainObject(value) ? value : NOT_CONVERTED;
    case 'quantities':
      return isPlainObject(value) ? quantities(value) : NOT_CONVERTED;
  }
  if (Array.isArray(field)) {
    return value === null ? undefined : convertedList(value, field[0]);
  }
  return isPlainObject(value) ? convertedStruct(value, field as Struct) : NOT_CONVERTED;
}

function convertedStruct(value: Record<string, unknown>, struct: Struct): unknown {
  const json: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(struct, key)) {
      return NOT_CONVERTED;
    }
    const member = converted(value[key], struct[key]);
    if (member === NOT_CONVERTED) {
      return NOT_CONVERTED;
    }
    json[key] = member;
  }
  return json;
}

function convertedList(value: unknown, struct: Struct): unknown {
  if (!Array.isArray(value)) {
    return NOT_CONVERTED;
  }
  const json = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    const item = i in value ? converted(value[i], struct) : NOT_CONVERTED;
    if (item === NOT_CONVERTED) {
      return NOT_CONVERTED;
    }
    json[i] = item;
  }
  return json;
}

/** A map of quantities as the converter writes it (each defined value's `value`), or `NOT_CONVERTED`. */
function quantities(map: Record<string, unknown>): unknown {
  const json: Record<string, unknown> = {};
  for (const key of Object.keys(map)) {
    if (key === '__proto__') {
      // the converter's spread makes it an own member; an assignment here would set the prototype
      return NOT_CONVERTED;
    }
    if (map[key] !== undefined) {
      json[key] = (map[key] as { value?: unknown } | null)?.value;
    }
  }
  return json;
}

/** An object made by a literal (or with no prototype): what the converters read, its own enumerable keys are what canonical JSON reads. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
