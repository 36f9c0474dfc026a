import { Duration } from 'cdk8s';
import fc from 'fast-check';
import { BackoffPolicy } from '../../lib';
import { Case, Defect, planted, Sites, sound, valid } from './planted-defects';

/**
 * Generators shared by the property tests of serverless functions, Knative
 * Eventing and KEDA: IANA time zones, and cron schedules as robfig/cron v3
 * (the parser of Knative's PingSource and of KEDA's cron scaler) reads them,
 * each with an independent verdict: a schedule the generator made invalid
 * carries the defect that makes it so.
 */

/** Zones Go's `time.LoadLocation` loads: canonical names, links, odd spellings the IANA database has. */
const VALID_TIME_ZONES = [
  'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Calcutta', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'Etc/GMT-14',
  'US/Pacific', 'EST5EDT', 'EST', 'Etc/UTC', 'GMT0', 'Zulu', 'ROC', 'America/Port-au-Prince', 'Europe/Kyiv', 'NZ-CHAT', 'Pacific/Chatham',
];

/**
 * Names Go refuses: Node's ICU takes some of them (three-letter Java ids,
 * SystemV zones, links in another case), so they test the library's own list.
 */
const INVALID_TIME_ZONES = [
  'PST', 'IST', 'CST', 'JST', 'SystemV/EST5', 'Canada/East-Saskatchewan', 'US/Pacific-New', 'us/pacific', 'europe/berlin', 'utc', 'zulu', 'est',
  'Berlin', 'Local', '', 'Europe/Berlin ', 'Mars/Phobos', '+05:00', 'GMT+5', 'Etc/GMT+13', 'Factory',
];

/** Time zones. */
export const timeZones = (s: Sites): fc.Arbitrary<Case<string>> => s.validOr(fc.constantFrom(...VALID_TIME_ZONES), fc.constantFrom(...INVALID_TIME_ZONES), 'time zone');

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Lower-case names of the values from `min` on. */
  readonly names?: readonly string[];
}

