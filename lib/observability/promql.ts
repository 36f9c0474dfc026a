import { SignalSource } from './signal-source';

/**
 * The labels every observed series carries (set by the PodMonitor from the pod's labels).
 *
 * @internal
 */
export const SERIES_LABELS = { SERVICE: 'service', REVISION: 'revision' } as const;

/** A workload as its queries see it. */
export interface QueryTarget {
  /** The service or function name: the `service` label. */
  readonly name: string;
  /** Its namespace, if the chart sets one. */
  readonly namespace: string | undefined;
  /** Where its signals come from. */
  readonly source: SignalSource;
}

/**
 * `{namespace="…", service="…"}`: the matchers of one workload's series, plus `extra`.
 *
 * @internal
 */
export function selector(target: QueryTarget, ...extra: readonly string[]): string {
  const own = target.namespace === undefined ? [] : [`namespace="${target.namespace}"`];
  return `{${[...own, `${SERIES_LABELS.SERVICE}="${target.name}"`, ...extra].join(', ')}}`;
}

/**
 * The matchers of the raw counter and histogram: the workload's plus the source's own.
 *
 * @internal
 */
export function rawSelector(target: QueryTarget, ...extra: readonly string[]): string {
  return selector(target, ...target.source.matchers, ...extra);
}

/**
 * The labels the per-revision signals keep.
 *
 * @internal
 */
export const BY_REVISION = ['namespace', SERIES_LABELS.SERVICE, SERIES_LABELS.REVISION] as const;
/**
 * The labels the per-service signals keep.
 *
 * @internal
 */
export const BY_SERVICE = ['namespace', SERIES_LABELS.SERVICE] as const;

/**
 * `sum by (…) (rate(metric{…}[window]))`.
 *
 * @internal
 */
export function sumRate(metric: string, matchers: string, window: string, by: readonly string[]): string {
  return `sum by (${by.join(', ')}) (rate(${metric}${matchers}[${window}]))`;
}

/**
 * `failed / all`, 0 (not absent) when nothing failed: a counter of failures
 * has no series until the first failure.
 *
 * @internal
 */
export function ratio(failed: string, all: string, by: readonly string[]): string {
  return `(${failed} or on (${by.join(', ')}) 0 * ${all}) / ${all}`;
}

/**
 * A matcher of the histogram bucket with upper bound `bound`. Prometheus 3
 * writes the `le` of a scraped classic histogram as a float ("250.0"), older
 * ones and the exposition as written ("250"): the matcher takes both.
 *
 * @internal
 */
export function bucketMatcher(bound: number): string {
  const text = String(bound);
  return Number.isInteger(bound) ? `le=~"${text}(\\\\.0)?"` : `le="${text}"`;
}
