/** The shape of an IANA time zone name: ASCII segments joined by '/'. */
const ZONE_NAME = /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/;

/**
 * What is wrong with a time zone name for Knative, which loads it with Go's
 * `time.LoadLocation` (case-sensitive names from the IANA database), as a
 * phrase that follows the name, or `undefined` when it is fine. Checked
 * against the IANA database Node ships (ICU).
 *
 * @example timeZoneProblem('europe/berlin') // "must be written 'Europe/Berlin' (time zone names are case-sensitive)"
 */
export function timeZoneProblem(name: string): string | undefined {
  if (name === 'Local') {
    return "means the zone of the pod that runs the schedule, which the stack does not control; name the zone, e.g. 'UTC' or 'Europe/Berlin'";
  }
  const notAZone = "is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'";
  if (!ZONE_NAME.test(name)) {
    return notAZone;
  }
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return notAZone;
  }
  const lower = name.toLowerCase();
  const spelled = Intl.supportedValuesOf('timeZone').find((zone) => zone.toLowerCase() === lower)
    ?? (resolved.toLowerCase() === lower ? resolved : undefined);
  if (spelled !== undefined && spelled !== name) {
    return `must be written '${spelled}' (time zone names are case-sensitive)`;
  }
  return undefined;
}
