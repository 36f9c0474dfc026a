import { describeDifference, PromotedService, PromotionReport } from '../promotion/promotion-differences';
import { code, escapeText } from './render-plan-markdown';
import { Style } from './style';

/** The promotion section of the text plan: each promoted service, the same revision or what differs. */
export function renderPromotion(report: PromotionReport, file: string, style: Style): string {
  const lines = ['', style.bold(`Promotion from ${report.from} to ${report.to} (${file})`)];
  for (const s of report.services) {
    if (s.differences.length === 0) {
      lines.push(`  ${style.green('=')} ${serviceName(s)} ${s.revision}: promoted from ${report.from}: ${s.promotedRevision}`);
    } else {
      lines.push(`  ${style.yellow('~')} ${serviceName(s)} ${s.revision}: differs from ${s.promotedRevision} (promoted from ${report.from}) because of:`);
      lines.push(...s.differences.map((d) => `      ${describeDifference(d)}`));
    }
  }
  lines.push(...report.notPromoted.map((name) => `  ${style.cyan('+')} ${name}: not in the lock (not promoted)`));
  return `${lines.join('\n')}\n`;
}

/** The promotion section of the Markdown plan. */
export function renderPromotionMarkdown(report: PromotionReport, file: string): string {
  const lines = ['', `#### Promotion from ${code(report.from)} to ${code(report.to)} (${code(file)})`, ''];
  for (const s of report.services) {
    if (s.differences.length === 0) {
      lines.push(`- ${code(serviceName(s))} ${code(s.revision)}: promoted from ${code(report.from)}: ${code(s.promotedRevision)}`);
    } else {
      lines.push(`- ${code(serviceName(s))} ${code(s.revision)}: differs from ${code(s.promotedRevision)} (promoted from ${code(report.from)}) because of:`);
      lines.push(...s.differences.map((d) => `  - ${code(describeDifference(d))}`));
    }
  }
  lines.push(...report.notPromoted.map((name) => `- ${code(name)}: ${escapeText('not in the lock (not promoted)')}`));
  return `${lines.join('\n')}\n`;
}

function serviceName(s: PromotedService): string {
  return `${s.namespace}/${s.service}`;
}
