import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';
import type { Microservice } from '../workload/microservice';
import type { Revision } from '../workload/revision';
import { assertWeights, Weighted } from './weights';

/** A live revision a route sends a share of its requests to. */
export interface RouteBackend {
  /** The revision (from `Microservice.revisions` or `addRevision`). */
  readonly revision: Revision;
  /**
   * The revision's share, proportional to the other backends' weights of the
   * route: 90 and 10, or 9 and 1, mean the same. 0 keeps the revision in the
   * route without traffic (a step of a canary).
   * @default 1
   */
  readonly weight?: number;
}

/**
 * Validates weighted backends across live revisions of one service: at least
 * one, each live and listed once, weights whole numbers with one above 0.
 *
 * @throws ValidationError naming `what` for any invalid backend
 * @internal
 */
export function resolveRevisionBackends(
  what: string,
  service: Microservice,
  backends: readonly RouteBackend[],
  scope: IConstruct,
): Weighted<Revision>[] {
  if (backends.length === 0) {
    throw new ValidationError(`${what} has no backends; give it at least one revision of ${service.serviceName}`, scope);
  }
  const weighted = backends.map((b) => ({ target: b.revision, weight: b.weight ?? 1 }));
  for (const { target } of weighted) {
    assertRevisionOf(service, target, `${what} backend`, scope);
  }
  const seen = new Set<Revision>();
  for (const { target } of weighted) {
    if (seen.has(target)) {
      throw new ValidationError(`${what} lists revision '${target.track}' twice; list each backend once with its total weight`, scope);
    }
    seen.add(target);
  }
  assertWeights(weighted, (r) => r.track, what, scope);
  return weighted;
}

/**
 * @throws ValidationError unless `revision` is a live revision of `service`
 * @internal
 */
export function assertRevisionOf(service: Microservice, revision: Revision, what: string, scope: IConstruct): void {
  if (!service.revisions.includes(revision)) {
    throw new ValidationError(
      `${what} '${revision.node.path}' is not a live revision of ${service.serviceName} (live: ${service.revisions.map((r) => r.track).join(', ')}); ` +
        `use one returned by ${service.serviceName}.addRevision or listed in ${service.serviceName}.revisions`,
      scope,
    );
  }
}