const MINUTE: CronField = { name: 'minute', min: 0, max: 59 };
const HOUR: CronField = { name: 'hour', min: 0, max: 23 };
const DAY: CronField = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: CronField = { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] };
const WEEKDAY: CronField = { name: 'day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] };
const FIELDS = [MINUTE, HOUR, DAY, MONTH, WEEKDAY];

/** The most days each month has (February in a leap year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** One field as written, with what robfig/cron reads from it: its values, and whether it is a star (`*` or `?` without a step above 1). */
interface FieldText {
  readonly text: string;
  readonly values: ReadonlySet<number>;
  readonly star: boolean;
}

/** A number as Go's strconv.Atoi reads it: plain, zero-padded, or with a '+'. */
const numberText = (n: number) => fc.oneof({ arbitrary: fc.constant(String(n)), weight: 8 }, fc.constant(`0${n}`), fc.constant(`+${n}`));

/** A value of a field: a number, or a name in any case. */
function valueText(field: CronField, value: number): fc.Arbitrary<string> {
  const name = field.names?.[value - field.min];
  if (name === undefined) {
    return numberText(value);
  }
  return fc.oneof(numberText(value), fc.constantFrom(name, name.toUpperCase(), name[0].toUpperCase() + name.slice(1)));
}

const range = (start: number, end: number, step: number) => {
  const values = new Set<number>();
  for (let v = start; v <= end; v += step) {
    values.add(v);
  }
  return values;
};

/** A valid list item: `*`/`?` with an optional step, a value, a range, each range with an optional step, or `a/n`. */
function item(field: CronField): fc.Arbitrary<FieldText> {
  const span = field.max - field.min + 1;
  const step = fc.integer({ min: 1, max: span + 3 });
  const value = fc.integer({ min: field.min, max: field.max });
  const star = fc.tuple(fc.constantFrom('*', '?'), fc.option(step, { freq: 2 })).chain(([char, s]) =>
    (s === null ? fc.constant('') : numberText(s).map((t) => `/${t}`)).map((stepText) => ({
      text: `${char}${stepText}`,
      values: range(field.min, field.max, s ?? 1),
      star: s === null || s <= 1,
    })));
  const single = value.chain((v) => valueText(field, v).map((text) => ({ text, values: new Set([v]), star: false })));
  const span2 = fc.tuple(value, value, fc.option(step, { freq: 2 })).chain(([a, b, s]) => {
    const [low, high] = a <= b ? [a, b] : [b, a];
    return fc.tuple(valueText(field, low), valueText(field, high), s === null ? fc.constant('') : numberText(s).map((t) => `/${t}`))
      .map(([l, h, st]) => ({ text: `${l}-${h}${st}`, values: range(low, high, s ?? 1), star: false }));
  });
  const from = fc.tuple(value, step).chain(([v, s]) =>
    fc.tuple(valueText(field, v), numberText(s)).map(([t, st]) => ({ text: `${t}/${st}`, values: range(v, field.max, s), star: false })));
  return fc.oneof({ arbitrary: star, weight: 4 }, { arbitrary: single, weight: 4 }, { arbitrary: span2, weight: 2 }, { arbitrary: from, weight: 1 });
}

/** A valid field: one to three items. */
function field(f: CronField): fc.Arbitrary<FieldText> {
  return fc.array(item(f), { minLength: 1, maxLength: 3, size: 'xsmall' }).map((items) => ({
    text: items.map((i) => i.text).join(','),
    values: new Set(items.flatMap((i) => [...i.values])),
    star: items.some((i) => i.star),
  }));
}

/** A field robfig/cron refuses, or reads otherwise than it looks (which the library refuses too), with why. */
function invalidField(f: CronField): fc.Arbitrary<[string, string]> {
  const inRange = fc.integer({ min: f.min, max: f.max });
  const wrongName = f === MONTH ? 'sun' : f === WEEKDAY ? 'jan' : 'mon';
  const options: Array<fc.Arbitrary<[string, string]>> = [
    fc.integer({ min: f.max + 1, max: f.max + 40 }).map((v) => [String(v), 'a value above the maximum']),
    fc.constantFrom('99999999999999999999', '9223372036854775808', '9223372036854775807').map((v) => [v, 'a huge value']),
    fc.tuple(inRange, inRange).filter(([a, b]) => a !== b).map(([a, b]) => [`${Math.max(a, b)}-${Math.min(a, b)}`, 'a range that runs backwards']),
    fc.constantFrom('*/0', `${f.min}/0`, `${f.min}-${f.max}/0`).map((v) => [v, 'a step of 0']),
    fc.constantFrom('*/-1', '*/x', '*/1.5', `*/${f.names?.[0] ?? 'two'}`).map((v) => [v, 'a step that is not a whole number ≥ 1']),
    fc.constantFrom('x', 'funday', '1.5', '-5', '', wrongName, 'januar').map((v) => [v, 'a token that is no value of the field']),
    fc.constantFrom(`${f.min}-${f.min}-${f.max}`, `${f.min}/2/3`).map((v) => [v, 'too many separators']),
    fc.constantFrom(`${f.min},,${f.max}`, `,${f.min}`, `${f.max},`, ',').map((v) => [v, 'an empty list item']),
    fc.constantFrom(`*-${f.max}`, `?-${f.min}`).map((v) => [v, 'a range after a star']),
  ];
  if (f.min > 0) {
    options.push(fc.constant([String(f.min - 1), 'a value below the minimum']));
  }
  return fc.oneof(...options);
}

/** Whitespace between fields: mostly a space, sometimes more, sometimes a Unicode space Go's strings.Fields splits on too. */
const separator = fc.oneof(
  { arbitrary: fc.constant(' '), weight: 12 },
  fc.constantFrom('  ', '\t', ' \t '),
  fc.constantFrom('\u00a0', '\u2003', '\u3000', '\u0085', '\u2028'),
);

/**
 * Why robfig/cron never fires fields that are each valid, or `undefined`:
 * it matches a day when the day of month and the day of week both match if
 * either is a star, else when either matches; a restricted day of month with
 * a star day of week must occur in one of the months.
 */
function neverFires(fields: readonly FieldText[]): string | undefined {
  const [, , days, months, weekdays] = fields;
  if (days.star || !weekdays.star) {
    return undefined;
  }
  const occurs = [...days.values].some((day) => [...months.values].some((month) => day <= MONTH_DAYS[month - 1]));
  return occurs ? undefined : 'a day of month that no chosen month has';
}

/** Five fields, with the defect that makes them invalid if the generator broke one (loose only) or they never fire. */
function fiveFields(s: Sites): fc.Arbitrary<Case<string>> {
  const valid5 = fc.tuple(...FIELDS.map(field));
  const broken = fc.tuple(valid5, fc.nat({ max: 4 })).chain(([fields, index]) =>
    invalidField(FIELDS[index]).map(([text, why]): [FieldText[], string] => [
      fields.map((f, i) => (i === index ? { text, values: new Set<number>(), star: false } : f)),
      `${FIELDS[index].name} '${text}': ${why}`,
    ]));
  const whole = valid5.map((f): [FieldText[], string | undefined] => [f, neverFires(f)]);
  const fields = s.loose ? fc.oneof({ arbitrary: whole, weight: 6 }, { arbitrary: broken, weight: 1 }) : whole;
  return fc.tuple(fields, fc.array(separator, { minLength: 4, maxLength: 4 }), fc.constantFrom('', '', '', ' ', '\t'), fc.constantFrom('', '', '', ' ', '\u3000'))
    .map(([[f, why], seps, lead, trail]) => {
      const text = lead + f.map((x, i) => (i === 0 ? x.text : seps[i - 1] + x.text)).join('') + trail;
      return why === undefined ? sound(text) : planted(text, `schedule ${JSON.stringify(text)} has ${why}`);
    });
}

/** A field count robfig/cron refuses: four or six fields. */
const wrongFieldCount: fc.Arbitrary<Case<string>> = fc.tuple(fc.tuple(...FIELDS.map(field)), fc.boolean()).map(([fields, drop]) => {
  const texts = fields.map((f) => f.text);
  const text = (drop ? texts.slice(0, 4) : ['0', ...texts]).join(' ');
  return planted(text, `schedule ${JSON.stringify(text)} with ${drop ? 4 : 6} fields`);
});

/** Zones for a `CRON_TZ=` prefix, which ends at the first space: none of the invalid ones holds one. */
const prefixZones = (s: Sites) => s.validOr(fc.constantFrom(...VALID_TIME_ZONES), fc.constantFrom(...INVALID_TIME_ZONES.filter((z) => !z.includes(' '))), 'time zone');

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/**
 * Cron schedules as Knative's PingSource reads them (robfig/cron's
 * ParseStandard, minus `@every`): five fields or a descriptor, optionally
 * after `CRON_TZ=<zone> ` or `TZ=<zone> `.
 */
export function knativeSchedules(s: Sites): fc.Arbitrary<Case<string>> {
  const descriptors = valid(fc.constantFrom(...DESCRIPTORS));
  const prefixed = fc.tuple(fc.constantFrom('CRON_TZ=', 'TZ='), prefixZones(s), fc.constantFrom(' ', '  '), fc.oneof(fiveFields(s), descriptors))
    .map(([prefix, zone, space, spec]) => ({ value: `${prefix}${zone.value}${space}${spec.value}`, defects: [...zone.defects, ...spec.defects] }));
  const wrong = fc.oneof(
    wrongFieldCount,
    fc.constantFrom('@every 5m', 'CRON_TZ=UTC @every 1h', '@reboot', '@Daily', '@daily ', ' @hourly', '@', '', 'CRON_TZ=UTC', 'TZ=UTC\t0 * * * *')
      .map((text) => planted(text, `schedule ${JSON.stringify(text)}`)),
  );
  const schedules = fc.oneof({ arbitrary: fiveFields(s), weight: 10 }, { arbitrary: descriptors, weight: 2 }, { arbitrary: prefixed, weight: 2 });
  return s.wrongOr(schedules, wrong);
}

/**
 * Cron expressions as KEDA's cron scaler reads them: five fields, no
 * descriptor, no time zone prefix (the trigger's `timezone` says the zone).
 */
function kedaCronExpressions(s: Sites): fc.Arbitrary<Case<string>> {
  const wrong = fc.oneof(
    wrongFieldCount,
    fc.constantFrom('@daily', 'CRON_TZ=UTC 0 8 * * *', 'TZ=UTC 0 8 * * *', '', '0 8 * * * *').map((text) => planted(text, `cron expression ${JSON.stringify(text)}`)),
  );
  return s.wrongOr(fiveFields(s), wrong);
}

/** Where an eventing object delivers; the scenario builder makes what it names. */
export type SinkChoice =
  /** `display`: ports 'http' 80 and 'metrics' 9090, admitting Knative Eventing's namespace. */
  | { readonly kind: 'service'; readonly port?: string | number; readonly path?: string; readonly eventingNamespace?: string }
  /** `vault`, guarded by its NetworkPolicy without admitting Knative Eventing. */
  | { readonly kind: 'closed-service' }
  /** `api`, on port 8080 only, which Knative does not reach. */
  | { readonly kind: 'no-port-80' }
  | { readonly kind: 'uri'; readonly uri: string }
  /** The function `fn`. */
  | { readonly kind: 'function' }
  /** The broker `archive`. */
  | { readonly kind: 'other-broker' };

const VALID_URIS = ['https://hooks.example.com/events', 'http://10.0.0.7:8080/', 'http://display.default.svc.cluster.local', 'HTTPS://Example.com/a?b=c'];
const INVALID_URIS = ['/events', 'hooks.example.com/events', 'ftp://example.com/x', 'http:example.com', 'http:///path', 'https://exa mple.com', ' https://example.com', 'http:\\\\example.com', ''];

/** Event sinks of every kind. */
export const sinks = (s: Sites): fc.Arbitrary<Case<SinkChoice>> => s.wrongOr(fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(
      fc.option(s.validOr(fc.constantFrom<string | number>(80, 'http'), fc.constantFrom<string | number>(9090, 'metrics', 'nope', 81), 'sink port'), { nil: undefined }),
      fc.option(s.validOr(fc.constantFrom('/', '/events', '/a/b-c_d.e~f/%20x', '/.well-known/x', '/v1:push'), fc.constantFrom('events', '/a b', '/a?x=1', '/a#top', '/../admin', '/a/./b', ''), 'sink path'), { nil: undefined }),
      fc.option(s.validOr(fc.constant('knative-eventing'), fc.constantFrom('eventing', 'Knative', ''), 'sink eventing namespace'), { nil: undefined, freq: 4 }),
    ).map(([port, path, ns]) => ({
      value: { kind: 'service' as const, port: port?.value, path: path?.value, eventingNamespace: ns?.value },
      defects: [...(port?.defects ?? []), ...(path?.defects ?? []), ...(ns?.defects ?? [])],
    })),
  },
  { weight: 3, arbitrary: s.validOr(fc.constantFrom(...VALID_URIS), fc.constantFrom(...INVALID_URIS), 'sink URI').map((c) => ({ value: { kind: 'uri' as const, uri: c.value }, defects: c.defects })) },
  { weight: 3, arbitrary: valid(fc.constantFrom<SinkChoice>({ kind: 'function' }, { kind: 'other-broker' })) },
), fc.constantFrom<SinkChoice>({ kind: 'closed-service' }, { kind: 'no-port-80' }).map((k) => planted(k, `a sink that Knative cannot deliver to: ${k.kind}`)));

