import { createHash } from 'crypto';

/**
 * Length of the hash suffix in revision and content-addressed names.
 *
 * @internal
 */
export const HASH_LENGTH = 10;

/**
 * JSON with object keys sorted at every depth and `undefined` members dropped,
 * so that equal content always serializes to the same bytes.
 *
 * @internal
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  }
  // Appended to one string (no array of parts per level): content hashing runs on every revision's pod template.
  if (Array.isArray(value)) {
    let json = '[';
    for (let i = 0; i < value.length; i++) {
      // a hole stays empty, as in Array.prototype.join
      json += (i === 0 ? '' : ',') + (i in value ? canonicalJson(value[i]) : '');
    }
    return `${json}]`;
  }
  let json = '{';
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined && typeof member !== 'function') {
      json += `${json.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    }
  }
  return `${json}}`;
}

/**
 * A short, DNS-safe hash (lower-case hex) of the canonical JSON of `value`.
 * Same input → same hash on any machine.
 *
 * @internal
 */
export function contentHash(value: unknown, length: number = HASH_LENGTH): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}
