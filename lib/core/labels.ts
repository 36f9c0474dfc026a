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

/** The labels every object of a service carries. */
export function serviceLabels(name: string, partOf: string): Record<string, string> {
  return {
    [LabelKeys.NAME]: name,
    [LabelKeys.PART_OF]: partOf,
    [LabelKeys.MANAGED_BY]: MANAGED_BY,
  };
}
