import type { Revision } from '../workload/revision';

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
