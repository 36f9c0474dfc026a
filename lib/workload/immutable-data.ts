import { IConstruct } from 'constructs';
import { contentHash } from '../core/content-hash';
import { labelProblem } from '../core/labels';
import { unrenderableKeyProblem } from '../core/map-keys';
import { isDnsLabel } from '../core/names';
import { ValidationError } from '../core/validation-error';

/** What a ConfigMap or Secret key may be (the API server's rule). */
export const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** The most a ConfigMap or Secret holds, keys and values together. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The props ImmutableConfigMap and ImmutableSecret share. */
export interface ImmutableDataProps {
  /** The readable part of the name, to which the content hash is appended. */
  readonly namePrefix: string;
  /** The key/value data. */
  readonly data: Readonly<Record<string, string>>;
  /**
   * Labels of the object.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Checks the name prefix, data and labels of an immutable ConfigMap or
 * Secret, so that the object is one the API server accepts.
 *
 * @param field names the data in errors: 'data' or 'stringData'
 * @throws ValidationError for a prefix that would not make a DNS label, a bad key, more than 1 MiB, or a bad label
 */
export function checkImmutableData(field: string, props: ImmutableDataProps, scope: IConstruct): void {
  // any length: the prefix is cut to fit a DNS label with the hash
  if (!isDnsLabel(props.namePrefix, Number.POSITIVE_INFINITY)) {
    throw new ValidationError(
      `namePrefix must be lower-case letters, digits or '-', starting and ending with a letter or digit, got '${props.namePrefix}'; ` +
        "the content hash is appended (the prefix cut to fit a DNS label), e.g. 'orders-settings'",
      scope,
    );
  }
  let bytes = 0;
  for (const [key, value] of Object.entries(props.data)) {
    if (!CONFIG_KEY.test(key) || key.length > 253) {
      throw new ValidationError(`${field} key '${key}' is invalid: keys are 1-253 letters, digits, '-', '_' or '.'`, scope);
    }
    const unrenderable = unrenderableKeyProblem(key);
    if (unrenderable !== undefined) {
      throw new ValidationError(`${field} key ${unrenderable}; rename the key`, scope);
    }
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (bytes > MAX_CONFIG_BYTES) {
    throw new ValidationError(`${field} holds ${bytes} bytes, above the 1 MiB limit of a ConfigMap or Secret; split it`, scope);
  }
  for (const [key, value] of Object.entries(props.labels ?? {})) {
    const problem = labelProblem(key, value) ?? unrenderableKeyProblem(key);
    if (problem !== undefined) {
      throw new ValidationError(`labels: ${problem}; fix the label or drop it`, scope);
    }
  }
}

/** The kind of a content-hashed config object. */
export type ImmutableDataKind = 'ConfigMap' | 'Secret';

/** The hashes of data the library made and froze ({@link hashFrozenData}): such data cannot change. */
const frozenDataHashes = new WeakMap<object, { readonly kind: ImmutableDataKind; readonly hash: string }>();

/**
 * The content hash that names an immutable ConfigMap or Secret:
 * `contentHash({ kind, data })`.
 */
export function immutableDataHash(kind: ImmutableDataKind, data: Readonly<Record<string, string>>): string {
  const known = frozenDataHashes.get(data);
  return known !== undefined && known.kind === kind ? known.hash : contentHash({ kind, data });
}

/**
 * Freezes data the library made for a config object and returns its
 * {@link immutableDataHash}, which is remembered: the object made from the
 * data does not hash it again.
 *
 * @param data a map of strings no one else holds
 */
export function hashFrozenData(kind: ImmutableDataKind, data: Record<string, string>): string {
  Object.freeze(data);
  const hash = contentHash({ kind, data });
  frozenDataHashes.set(data, { kind, hash });
  return hash;
}
