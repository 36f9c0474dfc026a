import { Manifest } from '../../core/manifest-schema';
import { formatPath, isMap, itemSegments, PathSegment, sameValue } from './manifest-diff';

/** A label selector that changed: which pods (or revisions) an object points at. */
export interface SelectorChange {
  /** The path of the selector, e.g. `spec.selector` or `spec.subsets[name=v2].labels`. */
  readonly path: string;
  /** The labels selected before; absent when the selector is new. */
  readonly before?: Readonly<Record<string, string>>;
  /** The labels selected after; absent when the selector is gone. */
  readonly after?: Readonly<Record<string, string>>;
}

/** The label selectors of an object that differ between two versions of it. */
export function selectorChanges(before: Manifest, after: Manifest): SelectorChange[] {
  const was = selectors(before);
  const is = selectors(after);
  const changes: SelectorChange[] = [];
  for (const path of [...new Set([...is.keys(), ...was.keys()])]) {
    if (!sameValue(was.get(path), is.get(path))) {
      changes.push({
        path,
        ...(was.has(path) ? { before: was.get(path) } : {}),
        ...(is.has(path) ? { after: is.get(path) } : {}),
      });
    }
  }
  return changes;
}

/**
 * The label selectors under an object's spec, by path: string maps under
 * `selector` (Service) or `matchLabels`, and the `labels` of Istio subsets
 * (DestinationRule). Pod templates are not searched: their labels are what
 * is selected, not selectors.
 */
function selectors(manifest: Manifest): Map<string, Record<string, string>> {
  const found = new Map<string, Record<string, string>>();
  const visit = (value: unknown, at: readonly PathSegment[], inSubsets: boolean): void => {
    if (Array.isArray(value)) {
      const segments = itemSegments(value);
      value.forEach((item, i) => visit(item, [...at, segments[i]], inSubsets));
      return;
    }
    if (!isMap(value)) {
      return;
    }
    for (const [key, member] of Object.entries(value)) {
      const selectorKey = key === 'selector' || key === 'matchLabels' || (inSubsets && key === 'labels');
      if (selectorKey && isStringMap(member)) {
        found.set(formatPath([...at, key]), member);
      } else if (key !== 'template') {
        visit(member, [...at, key], key === 'subsets');
      }
    }
  };
  visit(manifest.spec, ['spec'], false);
  return found;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isMap(value) && Object.values(value).every((v) => typeof v === 'string');
}
