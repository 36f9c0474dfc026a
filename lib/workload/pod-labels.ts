import { IConstruct } from 'constructs';
import { labelProblem, LabelKeys } from '../core/labels';
import { unrenderableKeyProblem } from '../core/map-keys';
import { ValidationError } from '../core/validation-error';

/**
 * The `podLabels` of a revision, checked: each a label the API server
 * accepts, none a key the library sets itself (selectors and the revision
 * id depend on those).
 *
 * @param libraryLabels the pod labels the library sets
 * @throws ValidationError for an invalid label or a key the library sets
 */
export function extraPodLabels(
  podLabels: Readonly<Record<string, string>> | undefined,
  libraryLabels: Readonly<Record<string, string>>,
  scope: IConstruct,
): Record<string, string> {
  const reserved = new Set([...Object.keys(libraryLabels), LabelKeys.REVISION]);
  for (const [key, value] of Object.entries(podLabels ?? {})) {
    const problem = labelProblem(key, value) ?? unrenderableKeyProblem(key);
    if (problem !== undefined) {
      throw new ValidationError(`podLabels: ${problem}; fix the label or drop it`, scope);
    }
    if (reserved.has(key)) {
      throw new ValidationError(
        `podLabels key '${key}' is set by the library (${[...reserved].sort().join(', ')}); give your label another key`,
        scope,
      );
    }
  }
  return { ...podLabels };
}