/** A delivery block: retries, backoff, and a dead-letter sink. */
export interface DeliveryChoice {
  readonly deadLetterSink?: SinkChoice;
  readonly retry?: number;
  readonly backoffPolicy?: BackoffPolicy;
  readonly backoffDelay?: Duration;
}

const backoffDelays = (s: Sites) => s.validOr(
  fc.oneof(
    fc.integer({ min: 0, max: 600 }).map((tenths) => Duration.millis(tenths * 100)),
    fc.integer({ min: 1, max: 120 }).map((n) => Duration.seconds(n)),
    fc.constantFrom(Duration.minutes(90), Duration.hours(3276), Duration.millis(3276 * 3_600_000 + 3_599_900)),
  ),
  fc.constantFrom(Duration.millis(250), Duration.millis(1.5), Duration.millis(50), Duration.hours(3277)),
  'backoffDelay',
);

/**
 * Deliveries, mostly valid; a loose pairing (a policy without its delay, a
 * backoff without retries) is planted as the defect it is.
 */
export const deliveries = (s: Sites): fc.Arbitrary<Case<DeliveryChoice>> => fc.record({
  deadLetterSink: fc.option(sinks(s), { nil: undefined, freq: 2 }),
  backoff: s.wrongOr(valid(fc.constantFrom('none' as const, 'both' as const)), valid(fc.constantFrom('policy' as const, 'delay' as const))).map((c) => c.value),
  policy: s.validOr(fc.constantFrom<BackoffPolicy>('exponential', 'linear'), fc.constant('quadratic' as BackoffPolicy), 'backoffPolicy'),
  delay: backoffDelays(s),
  retry: s.wrongOr(
    s.validOr(fc.integer({ min: 1, max: 10 }), fc.constantFrom(-1, 1.5, 2_147_483_648, Number.NaN), 'retry'),
    valid(fc.constantFrom(0, undefined)),
  ).chain((c) => (c.value === undefined ? fc.constant(undefined) : fc.option(fc.constant(c), { nil: undefined, freq: 6 }))),
}).map((r) => {
  const policy = r.backoff === 'both' || r.backoff === 'policy' ? r.policy : undefined;
  const delay = r.backoff === 'both' || r.backoff === 'delay' ? r.delay : undefined;
  const value: DeliveryChoice = {
    deadLetterSink: r.deadLetterSink?.value,
    // a strict delivery retries when it backs off
    retry: r.retry?.value ?? (!s.loose && policy !== undefined ? 1 : undefined),
    backoffPolicy: policy?.value,
    backoffDelay: delay?.value,
  };
  const defects: Defect[] = [
    ...(r.deadLetterSink?.defects ?? []),
    ...(r.retry?.defects ?? []),
    ...(policy?.defects ?? []),
    ...(delay?.defects ?? []),
  ];
  if ((policy === undefined) !== (delay === undefined)) {
    defects.push({ owner: '', what: `a backoff ${policy === undefined ? 'delay without its policy' : 'policy without its delay'}` });
  } else if (policy !== undefined && (value.retry === undefined || value.retry === 0)) {
    defects.push({ owner: '', what: `a backoff without retries (retry ${value.retry})` });
  }
  return { value, defects };
});

