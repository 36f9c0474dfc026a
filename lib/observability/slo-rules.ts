import { PrometheusRuleEntry } from './golden-signal-rules';
import { BY_SERVICE, bucketMatcher, QueryTarget, rawSelector, ratio, selector, sumRate } from './promql';
import { BURN_RATE_WINDOWS, BurnRateWindow, decimal, ServiceLevelObjective, SLI_WINDOWS } from './service-level-objective';

/**
 * The recorded error ratio of an SLO's indicator over `window`.
 *
 * @internal
 */
export function sliErrorRatio(window: string): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/**
 * The name of the alert of an SLO at a severity, e.g. 'AvailabilityBudgetBurnPage'.
 *
 * @internal
 */
export function burnAlertName(objective: ServiceLevelObjective, severity: BurnRateWindow['severity']): string {
  const capital = (s: string) => s[0].toUpperCase() + s.slice(1);
  return `${capital(objective.kind)}BudgetBurn${capital(severity)}`;
}

/**
 * Recording rules of an SLO's error ratio over every burn-rate window.
 *
 * @internal
 */
export function sliRules(target: QueryTarget, objective: ServiceLevelObjective): PrometheusRuleEntry[] {
  return SLI_WINDOWS.map((window) => ({
    record: sliErrorRatio(window),
    expr: sliExpression(target, objective, window),
    labels: { slo: objective.kind },
  }));
}

function sliExpression(target: QueryTarget, objective: ServiceLevelObjective, window: string): string {
  const { source } = target;
  if (objective.kind === 'availability') {
    const all = sumRate(source.requestsTotal, rawSelector(target), window, BY_SERVICE);
    const failed = sumRate(source.requestsTotal, rawSelector(target, source.errorMatcher), window, BY_SERVICE);
    return ratio(failed, all, BY_SERVICE);
  }
  const bound = decimal(objective.thresholdMilliseconds! / source.latencyUnitMilliseconds);
  const all = sumRate(`${source.latency}_count`, rawSelector(target), window, BY_SERVICE);
  const fast = sumRate(`${source.latency}_bucket`, rawSelector(target, bucketMatcher(bound)), window, BY_SERVICE);
  return `(${all} - ${fast}) / ${all}`;
}

/**
 * The multi-window multi-burn-rate alerts of an SLO: one paging alert (the
 * budget burns 14.4× too fast over 1h and 5m, or 6× over 6h and 30m) and one
 * ticket (3× over 1d and 2h, or 1× over 3d and 6h).
 *
 * @internal
 */
export function burnRateAlerts(target: QueryTarget, objective: ServiceLevelObjective): PrometheusRuleEntry[] {
  const series = selector(target, `slo="${objective.kind}"`);
  return (['page', 'ticket'] as const).map((severity) => {
    const windows = BURN_RATE_WINDOWS.filter((w) => w.severity === severity);
    const expr = windows
      .map((w) => {
        const limit = `(${w.factor} * ${objective.errorBudget})`;
        return `(${sliErrorRatio(w.long)}${series} > ${limit} and ${sliErrorRatio(w.short)}${series} > ${limit})`;
      })
      .join(' or ');
    const what = objective.kind === 'availability'
      ? `${objective.percent}% of requests succeed`
      : `${objective.percent}% of requests finish within ${objective.thresholdMilliseconds}ms`;
    return {
      alert: burnAlertName(objective, severity),
      expr,
      labels: { severity, slo: objective.kind },
      annotations: {
        summary: `${target.name} burns its ${objective.kind} error budget too fast`,
        description:
          `The objective is that ${what} over 30 days. ` +
          `Over ${windows.map((w) => `${w.long} and ${w.short}`).join(', or over ')} the budget burned faster than ` +
          `${windows.map((w) => `${w.factor}×`).join(' or ')} the rate that would spend it in 30 days.`,
      },
    };
  });
}
