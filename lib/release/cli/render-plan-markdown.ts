import { ObjectUpdate, PlannedObject, ReleasePlan } from '../plan/release-plan';
import { fieldChange, labels, objectName, otherChanges, planSummary, restartHeads, weights } from './render-plan';

/**
 * The plan as GitHub-flavoured Markdown, ready to post as a pull request
 * comment (`plan … --format markdown`): a title, a table of the counts, then
 * one section per kind of change, as the text output has them. Names and
 * field changes are code spans; other text is escaped, so nothing in a
 * manifest can turn into markup.
 */
export function renderPlanMarkdown(plan: ReleasePlan, before: string, after: string): string {
  const s = planSummary(plan);
  const restarts = plan.restarts.length === 0 ? 'none' : plan.restarts.map((r) => code(r.workload)).join(', ');
  const guard = s.violations === 0 ? 'ok' : `**${s.violations} violation${s.violations === 1 ? '' : 's'}**`;
  const lines = [
    `### Plan: ${code(before)} → ${code(after)}`,
    '',
    '| Created | Updated | Unchanged | Retired | Kept | Restarts | Guard |',
    '| ---: | ---: | ---: | ---: | ---: | --- | --- |',
    `| ${s.created} | ${s.updated} | ${s.unchanged} | ${s.retired} | ${s.kept} | ${restarts} | ${guard} |`,
  ];
  const section = (heading: string, items: readonly string[][]) => {
    if (items.length > 0) {
      lines.push('', `#### ${heading} (${items.length})`, '', ...items.flat());
    }
  };
  const objectItem = (o: PlannedObject) => [`- ${code(objectName(o))}`];
  section('Guard violations', plan.violations.map((v) => [`- **${escapeText(v.message)}**`, ...v.changes.map((c) => `  - ${code(fieldChange(c))}`)]));
  section('Revision objects created', plan.created.filter((o) => o.role === 'revision').map(objectItem));
  section('Pointers created', plan.created.filter((o) => o.role === 'pointer').map(objectItem));
  section('Pointers updated', plan.updated.filter((u) => u.role === 'pointer').map(updateItem));
  section('Revisions rescaled', plan.updated.filter((u) => u.role === 'revision').map(updateItem));
  section('Retired', plan.retired.map(objectItem));
  section('Kept (--keep)', plan.kept.map(objectItem));
  section('Restarts', plan.restarts.map((r) => restartHeads(r).flatMap(({ head, reasons }) => [
    `- ${code(r.workload)}${r.namespace === undefined ? '' : ` (${code(r.namespace)})`}: ${escapeText(head)}`,
    ...reasons.map((reason) => `  - ${escapeText(reason)}`),
  ])));
  if (plan.created.length + plan.updated.length + plan.retired.length + plan.violations.length === 0) {
    lines.push('', 'No changes.');
  }
  return `${lines.join('\n')}\n`;
}

function updateItem(update: ObjectUpdate): string[] {
  return [
    `- ${code(objectName(update))}`,
    ...update.traffic.map((t) => `  - traffic ${code(t.path)}: ${code(weights(t))}`),
    ...update.selectors.map((s) => `  - selector ${code(s.path)}: ${code(labels(s.before))} → ${code(labels(s.after))}`),
    ...otherChanges(update).map((c) => `  - ${code(fieldChange(c))}`),
  ];
}

/**
 * A code span that holds `text` whatever it contains: fenced by one more
 * backtick than its longest run of backticks, padded when it starts or ends
 * with one; a line break becomes a space.
 */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * Text that renders as itself: the characters that make inline markup
 * backslash-escaped, and a first character that could start a block (a
 * heading, a list, a quote) too; line breaks become spaces.
 */
export function escapeText(text: string): string {
  const inline = text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
  return inline.replace(/^[#+\-=]/, (c) => `\\${c}`).replace(/^(\d+)([.)])/, '$1\\$2');
}
