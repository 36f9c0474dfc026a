import { LabelKeys } from '../../core/labels';
import { Manifest } from '../../core/manifest-schema';
import { withoutScale } from '../../core/scale-fields';
import { diffValues, FieldChange } from './manifest-diff';

/**
 * The content changes of an immutable object that kept its name: every
 * changed field but its API version (the same stored object is served at
 * several) and its scale (`spec.replicas`, an autoscaler's bounds), which
 * change in place. Empty when the object may be left as it is.
 */
export function immutableContentChanges(before: Manifest, after: Manifest): FieldChange[] {
  const content = (manifest: Manifest) => {
    const { apiVersion: _apiVersion, ...rest } = withoutScale(manifest);
    return rest;
  };
  return diffValues(content(before), content(after));
}

/** Why an object counts as immutable, in words, e.g. `immutable: true`. */
export function immutabilityReason(manifest: Manifest): string {
  if (manifest.immutable === true) {
    return 'immutable: true';
  }
  const labels = (manifest.metadata.labels ?? {}) as Record<string, string>;
  return `revision ${labels[LabelKeys.REVISION]}`;
}

/** The guard's message for an immutable object whose content changed under its name. */
export function guardMessage(manifest: Manifest, changes: readonly FieldChange[]): string {
  const where = manifest.metadata.namespace === undefined ? manifest.metadata.name : `${manifest.metadata.namespace}/${manifest.metadata.name}`;
  return (
    `${manifest.kind} ${where} is immutable (${immutabilityReason(manifest)}) but its content changes under the same name ` +
    `(${changes.map((c) => c.path).join(', ')}); new content needs a new name: derive the name from the content ` +
    '(as ImmutableConfigMap, ImmutableSecret and revisions do) or restore the old content'
  );
}
