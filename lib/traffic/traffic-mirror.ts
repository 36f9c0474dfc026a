import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';
import type { Microservice } from '../workload/microservice';
import type { Revision } from '../workload/revision';
import { assertPercentage } from './percentage';
import { assertRevisionOf } from './route-backend';
import type { Weighted } from './weights';

/** A copy of a route's requests sent to a revision; its responses are dropped. */
export interface TrafficMirror {
  /** The revision receiving the copies. */
  readonly revision: Revision;
  /**
   * The share of requests copied, in (0, 100].
   * @default 100
   */
  readonly percentage?: number;
}

/** A validated mirror. */
export interface ResolvedMirror {
  /** The revision receiving the copies. */
  readonly revision: Revision;
  /** The share of requests copied, in (0, 100]. */
  readonly percentage: number;
}

/**
 * Validates a mirror: a live revision of `service` outside the route's backends, a percentage in (0, 100].
 *
 * @throws ValidationError naming `what` for an invalid mirror
 * @internal
 */
export function resolveMirror(
  what: string,
  mirror: TrafficMirror,
  service: Microservice,
  backends: readonly Weighted<Revision>[],
  scope: IConstruct,
): ResolvedMirror {
  assertRevisionOf(service, mirror.revision, `${what} mirror`, scope);
  if (backends.some((b) => b.target === mirror.revision)) {
    throw new ValidationError(
      `${what} mirrors to revision '${mirror.revision.track}', which already serves the route; mirror to a revision outside its backends`,
      scope,
    );
  }
  return { revision: mirror.revision, percentage: assertPercentage(`${what} mirror percentage`, mirror.percentage ?? 100, scope) };
}
