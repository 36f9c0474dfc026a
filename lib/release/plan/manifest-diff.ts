/** One changed field between two versions of an object. */
export interface FieldChange {
  /**
   * Where: map keys joined by '.', list items by index (`[0]`) or, in lists
   * whose items all have distinct names, by name (`[name=orders]`); keys that
   * are not plain identifiers are quoted (`labels["app.kubernetes.io/name"]`).
   */
  readonly path: string;
  /** The value before; absent when the field is new. */
  readonly before?: unknown;
  /** The value after; absent when the field is gone. */
  readonly after?: unknown;
}

/** One step of a path: a map key, a list index, or the name of a list item. */
export type PathSegment = string | number | { readonly name: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The path of {@link FieldChange}, from its segments. */
export function formatPath(segments: readonly PathSegment[]): string {
  return segments
    .map((segment, i) => {
      if (typeof segment === 'number') {
        return `[${segment}]`;
      }
      if (typeof segment === 'object') {
        return `[name=${segment.name}]`;
      }
      if (IDENTIFIER.test(segment)) {
        return i === 0 ? segment : `.${segment}`;
      }
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}

/**
 * The value as the Kubernetes API reads it: `null`, empty maps and empty
 * lists mean "not set", so they are dropped, at every depth.
 *
 * @returns `undefined` when nothing is set
 */
export function comparable(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => comparable(item) ?? null);
    return items.length === 0 ? undefined : items;
  }
  if (isMap(value)) {
    const entries = Object.entries(value)
      .map(([key, member]) => [key, comparable(member)] as const)
      .filter(([, member]) => member !== undefined);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value === null ? undefined : value;
}

/** Whether two values are the same once unset fields are dropped. */
export function sameValue(a: unknown, b: unknown): boolean {
  return equal(comparable(a), comparable(b));
}

/**
 * Every changed field between two values (after {@link comparable}): maps are
 * compared key by key, lists of named items name by name, other lists of the
 * same length item by item; a list whose length changed is one change.
 *
 * @param at the path of the two values (the root when not given)
 */
export function diffValues(before: unknown, after: unknown, at: readonly PathSegment[] = []): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(comparable(before), comparable(after), at, changes);
  return changes;
}

/**
 * How a list's items are addressed in paths: by name when every item is a
 * map with a distinct string `name`, else by index.
 */
export function itemSegments(list: readonly unknown[]): PathSegment[] {
  const names = itemNames(list);
  return names === undefined ? list.map((_, i) => i) : names.map((name) => ({ name }));
}

function walk(before: unknown, after: unknown, at: readonly PathSegment[], changes: FieldChange[]): void {
  if (equal(before, after)) {
    return;
  }
  if (isMap(before) && isMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      walk(before[key], after[key], [...at, key], changes);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const beforeNames = itemNames(before);
    const afterNames = itemNames(after);
    if (beforeNames !== undefined && afterNames !== undefined) {
      const byName = (list: readonly unknown[], name: string) => list.find((item) => (item as { name: string }).name === name);
      for (const name of [...new Set([...beforeNames, ...afterNames])]) {
        walk(byName(before, name), byName(after, name), [...at, { name }], changes);
      }
      return;
    }
    if (before.length === after.length) {
      before.forEach((item, i) => walk(item, after[i], [...at, i], changes));
      return;
    }
  }
  changes.push({
    path: formatPath(at),
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
  });
}

function itemNames(list: readonly unknown[]): string[] | undefined {
  const names = list.map((item) => (isMap(item) && typeof item.name === 'string' ? item.name : undefined));
  if (names.some((name) => name === undefined) || new Set(names).size !== names.length) {
    return undefined;
  }
  return names as string[];
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => equal(item, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && equal(a[key], b[key]));
  }
  return false;
}

/** Whether a value is a JSON object (not a list, not null). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
