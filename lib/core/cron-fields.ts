/**
 * Cron fields as robfig/cron v3 reads them (the parser behind Knative's
 * PingSource and KEDA's cron scaler): minute (0-59), hour (0-23), day of
 * month (1-31), month (1-12 or jan-dec) and day of week (0-6 or sun-sat, 0
 * is Sunday). A field is a comma-separated list of items; an item is `*` or
 * `?` (every value), a value, or a range `a-b`, each optionally followed by
 * a step `/n` (`a/n` means `a-<max>/n`). Names are case-insensitive.
 *
 * Forms robfig/cron accepts but reads otherwise than they look are refused:
 * empty list items (`1,,2`, which it drops), anything between `*` or `?`
 * and the step (`*-5`, which it reads as `*`). So is a schedule that can
 * never fire (`0 0 30 2 *`).
 *
 * @see https://pkg.go.dev/github.com/robfig/cron/v3#hdr-CRON_Expression_Format
 */

/** Go's `unicode.IsSpace`, which robfig/cron splits fields on and trims. */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const FIELD_SEPARATOR = new RegExp(`[${GO_SPACE}]+`);
export const OUTER_SPACE = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

/** A whole number as Go's `strconv.Atoi` reads it, of any size. */
const DIGITS = /^[+-]?[0-9]+$/;
/** The largest value Go's `strconv.Atoi` reads (a 64-bit int). */
const GO_MAX_INT = 9_223_372_036_854_775_807n;

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /**
   * Names of values, lower-case, each with its value.
   * @default - numbers only
   */
  readonly names?: Readonly<Record<string, number>>;
  /**
   * How a message lists the names, e.g. 'jan-dec'.
   * @default - no names to list
   */
  readonly nameRange?: string;
  /**
   * What a message adds to a value above the maximum.
   * @default - nothing
   */
  readonly maxHint?: string;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: Object.fromEntries(MONTH_NAMES.map((n, i) => [n, i + 1])), nameRange: 'jan-dec' },
  { name: 'day-of-week', min: 0, max: 6, names: Object.fromEntries(WEEKDAY_NAMES.map((n, i) => [n, i])), nameRange: 'sun-sat', maxHint: ' (Sunday is 0 or sun)' },
];

/** The most days each month can have (February in a leap year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The values a field selects, and whether it reads as "every value" (a `*` or `?` without a step above 1). */
interface FieldValues {
  readonly values: ReadonlySet<number>;
  readonly star: boolean;
}

/**
 * What is wrong with five cron fields, as a phrase that follows the
 * expression, or `undefined` when they are fine.
 *
 * @param reader who reads the expression, for the message, e.g. 'Knative'
 * @example cronFieldsProblem('0 25 * * *', 'KEDA') // "has hour '25': 25 is above the maximum 23"
 */
export function cronFieldsProblem(spec: string, reader: string): string | undefined {
  const texts = spec.split(FIELD_SEPARATOR).filter((text) => text !== '');
  if (texts.length !== FIELDS.length) {
    return `has ${texts.length} field${texts.length === 1 ? '' : 's'}, and ${reader} reads exactly 5 (minute hour day-of-month month day-of-week)`;
  }
  const parsed: FieldValues[] = [];
  for (const [i, field] of FIELDS.entries()) {
    const result = parseField(texts[i], field);
    if (typeof result === 'string') {
      return `has ${field.name} '${texts[i]}': ${result}`;
    }
    parsed.push(result);
  }
  return neverFires(parsed, texts);
}

/** The values of one field, or what is wrong with it. */
function parseField(text: string, field: CronField): FieldValues | string {
  const values = new Set<number>();
  let star = false;
  for (const item of text.split(',')) {
    if (item === '') {
      return 'a list item is empty';
    }
    const result = parseItem(item, field);
    if (typeof result === 'string') {
      return result;
    }
    result.values.forEach((v) => values.add(v));
    star ||= result.star;
  }
  return { values, star };
}

