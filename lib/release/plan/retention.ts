import { configReferences } from '../../core/config-references';
import { LabelKeys } from '../../core/labels';
import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';

type Json = Record<string, any>;

/** How many retired revisions of each workload a deploy keeps by default: the replaced release, for a rollback. */
export const DEFAULT_KEEP = 1;

interface RetiredRevision {
  /** Its revision id. */
  readonly revision: string;
  /** When it was made: the creation time of its workload object (Deployment), else of its newest object. */
  readonly createdAt: string;
  /** Its workload object's name (else its first object's), to break ties. */
  readonly name: string;
  readonly objects: readonly Manifest[];
}

/**
 * The identities of the retired live objects that stay when the `keep` most
 * recent retired revisions of each workload are kept: every object carrying
 * one of those revision ids (Deployment, autoscaler, disruption budget,
 * per-revision Service), and the retired ConfigMaps and Secrets their pods
 * use. "Most recent" is the `metadata.creationTimestamp` of the revision's
 * Deployment (a revision is made once and never updated), ties broken by
 * name (the one that sorts first wins). Revisions in `retainFirst` (those the
 * release being replaced runs) come before any other, so the release a
 * rollback returns to stays whatever order the revisions were made in.
 *
 * @param retired live objects (with their metadata) the release no longer has
 * @param retainFirst revision ids kept before the others
 */
export function retainedObjects(retired: readonly Manifest[], keep: number, retainFirst: ReadonlySet<string> = new Set()): Set<string> {
  const kept = new Set<string>();
  if (keep <= 0) {
    return kept;
  }
  for (const revisions of retiredRevisionsByWorkload(retired).values()) {
    const first = (r: RetiredRevision) => (retainFirst.has(r.revision) ? 0 : 1);
    const newestFirst = [...revisions].sort((a, b) => first(a) - first(b) || compare(b.createdAt, a.createdAt) || compare(a.name, b.name));
    for (const revision of newestFirst.slice(0, keep)) {
      for (const object of revision.objects) {
        kept.add(objectIdentity(object));
        const podSpec = (object.spec as Json | undefined)?.template?.spec;
        for (const ref of podSpec === undefined ? [] : configReferences(podSpec)) {
          const config = retired.find((m) =>
            m.kind === ref.kind && m.metadata.name === ref.name && m.metadata.namespace === object.metadata.namespace);
          if (config !== undefined) {
            kept.add(objectIdentity(config));
          }
        }
      }
    }
  }
  return kept;
}

/** Retired objects carrying a revision label, by workload (namespace + service name), then by revision id. */
function retiredRevisionsByWorkload(retired: readonly Manifest[]): Map<string, RetiredRevision[]> {
  const groups = new Map<string, Map<string, Manifest[]>>();
  for (const object of retired) {
    const labels = (object.metadata.labels ?? {}) as Record<string, string>;
    const revision = labels[LabelKeys.REVISION];
    if (revision === undefined) {
      continue;
    }
    const workload = `${object.metadata.namespace ?? ''}/${labels[LabelKeys.NAME] ?? ''}`;
    const byRevision = groups.get(workload) ?? new Map<string, Manifest[]>();
    byRevision.set(revision, [...(byRevision.get(revision) ?? []), object]);
    groups.set(workload, byRevision);
  }
  return new Map([...groups].map(([workload, byRevision]) =>
    [workload, [...byRevision].map(([revision, objects]) => retiredRevision(revision, objects))]));
}

function retiredRevision(revision: string, objects: readonly Manifest[]): RetiredRevision {
  const workload = objects.find((m) => (m.spec as Json | undefined)?.template?.spec !== undefined);
  const created = (m: Manifest) => String(m.metadata.creationTimestamp ?? '');
  return {
    revision,
    createdAt: workload === undefined ? objects.map(created).sort(compare).reverse()[0] : created(workload),
    name: (workload ?? objects[0]).metadata.name!,
    objects,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