/** Valid and invalid CloudEvents attribute names for a trigger's filter. */
export const filterNames = (s: Sites) => s.validOr(fc.constantFrom('type', 'source', 'subject', 'myext1', 'id'), fc.constantFrom('', 'Type', 'my-ext', '1st', 'data.id', 'ce_bucket'), 'filter attribute name');
export const filterValues = (s: Sites) => s.validOr(fc.constantFrom('image.uploaded', '/uploads', 'order.placed', 'a b'), fc.constant(''), 'filter attribute value');

/** A DNS label name for an eventing object, mostly valid. */
export const eventingNames = (s: Sites) => s.validOr(fc.constantFrom('events', 'shop-events', 'a'.repeat(63), 'e1'), fc.constantFrom('Events', '', 'a'.repeat(64), 'e_1', '-e'), 'name');

/** `app.kubernetes.io/part-of` values, mostly valid: a non-empty label value (letters of either case, digits, '-', '_', '.'). */
export const partOfs = (s: Sites) =>
  s.validOr(fc.constantFrom('shop', 'orders-app', 'Shop', 'a_b', 'shop.v2'), fc.constantFrom('', 'my shop', '-shop', 'shop_', 'a'.repeat(64)), 'partOf');

/** A probe's port: none (the function's), its number or name, or another one. */
type ProbePort = undefined | 'number' | 'name' | 'other-number' | 'other-name';

/** A probe, built once the function's port and protocol are known. */
export type ProbeChoice =
  | { readonly kind: 'http'; readonly path?: string; readonly port: ProbePort; readonly timing: ProbeTiming }
  | { readonly kind: 'tcp'; readonly port: ProbePort; readonly timing: ProbeTiming }
  | { readonly kind: 'exec'; readonly command: string[]; readonly timing: ProbeTiming };

interface ProbeTiming {
  readonly initialDelay?: Duration;
  readonly period?: Duration;
  readonly timeout?: Duration;
  readonly failureThreshold?: number;
}

const probeTiming = (s: Sites): fc.Arbitrary<Case<ProbeTiming>> => fc.record({
  initialDelay: fc.option(s.validOr(fc.integer({ min: 0, max: 30 }).map((n) => Duration.seconds(n)), fc.constant(Duration.millis(500)), 'probe initialDelay'), { nil: undefined, freq: 3 }),
  period: fc.option(s.validOr(fc.integer({ min: 1, max: 30 }).map((n) => Duration.seconds(n)), fc.constantFrom(Duration.seconds(0), Duration.millis(1500)), 'probe period'), { nil: undefined, freq: 3 }),
  timeout: fc.option(s.validOr(fc.integer({ min: 1, max: 5 }).map((n) => Duration.seconds(n)), fc.constant(Duration.seconds(0)), 'probe timeout'), { nil: undefined, freq: 3 }),
  failureThreshold: fc.option(s.validOr(fc.integer({ min: 1, max: 10 }), fc.constantFrom(0, 1.5), 'probe failureThreshold'), { nil: undefined, freq: 3 }),
}).map((r) => {
  const parts = [r.initialDelay, r.period, r.timeout, r.failureThreshold];
  return {
    value: { initialDelay: r.initialDelay?.value, period: r.period?.value, timeout: r.timeout?.value, failureThreshold: r.failureThreshold?.value },
    defects: parts.flatMap((p) => p?.defects ?? []),
  };
});

const probePort = (s: Sites): fc.Arbitrary<Case<ProbePort>> =>
  s.wrongOr(valid(fc.constantFrom<ProbePort>(undefined, 'number', 'name')), fc.constantFrom<ProbePort>('other-number', 'other-name').map((p) => planted(p, `a probe on port ${p}`)));

/** Readiness or liveness probes of every kind. */
export const probes = (s: Sites): fc.Arbitrary<Case<ProbeChoice>> => fc.oneof<fc.Arbitrary<Case<ProbeChoice>>[]>(
  fc.tuple(fc.option(s.validOr(fc.constantFrom('/healthz', '/ready'), fc.constantFrom('healthz', ''), 'probe path'), { nil: undefined }), probePort(s), probeTiming(s))
    .map(([path, port, timing]) => ({
      value: { kind: 'http' as const, path: path?.value, port: port.value, timing: timing.value },
      defects: [...(path?.defects ?? []), ...port.defects, ...timing.defects],
    })),
  fc.tuple(probePort(s), probeTiming(s)).map(([port, timing]) => ({ value: { kind: 'tcp' as const, port: port.value, timing: timing.value }, defects: [...port.defects, ...timing.defects] })),
  fc.tuple(s.validOr(fc.constantFrom<string[]>(['/ok'], ['/bin/check', '--ready']), fc.constantFrom<string[]>([], [''], '/ok --fast' as unknown as string[]), 'probe command'), probeTiming(s))
    .map(([command, timing]) => ({ value: { kind: 'exec' as const, command: command.value, timing: timing.value }, defects: [...command.defects, ...timing.defects] })),
);

