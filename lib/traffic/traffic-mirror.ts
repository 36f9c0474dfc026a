import type { Revision } from '../workload/revision';

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
