import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { dnsLabelIdentity } from '../../core/identity';
import { checkProps } from '../../core/prop-schema';
import { validateManifestsAtSynth } from '../../core/synth-validation';
import { timeZoneProblem } from '../../core/time-zone';
import { ValidationError } from '../../core/validation-error';
import { cronScheduleProblem, scheduleTimeZone } from './cron-schedule';
import { IEventSink } from './event-sink';
import { eventingNamespace } from './eventing-namespace';
import { pingSourcePropsSchema } from './eventing-schemas';

/** Props of {@link PingSource}. */
export interface PingSourceProps {
  /**
   * The source's name (a DNS label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The application the source belongs to (`app.kubernetes.io/part-of`).
   * @default - the id of the enclosing chart
   */
  readonly partOf?: string;
  /**
   * When to send an event: a cron schedule of five fields (minute hour
   * day-of-month month day-of-week), e.g. `'*\/10 * * * *'` or
   * `'0 9 * * mon-fri'`, or a descriptor (`@hourly`, `@daily`, `@midnight`,
   * `@weekly`, `@monthly`, `@yearly`, `@annually`); `@every` is refused
   * by Knative.
   */
  readonly schedule: string;
  /**
   * The IANA time zone the schedule is read in, e.g. 'Europe/Berlin'.
   * @default - the system time zone of Knative's PingSource adapter
   */
  readonly timezone?: string;
  /**
   * The body of each event.
   * @default - none: events without data
   */
  readonly data?: string;
  /**
   * The media type of `data` (the event's `datacontenttype`); for
   * 'application/json', Knative requires `data` to be a JSON object.
   * @default - none: the event carries no `datacontenttype`, as Knative sends it
   */
  readonly contentType?: string;
  /** Where the events go. */
  readonly sink: IEventSink;
}

/** A media type `type/subtype`, optionally with parameters (RFC 6838 names). */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;\s*[^;\s=]+=[^;]*)*$/;
const SCHEDULE_FIX = "write five fields (minute hour day-of-month month day-of-week) such as '*/10 * * * *' or '0 9 * * mon-fri', or a descriptor such as '@hourly'";

/**
 * A Knative PingSource: sends an event with a fixed body to a sink on a cron
 * schedule (events of type `dev.knative.sources.ping`).
 *
 * @example
 *   new PingSource(chart, 'nightly-report', {
 *     schedule: '0 2 * * *',
 *     timezone: 'Europe/Berlin',
 *     data: '{"report":"daily"}',
 *     contentType: 'application/json',
 *     sink: broker,
 *   });
 *
 * @see https://knative.dev/docs/eventing/sources/ping-source/
 */
export class PingSource extends Construct {
  /** The source's name. */
  public readonly sourceName: string;
  /** The PingSource object (the escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: PingSourceProps) {
    super(scope, id);
    checkProps(pingSourcePropsSchema, props, this, { name: 'PingSource props' });
    const identity = dnsLabelIdentity(this, props, 'PingSource name');
    this.sourceName = identity.name;
    const what = `PingSource '${this.sourceName}'`;
    const namespace = eventingNamespace(this, what);
    assertSchedule(props.schedule, props.timezone, this);
    assertData(props.data, props.contentType, this);
    validateManifestsAtSynth(this);
    const sink = props.sink.bindSink({ scope: this, what, namespace });
    this.apiObject = emitObject(this, 'Resource', {
      apiVersion: 'sources.knative.dev/v1',
      kind: 'PingSource',
      metadata: { name: this.sourceName, labels: { ...identity.labels } },
      spec: {
        schedule: props.schedule,
        timezone: props.timezone,
        data: props.data,
        contentType: props.contentType,
        sink,
      },
    });
  }

  /** @deprecated use {@link apiObject}, the name every construct of the library gives its main object. */
  public get resource(): ApiObject {
    return this.apiObject;
  }
}

/** @throws ValidationError for a schedule Knative refuses, a bad time zone, or a time zone given twice */
function assertSchedule(schedule: string, timezone: string | undefined, scope: Construct): void {
  const problem = cronScheduleProblem(schedule);
  if (problem !== undefined) {
    throw new ValidationError(`schedule '${schedule}' ${problem}; ${SCHEDULE_FIX}`, scope);
  }
  if (timezone === undefined) {
    return;
  }
  const zoneProblem = timeZoneProblem(timezone);
  if (zoneProblem !== undefined) {
    throw new ValidationError(`timezone '${timezone}' ${zoneProblem}`, scope);
  }
  const inSchedule = scheduleTimeZone(schedule);
  if (inSchedule !== undefined) {
    throw new ValidationError(
      `schedule '${schedule}' names time zone '${inSchedule}' and timezone names '${timezone}', and Knative refuses a schedule with two; ` +
        'drop the prefix from the schedule and keep timezone',
      scope,
    );
  }
}

/** @throws ValidationError for empty data, a content type without data, a malformed one, or JSON data Knative refuses */
function assertData(data: string | undefined, contentType: string | undefined, scope: Construct): void {
  if (data === '') {
    throw new ValidationError('data is empty, and Knative sends no data then; drop data for events without a body', scope);
  }
  if (contentType === undefined) {
    return;
  }
  if (!MEDIA_TYPE.test(contentType)) {
    throw new ValidationError(`contentType must be a media type such as 'application/json' or 'text/plain', got '${contentType}'`, scope);
  }
  if (data === undefined) {
    throw new ValidationError(`contentType '${contentType}' is given without data, and Knative sends it only with data; pass data or drop contentType`, scope);
  }
  if (contentType === 'application/json' && !isJsonObject(data)) {
    throw new ValidationError(
      `data must be a JSON object when contentType is 'application/json' (Knative's webhook refuses anything else), got '${data}'; ` +
        'wrap it in an object, e.g. {"value": …}, or pick another contentType',
      scope,
    );
  }
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}
