import { clusterServiceOf } from '../../core/cluster-host';
import { Manifest } from '../../core/manifest-schema';
import { formatPath, isMap, itemSegments, PathSegment } from './manifest-diff';

/** The weight of one backend of a traffic split, before and after. */
export interface WeightChange {
  /** The backend: an Istio subset or host, a Gateway API backend name, a Knative revision. */
  readonly backend: string;
  /**
   * Its weight before.
   * @default - absent: the backend is new in the split
   */
  readonly before?: number;
  /**
   * Its weight after.
   * @default - absent: the backend left the split
   */
  readonly after?: number;
}

/** A traffic split whose weights changed. */
export interface TrafficChange {
  /** The path of the list of weighted backends, e.g. `spec.http[name=canary].route`. */
  readonly path: string;
  /** Every backend of the split before or after, in their order. */
  readonly backends: readonly WeightChange[];
}

interface SplitForm {
  /** Whether a list item is a weighted backend of this form. */
  readonly matches: (item: Record<string, any>) => boolean;
  readonly backend: (item: Record<string, any>) => string;
  /** The weight, with the API's default when it is not set. */
  readonly weight: (item: Record<string, any>, items: number) => number;
}

/**
 * Lists of weighted backends, by the key that holds them: Istio's
 * `route` (VirtualService), the Gateway API's and Linkerd's `backendRefs`
 * (HTTPRoute, GRPCRoute), Knative's `traffic` (Service, Route).
 */
const SPLIT_FORMS: Readonly<Record<string, SplitForm>> = {
  route: {
    matches: (item) => isMap(item.destination) && typeof item.destination.host === 'string',
    backend: (item) => item.destination.subset ?? shortHost(item.destination.host),
    weight: (item, items) => item.weight ?? (items === 1 ? 100 : 0),
  },
  backendRefs: {
    matches: (item) => typeof item.name === 'string',
    backend: (item) => (item.namespace === undefined ? item.name : `${item.namespace}/${item.name}`),
    weight: (item) => item.weight ?? 1,
  },
  traffic: {
    matches: (item) => typeof item.revisionName === 'string' || item.latestRevision === true || typeof item.tag === 'string',
    backend: (item) => {
      const target = item.revisionName ?? (item.latestRevision === true ? 'latest revision' : 'no revision');
      return item.tag === undefined ? target : `${target} (tag ${item.tag})`;
    },
    weight: (item) => item.percent ?? 0,
  },
};

/** `orders` for `orders.shop.svc.cluster.local`; other hosts as they are. */
function shortHost(host: string): string {
  return clusterServiceOf(host)?.name ?? host;
}

/** The traffic splits of an object whose weights differ between two versions of it. */
export function trafficChanges(before: Manifest, after: Manifest): TrafficChange[] {
  const splitsBefore = trafficSplits(before);
  const splitsAfter = trafficSplits(after);
  const paths = [...new Set([...splitsAfter.keys(), ...splitsBefore.keys()])];
  const changes: TrafficChange[] = [];
  for (const path of paths) {
    const was = splitsBefore.get(path) ?? new Map<string, number>();
    const is = splitsAfter.get(path) ?? new Map<string, number>();
    const backends = [...new Set([...was.keys(), ...is.keys()])];
    if (backends.every((backend) => was.get(backend) === is.get(backend))) {
      continue;
    }
    changes.push({
      path,
      backends: backends.map((backend) => ({
        backend,
        ...(was.has(backend) ? { before: was.get(backend) } : {}),
        ...(is.has(backend) ? { after: is.get(backend) } : {}),
      })),
    });
  }
  return changes;
}

/** Every weighted split under the object's spec: path → backend → weight (same backend twice: summed). */
function trafficSplits(manifest: Manifest): Map<string, Map<string, number>> {
  const splits = new Map<string, Map<string, number>>();
  const visit = (value: unknown, at: readonly PathSegment[]): void => {
    if (Array.isArray(value)) {
      const segments = itemSegments(value);
      value.forEach((item, i) => visit(item, [...at, segments[i]]));
      return;
    }
    if (!isMap(value)) {
      return;
    }
    for (const [key, member] of Object.entries(value)) {
      const form = SPLIT_FORMS[key];
      if (form !== undefined && Array.isArray(member) && member.length > 0 && member.every((item) => isMap(item) && form.matches(item))) {
        const weights = new Map<string, number>();
        for (const item of member as Array<Record<string, any>>) {
          const backend = form.backend(item);
          weights.set(backend, (weights.get(backend) ?? 0) + form.weight(item, member.length));
        }
        splits.set(formatPath([...at, key]), weights);
      } else {
        visit(member, [...at, key]);
      }
    }
  };
  visit(manifest.spec, ['spec']);
  return splits;
}