/** Environment variable names and values. */
export const envs = (s: Sites): fc.Arbitrary<Case<Record<string, string>>> =>
  fc.uniqueArray(fc.tuple(
    s.validOr(fc.constantFrom('LOG_LEVEL', 'MODE', 'my.var', '_X', 'A-B'), fc.constantFrom('1X', 'A B', '', 'A=B'), 'env name'),
    // wrong JavaScript types too: a number, an unset process.env variable
    s.validOr(fc.constantFrom('', 'debug', 'a b', 'x'.repeat(100)), fc.constantFrom(8080, undefined) as fc.Arbitrary<unknown> as fc.Arbitrary<string>, 'env value'),
  ), {
    minLength: 1,
    maxLength: 3,
    selector: ([n]) => n.value,
  }).map((entries) => ({
    value: Object.fromEntries(entries.map(([n, v]) => [n.value, v.value])),
    defects: entries.flatMap(([n, v]) => [...n.defects, ...v.defects]),
  }));

/** A config or secret source: a name, literals, and where it is mounted (as files) or not (as variables). */
export interface SourceChoice {
  readonly name: string;
  readonly literals: Record<string, string>;
  readonly mountPath?: string;
}

/** What a key exposed as a variable must be (Kubernetes silently skips other keys of envFrom). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Config or secret sources with distinct names and mount paths; keys fit how the source is exposed unless planted. */
export const sources = (s: Sites, kind: 'config' | 'secret'): fc.Arbitrary<Case<SourceChoice[]>> => {
  const names = kind === 'config' ? ['settings', 'flags'] : ['db', 'api-keys'];
  const paths = kind === 'config' ? ['/etc/app', '/etc/flags'] : ['/var/run/secrets/db', '/var/run/secrets/api'];
  const source = (index: number) => fc.record({
    name: s.validOr(fc.constant(names[index]), fc.constantFrom('Settings', '', 'c'.repeat(41), 'a_b'), `${kind} name`),
    mounted: fc.boolean(),
    mountPath: s.validOr(fc.constant(paths[index]), fc.constantFrom('relative', '/', '/a/../b', '/a:b'), `${kind} mountPath`),
    keys: fc.subarray(['LEVEL', 'MODE', 'app.conf', 'key-file'], { minLength: 1 }),
    badKey: s.wrongOr(valid(fc.constant(undefined)), fc.constantFrom('a b', '', 'k'.repeat(254)).map((k) => planted(k, `${kind} key ${JSON.stringify(k)}`))),
    value: fc.constantFrom('1', 'debug', 'line\nother', ''),
  }).map((r) => {
    const envNames = r.keys.filter((k) => ENV_NAME.test(k));
    // as variables, keys must be variable names: a strict source mounts keys that are not
    const keys = !r.mounted && !s.loose ? (envNames.length > 0 ? envNames : ['LEVEL']) : r.keys;
    const literals = Object.fromEntries([...keys, ...(r.badKey.value === undefined ? [] : [r.badKey.value])].map((k) => [k, r.value]));
    const defects: Defect[] = [...r.name.defects, ...r.badKey.defects, ...(r.mounted ? r.mountPath.defects : [])];
    const unfit = keys.filter((k) => !ENV_NAME.test(k));
    if (!r.mounted && unfit.length > 0) {
      defects.push({ owner: '', what: `${kind} keys ${unfit.join(', ')} exposed as variables` });
    }
    return { value: { name: r.name.value, literals, mountPath: r.mounted ? r.mountPath.value : undefined }, defects };
  });
  return fc.subarray([0, 1], { minLength: 1 }).chain((indexes) => fc.tuple(...indexes.map(source))).map((cases) => ({
    value: cases.map((c) => c.value),
    defects: cases.flatMap((c) => c.defects),
  }));
};

/** Credentials of a KEDA trigger: an existing Secret, or the service's own Secret 'amqp' (keys {@link SERVICE_SECRET_KEYS}). */
export interface AuthChoice {
  readonly source: 'secret' | 'service';
  /** The existing Secret's name, or the logical name of the service's secret. */
  readonly name: string;
  /** Scaler parameter → key in the Secret. */
  readonly parameters: Record<string, string>;
}

/** The keys of the service's own Secret 'amqp'. */
export const SERVICE_SECRET_KEYS = ['url', 'user', 'pass', 'vhost', 'tls', 'ca.crt', 'tls.crt', 'tls.key', 'key-pass', 'sasl', 'keytab', 'realm', 'krb5', 'token-url', 'host', 'port', 'address'];

