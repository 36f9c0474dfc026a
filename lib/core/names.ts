import { IConstruct } from 'constructs';
import { contentHash, HASH_LENGTH } from './content-hash';
import { describeValue } from './prop-schema';
import { ValidationError } from './validation-error';

/**
 * Longest DNS-1123 label Kubernetes accepts (Service, label values, most names).
 *
 * @internal
 */
export const DNS_LABEL_MAX_LENGTH = 63;

/**
 * Longest name of a revision object. A Deployment `<name>` gets ReplicaSets
 * `<name>-<pod-template-hash>` (11 more characters) whose name must still be a
 * valid label value (≤ 63) for the `pod-template-hash` machinery and tools.
 *
 * @internal
 */
export const REVISION_NAME_MAX_LENGTH = 52;

/**
 * Longest service name: `<service>-<revision id>` must fit {@link REVISION_NAME_MAX_LENGTH}.
 *
 * @internal
 */
export const SERVICE_NAME_MAX_LENGTH = REVISION_NAME_MAX_LENGTH - 1 - HASH_LENGTH;

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A name as a message shows it: a string in quotes, anything else (a number from JavaScript) as {@link describeValue} shows it. */
function shown(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : `${describeValue(value)} (not a string)`;
}

/**
 * Checks a name that Kubernetes uses as a DNS-1035 label (Service names:
 * lower-case letters, digits and '-', starting with a letter).
 *
 * @internal
 */
export function assertServiceName(value: string, maxLength: number, scope: IConstruct): void {
  if (typeof value !== 'string' || !DNS_1035_LABEL.test(value) || value.length > maxLength) {
    throw new ValidationError(
      `name must be 1-${maxLength} lower-case letters, digits or '-', start with a letter and end with a letter or digit, got ${shown(value)}; ` +
        'pass a name such as \'orders\' or \'payment-api\'',
      scope,
    );
  }
}

/**
 * Whether a value is a DNS-1123 label: lower-case letters, digits and '-',
 * starting and ending with a letter or digit, at most `maxLength` long.
 *
 * @internal
 */
export function isDnsLabel(value: string, maxLength = DNS_LABEL_MAX_LENGTH): boolean {
  return typeof value === 'string' && DNS_1123_LABEL.test(value) && value.length <= maxLength;
}

/**
 * Checks a DNS-1123 label (lower-case alphanumerics and '-'), e.g. a port or volume name.
 *
 * @internal
 */
export function assertDnsLabel(what: string, value: string, maxLength: number, scope: IConstruct): void {
  if (!isDnsLabel(value, maxLength)) {
    throw new ValidationError(
      `${what} must be 1-${maxLength} lower-case letters, digits or '-' and start and end with a letter or digit, got ${shown(value)}`,
      scope,
    );
  }
}

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Whether a value is a DNS-1123 subdomain (≤ 253, labels joined by '.'), the form of most object names.
 *
 * @internal
 */
export function isDnsSubdomain(value: string): boolean {
  return typeof value === 'string' && DNS_1123_SUBDOMAIN.test(value) && value.length <= 253;
}

/**
 * Checks a DNS-1123 subdomain (≤ 253, labels joined by '.'), the form of most object names.
 *
 * @internal
 */
export function assertObjectName(what: string, value: string, scope: IConstruct): void {
  if (!isDnsSubdomain(value)) {
    throw new ValidationError(
      `${what} must be a DNS subdomain (≤ 253 lower-case letters, digits, '-' and '.'), got ${shown(value)}`,
      scope,
    );
  }
}

/**
 * Name of the objects of one revision: `<service>-<revision id>`.
 *
 * @internal
 */
export function revisionObjectName(serviceName: string, revisionId: string): string {
  return `${serviceName}-${revisionId}`;
}

/**
 * Name of a content-addressed object: `<prefix>-<hash>`, the prefix cut (never
 * the hash) so the whole stays a DNS label of at most 63 characters.
 *
 * @internal
 */
export function contentAddressedName(prefix: string, hash: string): string {
  const room = DNS_LABEL_MAX_LENGTH - 1 - hash.length;
  const cut = prefix.slice(0, room).replace(/-+$/, '');
  return `${cut}-${hash}`;
}

/**
 * Name of an object made for another one: `<base>-<suffix>` (e.g.
 * `edge-require-token`) while that is a DNS label of at most 63 characters,
 * else cut to fit with a hash of the whole, so two long bases never share it.
 *
 * @internal
 */
export function suffixedName(base: string, suffix: string): string {
  const name = `${base}-${suffix}`;
  return name.length <= DNS_LABEL_MAX_LENGTH ? name : contentAddressedName(name, contentHash(name));
}

const HASH_SUFFIX = new RegExp(`^(.+)-[0-9a-f]{${HASH_LENGTH}}$`);

/**
 * The readable part of a content-addressed or revision name (`orders-settings`
 * for `orders-settings-89af217ecf`, `orders` for `orders-5e40e772f6`): what
 * stays the same when the content changes.
 *
 * @returns `undefined` when the name does not end in a content hash
 * @internal
 */
export function contentAddressedPrefix(name: string): string | undefined {
  return HASH_SUFFIX.exec(name)?.[1];
}
