import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { Manifest } from '../lib';
import { moduleCrdSchemas } from './module-crds';

// The CRD schemas of the API groups the library has no schema package for
// (Linkerd's policy.linkerd.io, Consul's consul.hashicorp.com), read from the reference CRDs in ../shared,
// never copied into the project. Where they are absent (a checkout without
// ../shared) the check is off and says so.

type Schema = Record<string, any>;

/** Where the reference CRDs are: `../shared/crds` beside the repository. */
export const CRD_ROOT = join(__dirname, '..', '..', 'shared', 'crds');
/** The reference CRD directories, by the API group whose objects they check. */
const CRD_DIRS: Record<string, string> = { 'policy.linkerd.io': 'linkerd', 'consul.hashicorp.com': 'consul' };

let cache: Map<string, Schema> | undefined;

/** Whether the reference CRDs are there to check against. */
export const crdSchemasAvailable = Object.values(CRD_DIRS).every((dir) => existsSync(join(CRD_ROOT, dir)));

/** The openAPIV3Schema of every served version, by `group/version/Kind`. */
export function crdSchemas(): Map<string, Schema> {
  if (cache !== undefined) {
    return cache;
  }
  cache = new Map();
  for (const dir of Object.values(CRD_DIRS)) {
    const path = join(CRD_ROOT, dir);
    for (const file of readdirSync(path).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(join(path, file), 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') {
          continue;
        }
        for (const version of crd.spec.versions) {
          cache.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, version.schema.openAPIV3Schema);
        }
      }
    }
  }
  return cache;
}

/**
 * The problems of an object of a CRD group in {@link CRD_DIRS} (or in
 * `MODULE_CRDS`, read from a pinned Go module) against its CRD schema;
 * `undefined` for other groups, or when the reference CRDs are absent.
 */
export function crdSchemaProblems(object: Manifest): string[] | undefined {
  const group = object.apiVersion.split('/')[0];
  const fromModule = moduleCrdSchemas(group);
  if (fromModule !== undefined) {
    const schema = fromModule.get(`${object.apiVersion}/${object.kind}`);
    return schema === undefined ? [`no CRD schema for ${object.apiVersion}/${object.kind}`] : crdProblems(schema, object);
  }
  if (!crdSchemasAvailable || !(group in CRD_DIRS)) {
    return undefined;
  }
  const schema = crdSchemas().get(`${object.apiVersion}/${object.kind}`);
  return schema === undefined ? [`no CRD schema for ${object.apiVersion}/${object.kind}`] : crdProblems(schema, object);
}

/**
 * Whether an object satisfies an alternative of a `oneOf` that speaks of
 * which fields are present: `required`, `not` and `anyOf` of such (the form
 * protobuf `oneof`s take in generated CRDs, e.g. Istio's).
 */
function satisfiesPresence(alt: Schema, record: Record<string, unknown>): boolean {
  return (alt.required ?? []).every((k: string) => k in record)
    && (alt.not === undefined || !satisfiesPresence(alt.not, record))
    && (alt.anyOf === undefined || alt.anyOf.some((any: Schema) => satisfiesPresence(any, record)));
}

const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/**
 * The problems of `value` against a structural CRD schema: types, required
 * fields, enums, lengths, item counts, patterns, bounds, oneOf, list-map
 * keys, and unknown fields (which the API server would drop).
 */
export function crdProblems(schema: Schema, value: unknown, path = ''): string[] {
  const problems: string[] = [];
  const at = path || '<root>';
  if (schema['x-kubernetes-int-or-string']) {
    return typeof value === 'string' || Number.isInteger(value) ? [] : [`${at}: expected int or string`];
  }
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return [`${at}: expected object`];
      }
      const record = value as Record<string, unknown>;
      for (const key of schema.required ?? []) {
        if (!(key in record)) {
          problems.push(`${at}: missing required field '${key}'`);
        }
      }
      for (const [key, child] of Object.entries(record)) {
        const childSchema = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
        if (path === '' && ['apiVersion', 'kind', 'metadata'].includes(key)) {
          // the type fields and ObjectMeta are the API server's to check, not the CRD schema's
        } else if (childSchema !== undefined) {
          problems.push(...crdProblems(childSchema, child, `${path}.${key}`));
        } else if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties === undefined) {
          problems.push(`${at}: unknown field '${key}'`);
        }
      }
      if (schema.maxProperties !== undefined && Object.keys(record).length > schema.maxProperties) {
        problems.push(`${at}: more than ${schema.maxProperties} properties`);
      }
      for (const oneOf of [schema.oneOf, ...(schema.allOf ?? []).map((all: Schema) => all.oneOf)].filter((o) => o !== undefined)) {
        const fits = oneOf.filter((alt: Schema) => satisfiesPresence(alt, record));
        if (fits.length !== 1) {
          problems.push(`${at}: must satisfy exactly one of ${JSON.stringify(oneOf)}`);
        }
      }
      break;
    }
    case 'array': {
      if (!Array.isArray(value)) {
        return [`${at}: expected array`];
      }
      if (schema.minItems !== undefined && value.length < schema.minItems) {
        problems.push(`${at}: fewer than ${schema.minItems} items`);
      }
      if (schema.maxItems !== undefined && value.length > schema.maxItems) {
        problems.push(`${at}: more than ${schema.maxItems} items`);
      }
      if (schema['x-kubernetes-list-type'] === 'map') {
        const keys = value.map((item) => JSON.stringify((schema['x-kubernetes-list-map-keys'] ?? []).map((k: string) => item[k])));
        if (new Set(keys).size !== keys.length) {
          problems.push(`${at}: duplicate list-map keys`);
        }
      }
      if (schema['x-kubernetes-list-type'] === 'set' && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
        problems.push(`${at}: duplicate items in a set`);
      }
      value.forEach((item, i) => problems.push(...crdProblems(schema.items ?? {}, item, `${path}[${i}]`)));
      break;
    }
    case 'string':
      if (typeof value !== 'string') {
        return [`${at}: expected string, got ${JSON.stringify(value)}`];
      }
      if (schema.minLength !== undefined && value.length < schema.minLength) {
        problems.push(`${at}: shorter than ${schema.minLength}`);
      }
      if (schema.maxLength !== undefined && value.length > schema.maxLength) {
        problems.push(`${at}: longer than ${schema.maxLength}`);
      }
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
        problems.push(`${at}: '${value}' does not match ${schema.pattern}`);
      }
      if (schema.format === 'duration' && !DURATION.test(value)) {
        problems.push(`${at}: '${value}' is not a duration`);
      }
      break;
    case 'integer':
      if (!Number.isInteger(value)) {
        return [`${at}: expected integer, got ${JSON.stringify(value)}`];
      }
      if (schema.minimum !== undefined && (value as number) < schema.minimum) {
        problems.push(`${at}: below ${schema.minimum}`);
      }
      if (schema.maximum !== undefined && (value as number) > schema.maximum) {
        problems.push(`${at}: above ${schema.maximum}`);
      }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') {
        return [`${at}: expected boolean`];
      }
      break;
    default:
      break;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  }
  return problems;
}
