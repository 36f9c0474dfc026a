import { FieldChange } from '../plan/manifest-diff';
import { GuardViolation, ObjectUpdate, PlannedObject, ReleasePlan } from '../plan/release-plan';
import { TrafficChange } from '../plan/traffic-changes';
import { WorkloadRestart } from '../plan/workload-restarts';
import { Style } from './style';

/** The counts of a plan, as `--json` prints them under `summary`. */
export interface PlanSummary {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly retired: number;
  readonly kept: number;
  readonly restarts: number;
  readonly violations: number;
}

/** The counts of a plan. */
export function planSummary(plan: ReleasePlan): PlanSummary {
  return {
    created: plan.created.length,
    updated: plan.updated.length,
    unchanged: plan.unchanged.length,
    retired: plan.retired.length,
    kept: plan.kept.length,
    restarts: plan.restarts.length,
    violations: plan.violations.length,
  };
}

/** One line: `2 created, 1 updated, 50 unchanged, 2 retired, 0 kept; restarts: cart; guard: ok`. */
export function summaryLine(plan: ReleasePlan, style: Style): string {
  const s = planSummary(plan);
  const restarts = plan.restarts.length === 0 ? 'no restarts' : `restarts: ${plan.restarts.map((r) => r.workload).join(', ')}`;
  const guard = s.violations === 0 ? 'guard: ok' : style.red(`guard: ${s.violations} violation${s.violations === 1 ? '' : 's'}`);
  return `${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.retired} retired, ${s.kept} kept; ${restarts}; ${guard}`;
}

/** The plan as text: a summary, then one section per kind of change (empty sections left out). */
export function renderPlan(plan: ReleasePlan, title: string, style: Style): string {
  const lines = [style.bold(title), `  ${summaryLine(plan, style)}`];
  const section = (heading: string, items: readonly string[][]) => {
    if (items.length > 0) {
      lines.push('', style.bold(`${heading} (${items.length})`), ...items.flat());
    }
  };
  const pointers = plan.updated.filter((u) => u.role === 'pointer');
  const rescaled = plan.updated.filter((u) => u.role === 'revision');
  section('Revision objects created', plan.created.filter((o) => o.role === 'revision').map((o) => [`  ${style.green('+')} ${objectName(o)}`]));
  section('Pointers created', plan.created.filter((o) => o.role === 'pointer').map((o) => [`  ${style.green('+')} ${objectName(o)}`]));
  section('Pointers updated', pointers.map((u) => renderUpdate(u, style)));
  section('Revisions rescaled', rescaled.map((u) => renderUpdate(u, style)));
  section('Retired', plan.retired.map((o) => [`  ${style.red('-')} ${objectName(o)}`]));
  section('Kept (--keep)', plan.kept.map((o) => [`  ${style.dim('=')} ${objectName(o)}`]));
  section('Restarts', plan.restarts.map((r) => renderRestart(r, style)));
  section('Guard violations', plan.violations.map((v) => renderViolation(v, style)));
  if (plan.created.length + plan.updated.length + plan.retired.length + plan.violations.length === 0) {
    lines.push('', 'No changes.');
  }
  return `${lines.join('\n')}\n`;
}

/** One `error:` line per guard violation, for stderr. */
export function guardErrors(plan: ReleasePlan): string {
  return plan.violations.map((v) => `error: ${v.message}\n`).join('');
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped object. */
export function objectName(object: PlannedObject): string {
  return `${object.kind} ${object.namespace === undefined ? '' : `${object.namespace}/`}${object.name}`;
}

function renderUpdate(update: ObjectUpdate, style: Style): string[] {
  const rest = otherChanges(update);
  return [
    `  ${style.yellow('~')} ${objectName(update)}`,
    ...update.traffic.map((t) => `      ${style.cyan('traffic')} ${t.path}: ${weights(t)}`),
    ...update.selectors.map((s) => `      ${style.cyan('selector')} ${s.path}: ${labels(s.before)} → ${labels(s.after)}`),
    ...rest.map((c) => `      ${fieldChange(c)}`),
  ];
}

/** The field changes of an update that are not shown as traffic weights or selectors. */
export function otherChanges(update: ObjectUpdate): FieldChange[] {
  const special = [...update.traffic.map((t) => t.path), ...update.selectors.map((s) => s.path)];
  return update.changes.filter((c) => !special.some((path) => c.path === path || c.path.startsWith(`${path}.`) || c.path.startsWith(`${path}[`)));
}

/** The head line of each revision a restart starts: `old → new`, or why there is no old one. */
export function restartHeads(restart: WorkloadRestart): Array<{ readonly head: string; readonly reasons: readonly string[] }> {
  return restart.started.map((started) => ({
    head: started.comparedWith === started.name
      ? `${started.name}, new pod template under the same name`
      : restart.retired.includes(started.comparedWith)
        ? `${started.comparedWith} → ${started.name}`
        : `new revision ${started.name} beside ${started.comparedWith}`,
    reasons: started.reasons.map((r) => r.message),
  }));
}

function renderRestart(restart: WorkloadRestart, style: Style): string[] {
  const where = restart.namespace === undefined ? restart.workload : `${restart.workload} (${restart.namespace})`;
  return restartHeads(restart).flatMap(({ head, reasons }) => [`  ${style.cyan(where)}: ${head}`, ...reasons.map((r) => `      ${r}`)]);
}

function renderViolation(violation: GuardViolation, style: Style): string[] {
  return [`  ${style.red('!')} ${style.red(violation.message)}`, ...violation.changes.map((c) => `      ${fieldChange(c)}`)];
}

/** A traffic split's backends: `v1 50 → 0, v3 50 → 100` (an unchanged one once). */
export function weights(change: TrafficChange): string {
  const shown = (w: number | undefined) => (w === undefined ? '–' : String(w));
  return change.backends
    .map((b) => (b.before === b.after ? `${b.backend} ${shown(b.after)}` : `${b.backend} ${shown(b.before)} → ${shown(b.after)}`))
    .join(', ');
}

/** A label selector: `k=v, k2=v2`, or `(none)`. */
export function labels(selector: Readonly<Record<string, string>> | undefined): string {
  if (selector === undefined) {
    return '(none)';
  }
  return Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** `path: before → after`, values as JSON (long ones cut), `(none)` for a missing side. */
export function fieldChange(change: FieldChange): string {
  return `${change.path}: ${value(change, 'before')} → ${value(change, 'after')}`;
}

const LONGEST_VALUE = 80;

function value(change: FieldChange, side: 'before' | 'after'): string {
  if (!(side in change)) {
    return '(none)';
  }
  const text = JSON.stringify(change[side]);
  return text.length > LONGEST_VALUE ? `${text.slice(0, LONGEST_VALUE - 1)}…` : text;
}
