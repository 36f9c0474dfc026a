import { isDnsSubdomain } from './names';

/** Label and annotation keys the library writes. */
export const LabelKeys = {
  /** The service (or function) name. */
  NAME: 'app.kubernetes.io/name',
  /** The application the service belongs to. */
  PART_OF: 'app.kubernetes.io/part-of',
  /** The tool that manages the object. */
  MANAGED_BY: 'app.kubernetes.io/managed-by',
  /** The revision id (content hash) of a revision object. */
  REVISION: 'immutable-infra.dev/revision',
} as const;

/** Annotation keys the library writes. */
export const AnnotationKeys = {
  /** Lists the containers that run a mutable image tag, opted out of digest pinning. */
  MUTABLE_IMAGES: 'immutable-infra.dev/mutable-images',
} as const;

/** Value of `app.kubernetes.io/managed-by`. */
export const MANAGED_BY = 'immutable-infra';

/**
 * The labels every object of a service carries.
 *
 * @internal
 */
export function serviceLabels(name: string, partOf: string): Record<string, string> {
  return {
    [LabelKeys.NAME]: name,
    [LabelKeys.PART_OF]: partOf,
    [LabelKeys.MANAGED_BY]: MANAGED_BY,
  };
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Whether a value is a label value: empty, or ≤ 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit.
 *
 * @internal
 */
export function isLabelValue(value: string): boolean {
  return typeof value === 'string' && LABEL_VALUE.test(value) && value.length <= 63;
}

/**
 * What the API server refuses in a label, or `undefined` for a valid one: the
 * key is a name of ≤ 63 letters, digits, '-', '_' and '.' (starting and ending
 * with a letter or digit) with an optional DNS subdomain prefix and '/'; the
 * value is empty or a name of that form.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 * @internal
 */
export function labelProblem(key: string, value: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && !isDnsSubdomain(prefix)) {
    return `label key '${key}' has a prefix that is not a DNS subdomain (lower-case letters, digits, '-' and '.')`;
  }
  if (!QUALIFIED_NAME.test(name) || name.length > 63) {
    return `label key '${key}' is not ≤ 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit`;
  }
  if (!isLabelValue(value)) {
    return `label '${key}' has value '${value}', which is not empty or ≤ 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit`;
  }
  return undefined;
}
