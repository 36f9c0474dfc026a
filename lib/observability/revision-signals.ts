import { goldenSignalExpressions } from './golden-signal-rules';
import { BY_REVISION, QueryTarget, SERIES_LABELS } from './promql';

/**
 * The PromQL of one revision's golden signals over a window: what a canary
 * analysis reads of the canary and of the stable revision.
 *
 * @internal
 */
export interface RevisionSignalQueries {
  /** Requests per second. */
  readonly requestRate: string;
  /** Failed requests per request, 0 when none failed. */
  readonly errorRatio: string;
  /** The latency at the quantile asked for, in seconds; absent when no quantile is asked for. */
  readonly latencySeconds?: string;
}

/**
 * The golden signals of the revision `revisionId` of a workload over the
 * last `windowSeconds`: the same expressions as its recording rules (see
 * `goldenSignalExpressions`), narrowed to the revision's series by the
 * `revision` label its PodMonitor sets.
 *
 * @param latencyQuantile 0-1, e.g. 0.99; none leaves latency out
 * @internal
 */
export function revisionSignalQueries(
  target: QueryTarget,
  revisionId: string,
  windowSeconds: number,
  latencyQuantile?: number,
): RevisionSignalQueries {
  const signals = goldenSignalExpressions(target, `${windowSeconds}s`, BY_REVISION, `${SERIES_LABELS.REVISION}="${revisionId}"`);
  return {
    requestRate: signals.requests,
    errorRatio: signals.errorRatio,
    ...(latencyQuantile === undefined ? {} : { latencySeconds: signals.latencySeconds(latencyQuantile) }),
  };
}
