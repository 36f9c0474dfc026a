import { Manifest } from '../../core/manifest-schema';
import { compare } from './topology-builder';

/** A field of a synthesized object, read without a schema. */
export type Fields = Record<string, any>;

/**
 * The objects of a synthesis, looked up by API group, kind, namespace and
 * name. Every list comes in the same order whatever the order of the input:
 * by namespace, then name.
 */
export class DistObjects {
  private readonly byKind = new Map<string, Manifest[]>();
  /** Per kind, the first object of each namespace and name: {@link find} in constant time, made on first use. */
  private readonly byName = new Map<string, Map<string, Manifest>>();

  constructor(manifests: readonly Manifest[]) {
    const sorted = [...manifests].sort((a, b) => compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compare(a.metadata.name ?? '', b.metadata.name ?? ''));
    for (const manifest of sorted) {
      const key = kindKey(apiGroup(manifest.apiVersion), manifest.kind);
      const list = this.byKind.get(key);
      if (list === undefined) {
        this.byKind.set(key, [manifest]);
      } else {
        list.push(manifest);
      }
    }
  }

  /** The objects of this kind in this API group (`''` for the core group). */
  public of(group: string, kind: string): readonly Manifest[] {
    return this.byKind.get(kindKey(group, kind)) ?? [];
  }

  /** The kinds of an API group the synthesis has objects of, sorted. */
  public kindsOf(group: string): string[] {
    return [...this.byKind.keys()].filter((key) => key.startsWith(`${group}/`)).map((key) => key.slice(group.length + 1)).sort(compare);
  }

  /** The object of this kind, namespace and name, if the synthesis has it. */
  public find(group: string, kind: string, namespace: string | undefined, name: string): Manifest | undefined {
    const key = kindKey(group, kind);
    let named = this.byName.get(key);
    if (named === undefined) {
      named = new Map();
      for (const manifest of this.of(group, kind)) {
        const id = namespacedKey(manifest.metadata.namespace, manifest.metadata.name);
        if (!named.has(id)) {
          named.set(id, manifest);
        }
      }
      this.byName.set(key, named);
    }
    return named.get(namespacedKey(namespace, name));
  }
}

/** A map key for a namespace (or none) and a name, distinct for every pair. */
export function namespacedKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace === undefined ? '\u0001' : namespace}\u0000${name}`;
}

function kindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

/** The API group of an `apiVersion`: `apps` for `apps/v1`, `''` for `v1`. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The object's `spec`, or an empty one. */
export function specOf(manifest: Manifest): Fields {
  return (manifest.spec ?? {}) as Fields;
}

/** The object's labels. */
export function labelsOf(manifest: Manifest): Readonly<Record<string, string>> {
  return (manifest.metadata.labels ?? {}) as Record<string, string>;
}

/** The object's name (every object of a synthesis has one). */
export function nameOf(manifest: Manifest): string {
  return manifest.metadata.name!;
}

/** Whether labels carry every label of a `matchLabels` selector; an empty or missing selector matches nothing. */
export function selects(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/** The items of a list field, or none when it is missing or not a list. */
export function listOf(value: unknown): Fields[] {
  return Array.isArray(value) ? (value as Fields[]).filter((item) => typeof item === 'object' && item !== null) : [];
}

/** A share in percent as people write it: `90%`, `33.3%`. */
export function formatPercent(percent: number): string {
  const rounded = Math.round(percent * 10) / 10;
  return `${rounded}%`;
}

/**
 * Shares in percent of weighted backends, as the Gateway API, Linkerd and
 * Istio weigh them: proportionally; all equal when every weight is 0.
 */
export function shares(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => (total === 0 ? 100 / weights.length : (w * 100) / total));
}
