import { cronFieldsProblem } from '../../core/cron-fields';

/**
 * What is wrong with a cron expression for KEDA's cron scaler, as a phrase
 * that follows the expression, or `undefined` for a valid one. KEDA parses
 * it with robfig/cron restricted to the five standard fields: no `@`
 * descriptors, no seconds, no time-zone prefix (the trigger's `timezone`
 * says the zone).
 */
export function cronExpressionProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    return "is a descriptor, not 5 fields (KEDA's cron scaler reads no descriptors)";
  }
  if (/^(CRON_)?TZ=/.test(trimmed)) {
    return 'starts with a time zone (set timezone instead)';
  }
  return cronFieldsProblem(trimmed, 'KEDA');
}
