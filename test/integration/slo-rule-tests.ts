import { ObservedWorkload, ServiceLevelObjective } from '../../lib';
import { burnAlertName } from '../../lib/observability/slo-rules';

// Synthetic series for `promtool test rules`: for every SLO of an observed
// workload, traffic that burns its error budget (both alerts fire), traffic
// that burns it slowly (the ticket fires, the page does not), and traffic
// within it (no alert), each read through the workload's signal source.

/** A promtool unit test case. */
export interface RuleTestCase {
  readonly interval: string;
  readonly input_series: readonly { readonly series: string; readonly values: string }[];
  readonly alert_rule_test?: readonly Record<string, unknown>[];
  readonly promql_expr_test?: readonly Record<string, unknown>[];
}

/** Every minute for three hours; alerts are checked at two hours. */
const MINUTES = 180;
const EVAL = '2h';
/** Requests per minute of each synthetic revision. */
const TOTAL_PER_MINUTE = 10_000;

/** The labels of a request that succeeded and of one that failed, as each source writes them. */
function outcomeLabels(observed: ObservedWorkload): { readonly ok: string; readonly failed: string } {
  switch (observed.target.source.name) {
    case 'istio':
      return { ok: 'response_code="200"', failed: 'response_code="503"' };
    case 'linkerd':
      return { ok: 'classification="success"', failed: 'classification="failure"' };
    case 'consul':
      return { ok: 'envoy_response_code_class="2"', failed: 'envoy_response_code_class="5"' };
    default: {
      const label = observed.target.source.errorMatcher.split(/[=!~]/)[0].trim();
      return { ok: `${label}="200"`, failed: `${label}="500"` };
    }
  }
}

/** The labels every series of the workload carries: the PodMonitor's and the source's own. */
function baseLabels(observed: ObservedWorkload, revision: string): string[] {
  const { target } = observed;
  return [`namespace="${target.namespace}"`, `service="${target.name}"`, `revision="${revision}"`, ...target.source.matchers];
}

const counter = (perMinute: number) => `0+${perMinute}x${MINUTES}`;

/** Series of `badPerMinute` failed (or slow) requests out of TOTAL_PER_MINUTE. */
function seriesFor(observed: ObservedWorkload, objective: ServiceLevelObjective, badPerMinute: number, leForm: 'plain' | 'float'): RuleTestCase['input_series'] {
  const { source } = observed.target;
  const labels = baseLabels(observed, 'r1');
  if (objective.kind === 'availability') {
    const { ok, failed } = outcomeLabels(observed);
    return [
      { series: `${source.requestsTotal}{${[...labels, ok].join(', ')}}`, values: counter(TOTAL_PER_MINUTE - badPerMinute) },
      { series: `${source.requestsTotal}{${[...labels, failed].join(', ')}}`, values: counter(badPerMinute) },
    ];
  }
  const bound = objective.thresholdMilliseconds! / source.latencyUnitMilliseconds;
  const le = leForm === 'float' && Number.isInteger(bound) ? `${bound}.0` : String(bound);
  return [
    { series: `${source.latency}_bucket{${[...labels, `le="${le}"`].join(', ')}}`, values: counter(TOTAL_PER_MINUTE - badPerMinute) },
    { series: `${source.latency}_bucket{${[...labels, 'le="+Inf"'].join(', ')}}`, values: counter(TOTAL_PER_MINUTE) },
    { series: `${source.latency}_count{${labels.join(', ')}}`, values: counter(TOTAL_PER_MINUTE) },
  ];
}

/** The alerts of an SLO at `EVAL`, as promtool expects them: labels and annotations exactly. */
function expectedAlerts(observed: ObservedWorkload, objective: ServiceLevelObjective, severity: 'page' | 'ticket', firing: boolean): Record<string, unknown> {
  const alertname = burnAlertName(objective, severity);
  const rule = (observed.prometheusRule.toJson().spec.groups as any[])
    .flatMap((g) => g.rules)
    .find((r: any) => r.alert === alertname && r.labels.slo === objective.kind);
  const { target } = observed;
  return {
    eval_time: EVAL,
    alertname,
    exp_alerts: firing
      ? [{ exp_labels: { namespace: target.namespace, service: target.name, ...rule.labels }, exp_annotations: rule.annotations }]
      : [],
  };
}

/** The three cases of one SLO: fast burn, slow burn, within budget. */
export function sloRuleTests(observed: ObservedWorkload): RuleTestCase[] {
  return observed.objectives.flatMap((objective) => {
    const perMinute = (ratio: number) => Math.round(ratio * TOTAL_PER_MINUTE);
    const budget = objective.errorBudget;
    const cases: Array<[number, boolean, boolean, 'plain' | 'float']> = [
      // failed share, page fires, ticket fires, form of the le label
      [Math.min(0.95, 20 * budget), true, true, 'float'],
      [4.5 * budget, false, true, 'plain'],
      [0.5 * budget, false, false, 'plain'],
    ];
    return cases.map(([ratio, page, ticket, leForm]) => ({
      interval: '1m',
      input_series: seriesFor(observed, objective, perMinute(ratio), leForm),
      alert_rule_test: [expectedAlerts(observed, objective, 'page', page), expectedAlerts(observed, objective, 'ticket', ticket)],
    }));
  });
}

/**
 * The golden signals split per revision: r1 takes 10 requests/s without
 * errors, r2 takes 1 request/s of which 10% fail.
 */
export function goldenSignalRuleTest(observed: ObservedWorkload): RuleTestCase {
  const { source, namespace, name } = observed.target;
  const { ok, failed } = outcomeLabels(observed);
  const series = (revision: string, outcome: string, perMinute: number) => ({
    series: `${source.requestsTotal}{${[...baseLabels(observed, revision), outcome].join(', ')}}`,
    values: counter(perMinute),
  });
  const sample = (metric: string, revision: string, value: number) => ({ labels: `${metric}{namespace="${namespace}", revision="${revision}", service="${name}"}`, value });
  return {
    interval: '1m',
    input_series: [series('r1', ok, 600), series('r2', ok, 54), series('r2', failed, 6)],
    promql_expr_test: [
      ...[['revision:requests:rate5m', 10, 1], ['revision:error_ratio:rate5m', 0, 0.1]].map(([metric, r1, r2]) => ({
        expr: `${metric}{service="${name}"}`,
        eval_time: EVAL,
        exp_samples: [sample(metric as string, 'r1', r1 as number), sample(metric as string, 'r2', r2 as number)],
      })),
    ],
  };
}
