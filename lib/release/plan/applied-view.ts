import { Manifest } from '../../core/manifest-schema';
import { isMap } from './manifest-diff';

type Json = Record<string, any>;

/** One entry of a live object's `metadata.managedFields`. */
interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly fieldsType?: string;
  readonly fieldsV1?: Json;
}

/**
 * A live object as it was applied, so it compares with a synthesis without
 * what the API server adds (status, `metadata.managedFields`,
 * `resourceVersion`, `uid`, `creationTimestamp`, `generation`, defaulted
 * fields):
 * - when `fieldManager` applied it (server-side apply), exactly the fields
 *   that manager owns, so a field the synthesis dropped since shows as a change;
 * - otherwise the live object read in the shape of `desired`: only the fields
 *   the synthesis sets (lists of another length whole).
 * A field `desired` sets to `false`, `0` or `''` that the live object lacks
 * counts as set: the API server does not store such zero values.
 *
 * @param desired the object as the synthesis has it; `undefined` when the synthesis does not have it
 */
export function appliedView(live: Manifest, fieldManager: string, desired: Manifest | undefined): Manifest {
  const entries = ((live.metadata.managedFields ?? []) as ManagedFieldsEntry[])
    .filter((e) => e.manager === fieldManager && e.operation === 'Apply' && e.fieldsType === 'FieldsV1' && isMap(e.fieldsV1));
  const view = entries.length > 0
    ? owned(live, entries.map((e) => e.fieldsV1!).reduce(mergeFields), desired) as Json
    : projected(live, desired ?? { metadata: {} }) as Json;
  return {
    ...view,
    apiVersion: live.apiVersion,
    kind: live.kind,
    metadata: {
      ...view.metadata,
      name: live.metadata.name,
      ...(live.metadata.namespace === undefined ? {} : { namespace: live.metadata.namespace }),
    },
  };
}

/** Whether a field manager applied the live object (server-side apply). */
export function appliedBy(live: Manifest, fieldManager: string): boolean {
  return ((live.metadata.managedFields ?? []) as ManagedFieldsEntry[]).some((e) => e.manager === fieldManager && e.operation === 'Apply');
}

/**
 * The part of `value` a FieldsV1 set covers: `f:<key>` a map member,
 * `k:<json>` the list item with those key fields, `v:<json>` the list item
 * with that value, `i:<n>` the n-th item; an entry with no members (or only
 * `.`) covers the whole value. An owned member the value lacks takes the zero
 * value `desired` gives it, if it gives one.
 */
function owned(value: unknown, fields: Json, desired: unknown): unknown {
  const keys = Object.keys(fields).filter((key) => key !== '.');
  if (keys.length === 0) {
    return value;
  }
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    value.forEach((item, index) => {
      const key = keys.find((k) => listKeyMatches(k, item, index));
      if (key !== undefined) {
        const wanted = Array.isArray(desired) ? desired.find((d, i) => listKeyMatches(key, d, i)) : undefined;
        items.push(owned(item, fields[key], wanted));
      }
    });
    return items;
  }
  if (isMap(value)) {
    const wanted = isMap(desired) ? desired : {};
    const members: Json = {};
    for (const key of keys.filter((k) => k.startsWith('f:'))) {
      const name = key.slice(2);
      if (name in value) {
        members[name] = owned(value[name], fields[key], wanted[name]);
      } else if (isZero(wanted[name])) {
        members[name] = wanted[name];
      }
    }
    return members;
  }
  return value;
}

/** A value Kubernetes does not store when a field is optional. */
function isZero(value: unknown): boolean {
  return value === false || value === 0 || value === '';
}

function listKeyMatches(key: string, item: unknown, index: number): boolean {
  if (key.startsWith('i:')) {
    return Number(key.slice(2)) === index;
  }
  if (key.startsWith('v:')) {
    return JSON.stringify(JSON.parse(key.slice(2))) === JSON.stringify(item);
  }
  if (key.startsWith('k:') && isMap(item)) {
    const wanted = JSON.parse(key.slice(2)) as Json;
    return Object.entries(wanted).every(([field, v]) => JSON.stringify(item[field]) === JSON.stringify(v));
  }
  return false;
}

function mergeFields(a: Json, b: Json): Json {
  const merged: Json = { ...a };
  for (const [key, member] of Object.entries(b)) {
    merged[key] = key in merged ? mergeFields(merged[key], member) : member;
  }
  return merged;
}

/** `live` with only the members `shape` has (its zero values where `live` lacks them); lists of the same length item by item. */
function projected(live: unknown, shape: unknown): unknown {
  if (isMap(live) && isMap(shape)) {
    const members: Json = {};
    for (const key of Object.keys(shape)) {
      if (key in live) {
        members[key] = projected(live[key], shape[key]);
      } else if (isZero(shape[key])) {
        members[key] = shape[key];
      }
    }
    return members;
  }
  if (Array.isArray(live) && Array.isArray(shape) && live.length === shape.length) {
    return live.map((item, i) => projected(item, shape[i]));
  }
  return live;
}
