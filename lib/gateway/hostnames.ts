import { IConstruct } from 'constructs';
import { describeValue } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';

/** A hostname with an optional leading wildcard label, as the Gateway API and Istio accept it. */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IP_ADDRESS = /^[0-9.]+$/;

/** How the library writes "any hostname" (a listener or route without hostnames). */
export const ANY_HOSTNAME = '*';

/**
 * @throws ValidationError unless `value` is a lower-case DNS name (≤ 253), not
 *   an IP address, with a leading `*.` only where `wildcard` allows it
 */
export function assertHostname(what: string, value: string, wildcard: boolean, scope: IConstruct): void {
  const valid = typeof value === 'string' && HOSTNAME.test(value) && value.length <= 253 && !IP_ADDRESS.test(value) && (wildcard || !value.startsWith('*.'));
  if (!valid) {
    const form = wildcard ? "a lower-case DNS name, optionally starting with '*.'" : 'a lower-case DNS name without wildcard';
    const got = typeof value === 'string' ? `'${value}'` : `${describeValue(value)} (not a string)`;
    throw new ValidationError(`${what} must be ${form} (not an IP address), got ${got}`, scope);
  }
}

/**
 * Whether `pattern` (a hostname, `*.suffix` or {@link ANY_HOSTNAME}) takes
 * requests for `host`. A wildcard matches one or more labels in front of its
 * suffix: `*.example.com` takes `a.example.com` and `a.b.example.com`, not
 * `example.com`.
 */
export function hostnameCovers(pattern: string, host: string): boolean {
  if (pattern === ANY_HOSTNAME || pattern === host) {
    return true;
  }
  if (!pattern.startsWith('*.')) {
    return false;
  }
  const suffix = pattern.slice(1);
  return host.startsWith('*.') ? host.slice(1).endsWith(suffix) && host.length > pattern.length : host.endsWith(suffix);
}

/** Whether some request host could match both hostnames. */
export function hostnamesIntersect(a: string, b: string): boolean {
  return hostnameCovers(a, b) || hostnameCovers(b, a);
}

/**
 * How specific a hostname is, for ordering routes as the Gateway API does:
 * exact hostnames before wildcards, longer before shorter.
 */
export function hostnameSpecificity(hostname: string): [number, number] {
  const exact = hostname === ANY_HOSTNAME || hostname.startsWith('*.') ? 0 : hostname.length;
  return [exact, hostname === ANY_HOSTNAME ? 0 : hostname.length];
}
