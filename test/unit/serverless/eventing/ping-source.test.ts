import { App, Chart } from 'cdk8s';
import { IngressPeer, Microservice } from '../../../../lib';
import { EventSink, PingSource, PingSourceProps } from '../../../../lib/serverless/eventing';
import { newChart, validationErrorOf } from '../../../fixtures';
import { objectOf, receiver, specOf } from './fixtures';

const HOOK = EventSink.uri('https://hooks.example.com/ping');
const SCHEDULE_FIX = "write five fields (minute hour day-of-month month day-of-week) such as '*/10 * * * *' or '0 9 * * mon-fri', or a descriptor such as '@hourly'";

/** The message of the error a PingSource 'nightly' with `props` fails with. */
function pingError(props: Partial<PingSourceProps>): string {
  return validationErrorOf(() => new PingSource(newChart(), 'nightly', { schedule: '0 2 * * *', sink: HOOK, ...props })).message;
}

describe('PingSource', () => {
  test('a sources.knative.dev/v1 PingSource: schedule and sink', () => {
    const chart = newChart();
    const source = new PingSource(chart, 'nightly', { schedule: '0 2 * * *', sink: HOOK });
    expect(source.sourceName).toBe('nightly');
    expect(objectOf(chart, 'PingSource', 'nightly')).toEqual({
      apiVersion: 'sources.knative.dev/v1',
      kind: 'PingSource',
      metadata: {
        name: 'nightly',
        namespace: 'test',
        labels: { 'app.kubernetes.io/name': 'nightly', 'app.kubernetes.io/managed-by': 'immutable-infra', 'app.kubernetes.io/part-of': 'test' },
      },
      spec: { schedule: '0 2 * * *', sink: { uri: 'https://hooks.example.com/ping' } },
    });
  });

  test('its name, time zone, data and content type', () => {
    const chart = newChart();
    new PingSource(chart, 'source', {
      name: 'report',
      schedule: '30 7 * * mon-fri',
      timezone: 'Europe/Berlin',
      data: '{"report":"daily"}',
      contentType: 'application/json',
      sink: HOOK,
    });
    expect(specOf(chart, 'PingSource', 'report')).toEqual({
      schedule: '30 7 * * mon-fri',
      timezone: 'Europe/Berlin',
      data: '{"report":"daily"}',
      contentType: 'application/json',
      sink: { uri: 'https://hooks.example.com/ping' },
    });
  });

  test('data without a content type is sent as Knative sends it (no datacontenttype), and other media types take any text', () => {
    const chart = newChart();
    new PingSource(chart, 'plain', { schedule: '@daily', data: 'hello', sink: HOOK });
    new PingSource(chart, 'text', { schedule: '@daily', data: '[1,2]', contentType: 'text/plain; charset=utf-8', sink: HOOK });
    expect(specOf(chart, 'PingSource', 'plain')).toEqual({ schedule: '@daily', data: 'hello', sink: { uri: 'https://hooks.example.com/ping' } });
    expect(specOf(chart, 'PingSource', 'text').contentType).toBe('text/plain; charset=utf-8');
  });

  test('a microservice sink must admit Knative Eventing (the PingSource adapter delivers)', () => {
    const chart = newChart();
    const closed = new Microservice(chart, 'reports', receiver('c', { allowIngressFrom: [IngressPeer.namespace('edge')] }));
    expect(validationErrorOf(() => new PingSource(chart, 'nightly', { schedule: '@daily', sink: EventSink.service(closed) })).message).toBe(
      "PingSource 'nightly' delivers to reports, but reports admits only its declared callers (NetworkPolicy), so the Knative Eventing pods that deliver events " +
        "in namespace 'knative-eventing' would be refused; add allowIngressFrom: [IngressPeer.namespace('knative-eventing')] to reports (at test/nightly)",
    );
    const open = new Microservice(chart, 'open', receiver('e'));
    new PingSource(chart, 'hourly', { schedule: '@hourly', sink: EventSink.service(open) });
    expect(specOf(chart, 'PingSource', 'hourly').sink).toEqual({ ref: { apiVersion: 'v1', kind: 'Service', name: 'open', namespace: 'test' } });
  });

  test.each([
    ['0 25 * * *', "has hour '25': 25 is above the maximum 23"],
    ['@every 10m', "uses '@every', which Knative's PingSource refuses"],
    ['0 2 * *', 'has 4 fields, and Knative reads exactly 5 (minute hour day-of-month month day-of-week)'],
    ['0 2 * * 7', "has day-of-week '7': 7 is above the maximum 6 (Sunday is 0 or sun)"],
  ])('fails when the schedule is %p, naming the field and a good schedule', (schedule, problem) => {
    expect(pingError({ schedule })).toBe(`schedule '${schedule}' ${problem}; ${SCHEDULE_FIX} (at test/nightly)`);
  });

  test('fails when the time zone is given in the schedule and in timezone', () => {
    expect(pingError({ schedule: 'CRON_TZ=UTC 0 2 * * *', timezone: 'Europe/Berlin' })).toBe(
      "schedule 'CRON_TZ=UTC 0 2 * * *' names time zone 'UTC' and timezone names 'Europe/Berlin', and Knative refuses a schedule with two; " +
        'drop the prefix from the schedule and keep timezone (at test/nightly)',
    );
  });

  test.each([
    ['Berlin', "is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'"],
    ['Europe/Berlin ', "is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'"],
    ['utc', "must be written 'UTC' (time zone names are case-sensitive)"],
    ['america/new_york', "must be written 'America/New_York' (time zone names are case-sensitive)"],
    ['Local', "means the zone of the pod that runs the schedule, which the stack does not control; name the zone, e.g. 'UTC' or 'Europe/Berlin'"],
    // names Node's ICU takes but the IANA database (Go's time.LoadLocation, in Knative) does not
    ['PST', "is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'"],
    ['IST', "is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'"],
    ['SystemV/EST5', "is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'"],
    ['us/pacific', "must be written 'US/Pacific' (time zone names are case-sensitive)"],
    ['zulu', "must be written 'Zulu' (time zone names are case-sensitive)"],
  ])('fails when the time zone is %p', (timezone, problem) => {
    expect(pingError({ timezone })).toBe(`timezone '${timezone}' ${problem} (at test/nightly)`);
  });

  test.each(['UTC', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'Asia/Calcutta', 'US/Pacific', 'EST5EDT', 'Europe/Kyiv'])('the time zone %p is accepted', (timezone) => {
    const chart = newChart();
    new PingSource(chart, 'nightly', { schedule: '0 2 * * *', timezone, sink: HOOK });
    expect(specOf(chart, 'PingSource', 'nightly').timezone).toBe(timezone);
  });

  test('fails when a content type comes without data', () => {
    expect(pingError({ contentType: 'application/json' })).toBe(
      "contentType 'application/json' is given without data, and Knative sends it only with data; pass data or drop contentType (at test/nightly)",
    );
  });

  test('fails when data is empty', () => {
    expect(pingError({ data: '' })).toBe('data is empty, and Knative sends no data then; drop data for events without a body (at test/nightly)');
  });

  test.each(['json', 'application/', 'application/json;', ''])('fails when the content type is %p', (contentType) => {
    expect(pingError({ data: 'x', contentType })).toBe(
      `contentType must be a media type such as 'application/json' or 'text/plain', got '${contentType}' (at test/nightly)`,
    );
  });

  test.each(['[1,2]', '"text"', '42', 'null', '{"a":', 'hello'])('fails when application/json data is %p, not a JSON object', (data) => {
    expect(pingError({ data, contentType: 'application/json' })).toBe(
      `data must be a JSON object when contentType is 'application/json' (Knative's webhook refuses anything else), got '${data}'; ` +
        'wrap it in an object, e.g. {"value": …}, or pick another contentType (at test/nightly)',
    );
  });

  test('fails when the name is not a DNS label', () => {
    expect(pingError({ name: 'Nightly' })).toBe(
      "PingSource name must be 1-63 lower-case letters, digits or '-' and start and end with a letter or digit, got 'Nightly' (at test/nightly)",
    );
  });

  test('fails when its chart has no namespace', () => {
    const chart = new Chart(new App(), 'bare');
    expect(validationErrorOf(() => new PingSource(chart, 'nightly', { schedule: '@daily', sink: HOOK })).message).toBe(
      "PingSource 'nightly' has no namespace, and Knative's eventing objects live in one; give its chart a namespace (at bare/nightly)",
    );
  });
});