/** Credentials mapping `parameters` (param → key) plus, in a loose case, sometimes a wrong one. */
function auth(s: Sites, parameters: Record<string, string>): fc.Arbitrary<Case<AuthChoice>> {
  const source = fc.oneof(
    s.validOr(fc.constantFrom('rabbitmq', 'kafka-client'), fc.constantFrom('Bad_Secret', ''), 'auth secret name').map((c) => ({ ...c, value: { source: 'secret' as const, name: c.value } })),
    s.wrongOr(valid(fc.constant({ source: 'service' as const, name: 'amqp' })), fc.constant(planted({ source: 'service' as const, name: 'nope' }, 'auth from an undeclared service secret'))),
  );
  const wrongParameter = s.wrongOr(
    valid(fc.constant<[string, string] | undefined>(undefined)),
    fc.constantFrom<[string, string]>(['hots', 'url'], ['bad key', 'url']).map((p) => planted<[string, string] | undefined>(p, `auth parameter ${p[0]}`)),
  );
  const wrongKey = s.wrongOr(valid(fc.constant<string | undefined>(undefined)), fc.constantFrom('bad key', '', 'k'.repeat(254)).map((k) => planted<string | undefined>(k, `auth key ${JSON.stringify(k)}`)));
  return fc.tuple(source, wrongParameter, wrongKey).map(([src, param, key]) => {
    const mapped = { ...parameters, ...(param.value === undefined ? {} : { [param.value[0]]: param.value[1] }) };
    const first = Object.keys(mapped)[0];
    if (key.value !== undefined && first !== undefined) {
      mapped[first] = key.value;
    }
    return {
      value: { source: src.value.source, name: src.value.name, parameters: mapped },
      defects: [...src.defects, ...param.defects, ...key.defects],
    };
  });
}

/** A trigger choice: the kind and its props, credentials as an {@link AuthChoice}. */
export type TriggerChoice =
  | { readonly kind: 'rabbitmq'; readonly props: Record<string, unknown> & { readonly auth: AuthChoice } }
  | { readonly kind: 'kafka'; readonly props: Record<string, unknown> & { readonly auth?: AuthChoice } }
  | { readonly kind: 'redis-list'; readonly props: Record<string, unknown> & { readonly auth?: AuthChoice } }
  | { readonly kind: 'redis-stream'; readonly props: Record<string, unknown> & { readonly auth?: AuthChoice } }
  | { readonly kind: 'cron'; readonly props: { readonly timezone: string; readonly start: string; readonly end: string; readonly desiredReplicas: number } };

const blankable = (s: Sites, values: readonly string[], what: string) => s.validOr(fc.constantFrom(...values), fc.constantFrom('', ' orders', 'orders '), what);
// wrong JavaScript types too: the number in quotes, as JSON, YAML or process.env give it
const wholeAtLeast = (s: Sites, min: number, max: number, what: string) =>
  s.validOr(fc.integer({ min, max }), fc.constantFrom<number>(min - 1, min + 0.5, Number.NaN, String(min + 1) as unknown as number), what);

function rabbitMq(s: Sites): fc.Arbitrary<Case<TriggerChoice>> {
  return fc.record({
    queueName: blankable(s, ['orders', 'jobs.high'], 'queueName'),
    mode: s.validOr(fc.constantFrom('QueueLength', 'MessageRate'), fc.constantFrom('Length', 'queuelength'), 'mode'),
    length: wholeAtLeast(s, 1, 100, 'queue length value'),
    rate: s.validOr(fc.constantFrom(0.5, 12.5, 100), fc.constantFrom(0, -1, Number.POSITIVE_INFINITY), 'message rate value'),
    activationValue: fc.option(s.validOr(fc.constantFrom(0, 2, 0.5), fc.constantFrom(-1, Number.NaN), 'activationValue'), { nil: undefined, freq: 2 }),
    protocol: fc.option(s.validOr(fc.constantFrom('auto', 'amqp', 'http'), fc.constant('https'), 'protocol'), { nil: undefined, freq: 2 }),
    vhostName: fc.option(s.validOr(fc.constantFrom('/shop', '/'), fc.constantFrom('', ' /x'), 'vhostName'), { nil: undefined, freq: 3 }),
    tls: fc.constantFrom('none', 'ca', 'client'),
    credentials: fc.boolean(),
  }).chain((r) => {
    const parameters: Record<string, string> = { host: 'url' };
    if (r.credentials) {
      Object.assign(parameters, { username: 'user', password: 'pass' });
    }
    if (r.tls !== 'none') {
      Object.assign(parameters, { tls: 'tls', ca: 'ca.crt' }, r.tls === 'client' ? { cert: 'tls.crt', key: 'tls.key' } : {});
    }
    const mistake = s.wrongOr(valid(fc.constant<string | undefined>(undefined)), fc.constantFrom('no host', 'ca without tls', 'cert without key', 'vhostName twice').map((m) => planted<string | undefined>(m, m)));
    return fc.tuple(auth(s, parameters), mistake).map(([a, m]) => {
      const params = { ...a.value.parameters };
      const vhost = m.value === 'vhostName twice' ? '/twice' : r.vhostName?.value;
      if (m.value === 'no host') delete params.host;
      if (m.value === 'ca without tls') { delete params.tls; params.ca = 'ca.crt'; }
      if (m.value === 'cert without key') { params.tls = 'tls'; params.cert = 'tls.crt'; delete params.key; }
      if (m.value === 'vhostName twice') params.vhostName = 'vhost';
      const rate = r.mode.value === 'MessageRate';
      // a strict message rate reads the management API
      const protocol = rate && !s.loose ? 'http' : r.protocol?.value;
      const defects: Defect[] = [...r.queueName.defects, ...r.mode.defects, ...(rate ? r.rate.defects : r.mode.value === 'QueueLength' ? r.length.defects : []),
        ...(r.activationValue?.defects ?? []), ...(r.protocol !== undefined && protocol === r.protocol.value ? r.protocol.defects : []), ...(m.value === 'vhostName twice' ? [] : r.vhostName?.defects ?? []), ...a.defects, ...m.defects];
      if (rate && protocol !== 'http' && r.mode.defects.length === 0) {
        defects.push({ owner: '', what: `MessageRate over protocol ${protocol}` });
      }
      return {
        value: {
          kind: 'rabbitmq' as const,
          props: {
            queueName: r.queueName.value,
            mode: r.mode.value,
            value: rate ? r.rate.value : r.length.value,
            activationValue: r.activationValue?.value,
            protocol,
            vhostName: vhost,
            auth: { ...a.value, parameters: params },
          },
        },
        defects,
      };
    });
  });
}