/** The values of one list item (`*`, `a`, `a-b`, each with an optional `/step`), or what is wrong with it. */
function parseItem(item: string, field: CronField): FieldValues | string {
  const rangeAndStep = item.split('/');
  if (rangeAndStep.length > 2) {
    return `'${item}' has more than one '/'`;
  }
  const ends = rangeAndStep[0].split('-');
  let start: bigint;
  let end: bigint;
  let star = false;
  if (ends[0] === '*' || ends[0] === '?') {
    if (ends.length > 1) {
      return `'${item}' puts a range after '${ends[0]}', which Knative ignores (it reads '${ends[0]}'); write '${ends[0]}' or a range`;
    }
    [start, end, star] = [BigInt(field.min), BigInt(field.max), true];
  } else {
    if (ends.length > 2) {
      return `'${item}' has more than one '-'`;
    }
    const low = fieldValue(ends[0], field);
    if (typeof low === 'string') {
      return low;
    }
    const high = ends.length === 2 ? fieldValue(ends[1], field) : low;
    if (typeof high === 'string') {
      return high;
    }
    [start, end] = [low, high];
  }
  let step = 1n;
  if (rangeAndStep.length === 2) {
    const parsed = goAtoi(rangeAndStep[1]);
    if (parsed === undefined) {
      return DIGITS.test(rangeAndStep[1]) ? `the step ${rangeAndStep[1]} is too large` : `the step '${rangeAndStep[1]}' is not a whole number`;
    }
    if (parsed < 0n) {
      return `the step ${parsed} is negative`;
    }
    step = parsed;
    if (ends.length === 1) {
      end = BigInt(field.max);
    }
    star &&= step <= 1n;
  }
  if (start < BigInt(field.min)) {
    return `${start} is below the minimum ${field.min}`;
  }
  if (end > BigInt(field.max)) {
    return `${end} is above the maximum ${field.max}${field.maxHint ?? ''}`;
  }
  if (start > end) {
    return `the range '${rangeAndStep[0]}' runs backwards (${start} is after ${end})`;
  }
  if (step === 0n) {
    return 'the step is 0; a step must be 1 or more';
  }
  const values = new Set<number>();
  for (let v = start; v <= end; v += step) {
    values.add(Number(v));
  }
  return { values, star };
}

/** A value of a field: a name (case-insensitive) or a whole number as Go's `strconv.Atoi` reads it (never negative: '-' splits ranges). */
function fieldValue(token: string, field: CronField): bigint | string {
  const named = field.names?.[token.toLowerCase()];
  if (named !== undefined) {
    return BigInt(named);
  }
  const parsed = goAtoi(token);
  if (parsed === undefined && DIGITS.test(token)) {
    return `${token} is above the maximum ${field.max}`;
  }
  if (parsed === undefined) {
    const names = field.nameRange === undefined ? '' : ` or a name (${field.nameRange})`;
    return `'${token}' is not a whole number${names}`;
  }
  return parsed;
}

/** Go's `strconv.Atoi`: an optional sign and decimal digits, within a 64-bit int; `undefined` otherwise. */
function goAtoi(token: string): bigint | undefined {
  if (!DIGITS.test(token)) {
    return undefined;
  }
  const value = BigInt(token);
  return value > GO_MAX_INT || value < -GO_MAX_INT - 1n ? undefined : value;
}

/**
 * Why a schedule whose fields are each valid can never fire, or `undefined`.
 * robfig/cron matches a day when both the day of month and the day of week
 * match, unless neither is a star, when either may; so a restricted day of
 * month with a star day of week must exist in one of the months.
 */
function neverFires(fields: readonly FieldValues[], texts: readonly string[]): string | undefined {
  const [, , days, months, weekdays] = fields;
  if (days.star || !weekdays.star) {
    return undefined;
  }
  const longest = Math.max(...[...months.values].map((m) => MONTH_DAYS[m - 1]));
  const first = Math.min(...days.values);
  return first <= longest ? undefined : `never fires: day-of-month '${texts[2]}' does not occur in month '${texts[3]}'`;
}
