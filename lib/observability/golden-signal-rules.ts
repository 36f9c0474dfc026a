import { BY_REVISION, BY_SERVICE, QueryTarget, rawSelector, ratio, selector, sumRate } from './promql';

/**
 * A Prometheus rule as a PrometheusRule holds it.
 *
 * @internal
 */
export interface PrometheusRuleEntry {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/**
 * The quantiles recorded, as a fraction and as the suffix of the rule name.
 *
 * @internal
 */
export const LATENCY_QUANTILES: readonly { readonly quantile: number; readonly suffix: string }[] = [
  { quantile: 0.5, suffix: 'p50' },
  { quantile: 0.9, suffix: 'p90' },
  { quantile: 0.99, suffix: 'p99' },
];

/**
 * The window of the golden signals.
 *
 * @internal
 */
export const SIGNAL_WINDOW = '5m';

/**
 * The names of the recorded golden signals, per level ('revision' or 'service').
 *
 * @internal
 */
export const GoldenSignal = {
  requests: (level: Level) => `${level}:requests:rate${SIGNAL_WINDOW}`,
  errors: (level: Level) => `${level}:errors:rate${SIGNAL_WINDOW}`,
  errorRatio: (level: Level) => `${level}:error_ratio:rate${SIGNAL_WINDOW}`,
  latency: (level: Level, suffix: string) => `${level}:latency_seconds:${suffix}_rate${SIGNAL_WINDOW}`,
};

/**
 * Per revision (split by the `revision` label) or for the whole service.
 *
 * @internal
 */
export type Level = 'revision' | 'service';

/**
 * Recording rules of the golden signals of one workload, per revision and per
 * service: request rate, error rate and ratio, latency p50/p90/p99 in seconds.
 *
 * @internal
 */
export function goldenSignalRules(target: QueryTarget): PrometheusRuleEntry[] {
  return [...levelRules(target, 'revision'), ...levelRules(target, 'service')];
}

/**
 * The golden signals of one workload as PromQL, over `window`, kept `by`
 * these labels, of the series that also match `extra` (e.g. one revision):
 * the expressions the recording rules record, and the canary analysis of a
 * release queries.
 *
 * @internal
 */
export interface GoldenSignalExpressions {
  /** Requests per second. */
  readonly requests: string;
  /** Failed requests per second. */
  readonly errors: string;
  /** Failed requests per request, 0 when none failed. */
  readonly errorRatio: string;
  /** The latency at `quantile` (0-1), in seconds. */
  readonly latencySeconds: (quantile: number) => string;
}

/**
 * The PromQL of a workload's golden signals (see {@link GoldenSignalExpressions}).
 *
 * @param window a Prometheus duration, e.g. '5m'
 * @internal
 */
export function goldenSignalExpressions(
  target: QueryTarget,
  window: string,
  by: readonly string[],
  ...extra: readonly string[]
): GoldenSignalExpressions {
  const { source } = target;
  const requests = sumRate(source.requestsTotal, rawSelector(target, ...extra), window, by);
  const errors = sumRate(source.requestsTotal, rawSelector(target, source.errorMatcher, ...extra), window, by);
  const toSeconds = source.latencyUnitMilliseconds === 1000 ? '' : ` / ${1000 / source.latencyUnitMilliseconds}`;
  return {
    requests,
    errors,
    errorRatio: ratio(errors, requests, by),
    latencySeconds: (quantile) => `histogram_quantile(${quantile}, ${sumRate(`${source.latency}_bucket`, rawSelector(target, ...extra), window, [...by, 'le'])})${toSeconds}`,
  };
}

function levelRules(target: QueryTarget, level: Level): PrometheusRuleEntry[] {
  const by = level === 'revision' ? BY_REVISION : BY_SERVICE;
  const own = selector(target);
  const signals = goldenSignalExpressions(target, SIGNAL_WINDOW, by);
  return [
    { record: GoldenSignal.requests(level), expr: signals.requests },
    { record: GoldenSignal.errors(level), expr: signals.errors },
    {
      record: GoldenSignal.errorRatio(level),
      expr: ratio(`${GoldenSignal.errors(level)}${own}`, `${GoldenSignal.requests(level)}${own}`, by),
    },
    ...LATENCY_QUANTILES.map(({ quantile, suffix }) => ({
      record: GoldenSignal.latency(level, suffix),
      expr: signals.latencySeconds(quantile),
    })),
  ];
}
