import { LabelKeys } from './labels';
import { Manifest } from './manifest-schema';

/**
 * What an object is in a release: a revision object (content-addressed, never
 * updated) or a pointer (a stable name whose content moves traffic or holds
 * the stack together).
 */
export type ObjectRole = 'revision' | 'pointer';

/**
 * The role of a synthesized object: immutable ConfigMaps and Secrets and
 * everything labelled with a revision id are revision objects; the rest are
 * pointers.
 *
 * @internal
 */
export function objectRole(manifest: Manifest): ObjectRole {
  const labels = (manifest.metadata.labels ?? {}) as Record<string, string>;
  return manifest.immutable === true || LabelKeys.REVISION in labels ? 'revision' : 'pointer';
}