const SASL_CREDENTIALS: Record<string, Record<string, string>> = {
  plaintext: { username: 'user', password: 'pass' },
  scram_sha256: { username: 'user', password: 'pass' },
  scram_sha512: { username: 'user', password: 'pass' },
  oauthbearer: { username: 'user', password: 'pass', oauthTokenEndpointUri: 'token-url' },
  gssapi: { username: 'user', realm: 'realm', kerberosConfig: 'krb5', keytab: 'keytab' },
};

function kafka(s: Sites): fc.Arbitrary<Case<TriggerChoice>> {
  return fc.record({
    bootstrapServers: s.validOr<string[]>(fc.constantFrom(['kafka.kafka.svc:9092'], ['k-0:9092', 'k-1.kafka:9093'], ['[::1]:9092', '10.0.0.5:9092']), fc.constantFrom<string[]>([], ['kafka'], ['kafka:0'], ['kafka:70000'], ['-kafka:9092'], 'kafka.kafka.svc:9092' as unknown as string[]), 'bootstrapServers'),
    consumerGroup: blankable(s, ['orders-consumer', 'g1'], 'consumerGroup'),
    topic: s.validOr(fc.constantFrom('orders', 'orders.created', 'a_b-c'), fc.constantFrom('', '.', '..', 'a b', 't'.repeat(250)), 'topic'),
    lagThreshold: wholeAtLeast(s, 1, 1000, 'lagThreshold'),
    activationLagThreshold: fc.option(wholeAtLeast(s, 0, 10, 'activationLagThreshold'), { nil: undefined, freq: 2 }),
    offsetResetPolicy: fc.option(s.validOr(fc.constantFrom('latest', 'earliest'), fc.constant('newest'), 'offsetResetPolicy'), { nil: undefined, freq: 2 }),
    allowIdleConsumers: fc.option(fc.boolean(), { nil: undefined, freq: 2 }),
    sasl: fc.option(s.validOr(fc.constantFrom(...Object.keys(SASL_CREDENTIALS)), fc.constant('kerberos'), 'sasl'), { nil: undefined, freq: 2 }),
    tls: fc.option(fc.boolean(), { nil: undefined, freq: 2 }),
    ca: fc.boolean(),
  }).chain((r) => {
    const sasl = r.sasl?.value;
    const parameters: Record<string, string> = { ...(sasl === undefined ? {} : SASL_CREDENTIALS[sasl] ?? {}) };
    if (r.tls === true && r.ca) {
      parameters.ca = 'ca.crt';
    }
    const mistake = s.wrongOr(valid(fc.constant<string | undefined>(undefined)), fc.constantFrom('credentials without sasl', 'sasl twice', 'tls twice').map((m) => planted<string | undefined>(m, m)));
    const withAuth = Object.keys(parameters).length > 0
      ? auth(s, parameters).map((c) => c as Case<AuthChoice | undefined>)
      : fc.constant(sound<AuthChoice | undefined>(undefined));
    return fc.tuple(withAuth, mistake).map(([a, m]) => {
      let authValue = a.value;
      let saslValue = sasl;
      let tlsValue = r.tls;
      if (m.value === 'credentials without sasl') { saslValue = undefined; authValue = { source: 'secret', name: 'kafka-client', parameters: { username: 'user', password: 'pass' } }; }
      if (m.value === 'sasl twice') { saslValue = 'plaintext'; authValue = { source: 'secret', name: 'kafka-client', parameters: { sasl: 'sasl', username: 'user', password: 'pass' } }; }
      if (m.value === 'tls twice') { tlsValue = true; authValue = { source: 'secret', name: 'kafka-client', parameters: { ...(authValue?.parameters ?? {}), tls: 'tls' } }; }
      const defects: Defect[] = [r.bootstrapServers, r.consumerGroup, r.topic, r.lagThreshold].flatMap((c) => c.defects);
      defects.push(
        ...(r.activationLagThreshold?.defects ?? []),
        ...(r.offsetResetPolicy?.defects ?? []),
        ...(m.value === undefined ? [...(r.sasl?.defects ?? []), ...a.defects] : m.defects),
      );
      return {
        value: {
          kind: 'kafka' as const,
          props: {
            bootstrapServers: r.bootstrapServers.value,
            consumerGroup: r.consumerGroup.value,
            topic: r.topic.value,
            lagThreshold: r.lagThreshold.value,
            activationLagThreshold: r.activationLagThreshold?.value,
            offsetResetPolicy: r.offsetResetPolicy?.value,
            allowIdleConsumers: r.allowIdleConsumers,
            sasl: saslValue,
            tls: tlsValue,
            auth: authValue,
          },
        },
        defects,
      };
    });
  });
}

