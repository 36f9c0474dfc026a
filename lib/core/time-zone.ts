import { IANA_TIME_ZONES } from './iana-time-zones';

const ZONES: ReadonlySet<string> = new Set(IANA_TIME_ZONES);
const BY_LOWER_CASE: ReadonlyMap<string, string> = new Map(IANA_TIME_ZONES.map((zone) => [zone.toLowerCase(), zone]));

/**
 * What is wrong with a time zone name for Knative and KEDA, which load it
 * with Go's `time.LoadLocation` (case-sensitive names from the IANA
 * database), as a phrase that follows the name, or `undefined` when it is
 * fine. Checked against the names of the IANA database itself
 * ({@link IANA_TIME_ZONES}), not against Node's ICU, which also takes names
 * Go refuses ('PST', 'us/pacific').
 *
 * @example timeZoneProblem('europe/berlin') // "must be written 'Europe/Berlin' (time zone names are case-sensitive)"
 */
export function timeZoneProblem(name: string): string | undefined {
  if (name === 'Local') {
    return "means the zone of the pod that runs the schedule, which the stack does not control; name the zone, e.g. 'UTC' or 'Europe/Berlin'";
  }
  if (ZONES.has(name)) {
    return undefined;
  }
  const spelled = BY_LOWER_CASE.get(name.toLowerCase());
  if (spelled !== undefined) {
    return `must be written '${spelled}' (time zone names are case-sensitive)`;
  }
  return "is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'";
}
