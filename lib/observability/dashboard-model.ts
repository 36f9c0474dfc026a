import { canonicalJson, contentHash } from '../core/content-hash';
import { GoldenSignal, LATENCY_QUANTILES } from './golden-signal-rules';
import { QueryTarget, selector } from './promql';
import { ServiceLevelObjective } from './service-level-objective';
import { sliErrorRatio } from './slo-rules';

/** One query of a panel. */
interface PanelQuery {
  readonly expr: string;
  readonly legend: string;
}

/** A time-series panel. */
interface PanelSpec {
  readonly title: string;
  readonly unit: string;
  readonly queries: readonly PanelQuery[];
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 8;

/**
 * A workload's dashboard: its golden signals per revision and its SLOs' burn rates.
 *
 * @internal
 */
export function workloadDashboard(target: QueryTarget, objectives: readonly ServiceLevelObjective[]): string {
  const own = selector(target);
  const panels: PanelSpec[] = [
    { title: 'Requests per second, by revision', unit: 'reqps', queries: [{ expr: `${GoldenSignal.requests('revision')}${own}`, legend: '{{revision}}' }] },
    { title: 'Error ratio, by revision', unit: 'percentunit', queries: [{ expr: `${GoldenSignal.errorRatio('revision')}${own}`, legend: '{{revision}}' }] },
    {
      title: 'Latency, by revision',
      unit: 's',
      queries: LATENCY_QUANTILES.map(({ suffix }) => ({ expr: `${GoldenSignal.latency('revision', suffix)}${own}`, legend: `{{revision}} ${suffix}` })),
    },
    ...objectives.map((o) => ({
      title: `${o.kind === 'availability' ? 'Availability' : 'Latency'} SLO (${o.percent}%): error budget burn rate`,
      unit: 'none',
      queries: ['1h', '6h', '1d', '3d'].map((w) => ({
        expr: `${sliErrorRatio(w)}${selector(target, `slo="${o.kind}"`)} / ${o.errorBudget}`,
        legend: w,
      })),
    })),
  ];
  return dashboardJson(`${target.namespace ?? 'default'}/${target.name}`, `${target.name} (${target.source.name} metrics)`, panels);
}

/**
 * The app's dashboard: every observed workload's golden signals, one line each.
 *
 * @internal
 */
export function appDashboard(app: string, targets: readonly QueryTarget[]): string {
  const line = (metric: string) => targets.map((t) => ({ expr: `${metric}${selector(t)}`, legend: `${t.namespace ?? 'default'}/${t.name}` }));
  return dashboardJson(`app/${app}`, `${app}: services`, [
    { title: 'Requests per second, by service', unit: 'reqps', queries: line(GoldenSignal.requests('service')) },
    { title: 'Error ratio, by service', unit: 'percentunit', queries: line(GoldenSignal.errorRatio('service')) },
    { title: 'Latency p99, by service', unit: 's', queries: line(GoldenSignal.latency('service', 'p99')) },
  ]);
}

/**
 * A Grafana dashboard's JSON: panels in a two-column grid with ids 1, 2, …
 * in order, a data source variable, keys sorted, so the same model gives the
 * same bytes.
 */
function dashboardJson(key: string, title: string, panels: readonly PanelSpec[]): string {
  const dashboard = {
    uid: `ii-${contentHash(key, 16)}`,
    title,
    tags: ['immutable-infra'],
    editable: false,
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    templating: { list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' }] },
    panels: panels.map((panel, index) => ({
      id: index + 1,
      type: 'timeseries',
      title: panel.title,
      datasource: DATASOURCE,
      gridPos: { h: PANEL_HEIGHT, w: PANEL_WIDTH, x: (index % 2) * PANEL_WIDTH, y: Math.floor(index / 2) * PANEL_HEIGHT },
      fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
      targets: panel.queries.map((q, i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr: q.expr, legendFormat: q.legend })),
    })),
  };
  return `${JSON.stringify(JSON.parse(canonicalJson(dashboard)), undefined, 2)}\n`;
}
