import { cronFieldsProblem, OUTER_SPACE } from '../../core/cron-fields';
import { timeZoneProblem } from '../../core/time-zone';

const DESCRIPTORS: readonly string[] = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const TIME_ZONE_PREFIXES: readonly string[] = ['TZ=', 'CRON_TZ='];

/**
 * The time zone a schedule names with a `CRON_TZ=` or `TZ=` prefix, or
 * `undefined` when it names none.
 */
export function scheduleTimeZone(schedule: string): string | undefined {
  const prefix = TIME_ZONE_PREFIXES.find((p) => schedule.startsWith(p));
  if (prefix === undefined) {
    return undefined;
  }
  const space = schedule.indexOf(' ');
  return schedule.slice(prefix.length, space < 0 ? undefined : space);
}

/**
 * What is wrong with a cron schedule for Knative's PingSource, as a phrase
 * that follows the schedule, or `undefined` when it is fine.
 *
 * Knative reads the schedule with robfig/cron v3's `ParseStandard`: five
 * fields or a descriptor, optionally after a `CRON_TZ=<zone> ` or
 * `TZ=<zone> ` prefix; its webhook refuses the `@every` descriptor.
 *
 * The fields are checked by `cronFieldsProblem`. An empty time zone (UTC
 * to robfig/cron) and `Local` (the adapter pod's zone) are refused.
 *
 * @example cronScheduleProblem('0 25 * * *') // "has hour '25': 25 is above the maximum 23"
 * @see https://pkg.go.dev/github.com/robfig/cron/v3#hdr-CRON_Expression_Format
 */
export function cronScheduleProblem(schedule: string): string | undefined {
  if (schedule.includes('@every')) {
    return "uses '@every', which Knative's PingSource refuses";
  }
  if (schedule === '') {
    return 'is empty';
  }
  let spec = schedule;
  const zone = scheduleTimeZone(schedule);
  if (zone !== undefined) {
    const space = schedule.indexOf(' ');
    if (space < 0) {
      return `names time zone '${zone}' but no schedule after it (a space must follow the zone)`;
    }
    const zoneProblem = timeZoneProblem(zone);
    if (zoneProblem !== undefined) {
      return `names time zone '${zone}', which ${zoneProblem}`;
    }
    spec = schedule.slice(space).replace(OUTER_SPACE, '');
  }
  if (spec.startsWith('@')) {
    return DESCRIPTORS.includes(spec) ? undefined : `uses '${spec}', which is not a descriptor Knative accepts (${DESCRIPTORS.join(', ')})`;
  }
  return cronFieldsProblem(spec, 'Knative');
}