/** The connection of a Redis trigger: in props (address, or host and port) or in the auth, exactly one. */
function redisConnection(s: Sites): fc.Arbitrary<Case<Record<string, unknown>>> {
  const address = s.validOr(fc.constantFrom('redis.cache.svc:6379', '10.0.0.9:6380', '[::1]:6379'), fc.constantFrom('redis', 'redis:0', 'redis:99999', ':6379', 'a b:1'), 'address');
  const host = s.validOr(fc.constantFrom('redis.cache.svc', '10.0.0.9'), fc.constantFrom('redis:6379', '', '-redis'), 'host');
  const port = s.validOr(fc.constantFrom(6379, 6380), fc.constantFrom(0, 65536, 1.5), 'port');
  return fc.record({
    where: fc.constantFrom('address', 'host', 'auth-address', 'auth-host'),
    address,
    host,
    port,
    databaseIndex: fc.option(wholeAtLeast(s, 0, 15, 'databaseIndex'), { nil: undefined, freq: 3 }),
    enableTls: fc.option(fc.boolean(), { nil: undefined, freq: 3 }),
    password: fc.boolean(),
    mistake: s.wrongOr(valid(fc.constant<string | undefined>(undefined)), fc.constantFrom('two servers', 'no server', 'port without host', 'enableTls and tls').map((m) => planted<string | undefined>(m, m))),
  }).chain((r) => {
    const parameters: Record<string, string> = r.password ? { password: 'pass' } : {};
    if (r.where === 'auth-address') parameters.address = 'address';
    if (r.where === 'auth-host') Object.assign(parameters, { host: 'host', port: 'port' });
    const withAuth = Object.keys(parameters).length > 0
      ? auth(s, parameters).map((c) => c as Case<AuthChoice | undefined>)
      : fc.constant(sound<AuthChoice | undefined>(undefined));
    return withAuth.map((a) => {
      const props: Record<string, unknown> = { databaseIndex: r.databaseIndex?.value, enableTls: r.enableTls, auth: a.value };
      const defects: Defect[] = [...(r.databaseIndex?.defects ?? []), ...a.defects, ...r.mistake.defects];
      if (r.where === 'address') { props.address = r.address.value; defects.push(...r.address.defects); }
      if (r.where === 'host') { props.host = r.host.value; props.port = r.port.value; defects.push(...r.host.defects, ...r.port.defects); }
      switch (r.mistake.value) {
        case 'two servers': props.address = 'redis:6379'; props.host = 'redis'; props.port = 6379; break;
        case 'no server': delete props.address; delete props.host; delete props.port; props.auth = undefined; break;
        case 'port without host': delete props.address; delete props.host; props.port = 6379; props.auth = undefined; break;
        case 'enableTls and tls': props.enableTls = true; props.auth = { source: 'secret', name: 'rabbitmq', parameters: { ...(a.value?.parameters ?? {}), tls: 'tls' } }; break;
      }
      return { value: props, defects };
    });
  });
}

function redisList(s: Sites): fc.Arbitrary<Case<TriggerChoice>> {
  return fc.tuple(redisConnection(s), blankable(s, ['jobs', 'queue:high'], 'listName'), wholeAtLeast(s, 1, 100, 'listLength'), fc.option(wholeAtLeast(s, 0, 10, 'activationListLength'), { nil: undefined, freq: 2 }))
    .map(([connection, listName, listLength, activation]) => ({
      value: { kind: 'redis-list' as const, props: { ...connection.value, listName: listName.value, listLength: listLength.value, activationListLength: activation?.value } },
      defects: [...connection.defects, ...listName.defects, ...listLength.defects, ...(activation?.defects ?? [])],
    }));
}

function redisStream(s: Sites): fc.Arbitrary<Case<TriggerChoice>> {
  return fc.tuple(
    redisConnection(s),
    blankable(s, ['orders', 'events:1'], 'stream'),
    fc.constantFrom('lagCount', 'pendingEntriesCount', 'streamLength'),
    wholeAtLeast(s, 1, 100, 'stream measure'),
    fc.option(blankable(s, ['workers'], 'consumerGroup'), { nil: undefined, freq: 8 }),
    fc.option(wholeAtLeast(s, 0, 10, 'activationLagCount'), { nil: undefined, freq: 2 }),
    s.wrongOr(valid(fc.constant<string | undefined>(undefined)), fc.constantFrom('two measures', 'no measure', 'group with streamLength').map((m) => planted<string | undefined>(m, m))),
  ).map(([connection, stream, measure, amount, group, activation, mistake]) => {
    const props: Record<string, unknown> = {
      ...connection.value,
      stream: stream.value,
      [measure]: amount.value,
      activationLagCount: activation?.value,
    };
    const defects: Defect[] = [...connection.defects, ...stream.defects, ...amount.defects, ...(activation?.defects ?? [])];
    // a consumer group where the measure needs one, none with streamLength; a loose case sometimes drops it
    const needsGroup = measure !== 'streamLength';
    if (needsGroup && (group !== undefined || !s.loose)) {
      props.consumerGroup = group?.value ?? 'workers';
      defects.push(...(group?.defects ?? []));
    } else if (needsGroup) {
      defects.push({ owner: '', what: `${measure} without a consumer group` });
    }
    switch (mistake.value) {
      case 'two measures': props.lagCount = 5; props.streamLength = 5; break;
      case 'no measure': delete props[measure]; break;
      case 'group with streamLength': delete props.lagCount; delete props.pendingEntriesCount; props.streamLength = 5; props.consumerGroup = 'workers'; break;
    }
    return { value: { kind: 'redis-stream' as const, props }, defects: [...defects, ...mistake.defects] };
  });
}

function cron(s: Sites): fc.Arbitrary<Case<TriggerChoice>> {
  return fc.tuple(timeZones(s), kedaCronExpressions(s), kedaCronExpressions(s), s.validOr(fc.integer({ min: 1, max: 20 }), fc.constantFrom(0, 1.5, -2), 'desiredReplicas'))
    .map(([timezone, start, end, desired]) => {
      const defects: Defect[] = [...timezone.defects, ...start.defects, ...end.defects, ...desired.defects];
      if (start.value === end.value && start.defects.length === 0) {
        defects.push({ owner: '', what: 'a cron window that starts where it ends' });
      }
      return { value: { kind: 'cron' as const, props: { timezone: timezone.value, start: start.value, end: end.value, desiredReplicas: desired.value } }, defects };
    });
}

/** Scale triggers of every KEDA scaler the library has. */
export const scaleTriggers = (s: Sites): fc.Arbitrary<Case<TriggerChoice>> =>
  fc.oneof(
    { arbitrary: rabbitMq(s), weight: 3 },
    { arbitrary: kafka(s), weight: 3 },
    { arbitrary: redisList(s), weight: 2 },
    { arbitrary: redisStream(s), weight: 2 },
    { arbitrary: cron(s), weight: 2 },
  );
