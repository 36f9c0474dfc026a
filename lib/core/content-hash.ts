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
  // Content hashing runs on every revision's pod template: a sorted copy
  // written by the native JSON.stringify is faster than appending the parts.
  const sorted = sortedCopy(value);
  return sorted === NOT_COPIED ? appendedCanonicalJson(value) : JSON.stringify(sorted) ?? 'null';
}

/** Marks a value {@link sortedCopy} leaves to {@link appendedCanonicalJson}. */
const NOT_COPIED = Symbol('not copied');

/**
 * A copy of `value` that `JSON.stringify` writes exactly as
 * {@link appendedCanonicalJson} writes `value`: plain objects with their keys
 * inserted in sorted order (`undefined` and function members dropped, a
 * `toJSON()` result in place of its object), arrays item by item.
 * `NOT_COPIED` where the two would differ: a symbol (a member `JSON.stringify`
 * would drop), an array with holes (written empty, not `null`), a key
 * `JSON.stringify` would write out of sorted order (an array index: any key
 * starting with a digit) or could not copy (`__proto__`).
 */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'symbol' ? NOT_COPIED : value;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return sortedCopy((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = i in value ? sortedCopy(value[i]) : NOT_COPIED;
      if (item === NOT_COPIED) {
        return NOT_COPIED;
      }
      copy[i] = item;
    }
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const first = key.charCodeAt(0);
    if ((first >= 0x30 && first <= 0x39) || key === '__proto__') {
      return NOT_COPIED;
    }
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined && typeof member !== 'function') {
      const memberCopy = sortedCopy(member);
      if (memberCopy === NOT_COPIED) {
        return NOT_COPIED;
      }
      // a toJSON() that returns undefined or a function is written null there too
      copy[key] = memberCopy === undefined || typeof memberCopy === 'function' ? null : memberCopy;
    }
  }
  return copy;
}

/** {@link canonicalJson}, written part by part; for any value. */
function appendedCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return appendedCanonicalJson((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    let json = '[';
    for (let i = 0; i < value.length; i++) {
      // a hole stays empty, as in Array.prototype.join
      json += (i === 0 ? '' : ',') + (i in value ? appendedCanonicalJson(value[i]) : '');
    }
    return `${json}]`;
  }
  let json = '{';
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined && typeof member !== 'function') {
      json += `${json.length === 1 ? '' : ','}${JSON.stringify(key)}:${appendedCanonicalJson(member)}`;
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
