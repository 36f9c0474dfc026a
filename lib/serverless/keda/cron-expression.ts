interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The fields of a standard ("Linux") cron expression, as KEDA's cron scaler parses them. */
const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: WEEKDAYS },
];

/**
 * What is wrong with a 5-field cron expression (minute hour day-of-month month
 * day-of-week; lists, ranges, steps, `*` or `?`, month and weekday names), by
 * the rules of the parser KEDA uses (robfig/cron with exactly these fields, no
 * `@` descriptors, no seconds).
 *
 * @returns the problem, or `undefined` for a valid expression
 */
export function cronExpressionProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    return "is a descriptor, not 5 fields (KEDA's cron scaler reads no descriptors)";
  }
  if (/^(CRON_)?TZ=/.test(trimmed)) {
    return 'starts with a time zone (set timezone instead)';
  }
  const fields = trimmed === '' ? [] : trimmed.split(/\s+/);
  if (fields.length !== FIELDS.length) {
    return `has ${fields.length} field${fields.length === 1 ? '' : 's'}, not 5 (minute hour day-of-month month day-of-week)`;
  }
  for (let i = 0; i < FIELDS.length; i++) {
    for (const part of fields[i].split(',')) {
      if (part === '') {
        return `has ${FIELDS[i].name} '${fields[i]}' with an empty list item`;
      }
      const problem = partProblem(part, FIELDS[i]);
      if (problem !== undefined) {
        return `has ${FIELDS[i].name} '${part}' ${problem}`;
      }
    }
  }
  return undefined;
}

function partProblem(part: string, field: CronField): string | undefined {
  const [range, step, ...extraSlashes] = part.split('/');
  if (extraSlashes.length > 0) {
    return 'with more than one step';
  }
  if (step !== undefined && (!/^[0-9]+$/.test(step) || Number(step) < 1)) {
    return 'with a step that is not a whole number ≥ 1';
  }
  if (range === '*' || range === '?') {
    return undefined;
  }
  const bounds = range.split('-');
  if (bounds.length > 2) {
    return 'with more than one range';
  }
  const values = bounds.map((b) => valueOf(b, field));
  if (values.some((v) => v === undefined)) {
    const names = field.names === undefined ? '' : ` or ${field.names[0].toUpperCase()}-${field.names[field.names.length - 1].toUpperCase()}`;
    return `that is not a number${names}`;
  }
  const [low, high = low] = values as number[];
  if (low < field.min || high > field.max) {
    return `out of range ${field.min}-${field.max}`;
  }
  if (low > high) {
    return 'whose range starts after it ends';
  }
  return undefined;
}

function valueOf(text: string, field: CronField): number | undefined {
  if (/^[0-9]+$/.test(text)) {
    return Number(text);
  }
  const index = field.names?.indexOf(text.toLowerCase()) ?? -1;
  return index < 0 ? undefined : index + field.min;
}
