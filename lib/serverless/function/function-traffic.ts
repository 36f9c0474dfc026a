import { IConstruct } from 'constructs';
import { assertDnsLabel, DNS_LABEL_MAX_LENGTH } from '../../core/names';
import { ValidationError } from '../../core/validation-error';
import { FunctionRevision } from './function-revision';

/**
 * A share of a function's requests: a revision (pinned by name) or whatever
 * revision is newest ('latest'), with a tag that gives it a URL of its own.
 */
export interface FunctionTrafficTarget {
  /**
   * The revision, pinned: it keeps serving until the code says otherwise.
   * 'latest' follows the newest ready revision instead, moving with every
   * deploy; prefer pinning.
   */
  readonly revision: FunctionRevision | 'latest';
  /** The whole percentage of requests (0-100); all targets sum to 100. */
  readonly percent: number;
  /**
   * A name that gives the target its own URL, `<tag>-<function>.<namespace>…`,
   * reachable whatever its percent (0 for a preview).
   * @default - no URL of its own
   */
  readonly tag?: string;
}

/** One entry of a Knative Service's `spec.traffic`. */
export interface KnativeTrafficEntry {
  /**
   * The pinned revision.
   * @default - none: the entry follows the latest revision
   */
  readonly revisionName?: string;
  /** Whether the entry follows the latest revision instead of a pinned one. */
  readonly latestRevision: boolean;
  /** The whole percentage of requests. */
  readonly percent: number;
  /**
   * The tag that gives the entry its own URL.
   * @default - no URL of its own
   */
  readonly tag?: string;
}

/**
 * The traffic block of a function: every target checked the way Knative's
 * webhook would, with messages naming the revisions.
 *
 * @param functionName the function, whose revisions the targets must be
 * @param live the function's live revisions
 * @throws ValidationError for no targets, a foreign or retired revision, a
 *   percent that is not whole or out of range, a total other than 100, a bad
 *   or repeated tag, or one revision listed twice without a tag
 * @internal
 */
export function resolveTraffic(
  functionName: string,
  live: readonly FunctionRevision[],
  targets: readonly FunctionTrafficTarget[],
  scope: IConstruct,
): KnativeTrafficEntry[] {
  if (targets.length === 0) {
    throw new ValidationError('traffic has no targets; give at least one revision with percent 100', scope);
  }
  const describe = (t: FunctionTrafficTarget) => (t.revision === 'latest' ? 'the latest revision' : `revision '${t.revision.track}' (${t.revision.name})`);
  const tags = new Map<string, string>();
  const untagged = new Set<string>();
  for (const target of targets) {
    const what = describe(target);
    if (target.revision !== 'latest' && !live.includes(target.revision)) {
      throw new ValidationError(
        target.revision.functionName === functionName
          ? `traffic sends to ${what}, which is not a live revision of ${functionName}; add it with addRevision or drop the target`
          : `traffic sends to ${what} of function ${target.revision.functionName}; a function routes to its own revisions only`,
        scope,
      );
    }
    if (!Number.isInteger(target.percent) || target.percent < 0 || target.percent > 100) {
      throw new ValidationError(`traffic percent of ${what} must be a whole number from 0 to 100, got ${target.percent}`, scope);
    }
    const key = target.revision === 'latest' ? 'latest' : target.revision.name;
    if (target.tag === undefined) {
      if (untagged.has(key)) {
        throw new ValidationError(`traffic lists ${what} twice without a tag; merge the two percents into one target`, scope);
      }
      untagged.add(key);
      continue;
    }
    assertDnsLabel(`traffic tag of ${what}`, target.tag, DNS_LABEL_MAX_LENGTH, scope);
    const host = `${target.tag}-${functionName}`;
    if (host.length > DNS_LABEL_MAX_LENGTH) {
      throw new ValidationError(
        `traffic tag '${target.tag}' makes the host label '${host}' (${host.length} characters), longer than ${DNS_LABEL_MAX_LENGTH}; use a shorter tag`,
        scope,
      );
    }
    const owner = tags.get(target.tag);
    if (owner !== undefined) {
      throw new ValidationError(`traffic tag '${target.tag}' is used by ${owner} and ${what}; give each target its own tag`, scope);
    }
    tags.set(target.tag, what);
  }
  const total = targets.reduce((sum, t) => sum + t.percent, 0);
  if (total !== 100) {
    const shares = targets.map((t) => `${describe(t)} ${t.percent}%`).join(', ');
    throw new ValidationError(`traffic percents must sum to 100, got ${total} (${shares}); adjust them so they add up to 100`, scope);
  }
  return targets.map((t) => (t.revision === 'latest'
    ? { latestRevision: true, percent: t.percent, tag: t.tag }
    : { revisionName: t.revision.name, latestRevision: false, percent: t.percent, tag: t.tag }));
}
