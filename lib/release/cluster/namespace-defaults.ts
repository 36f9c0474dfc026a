import { Manifest } from '../../core/manifest-schema';
import { ApiResources } from './api-resources';

/**
 * The objects with `namespace` filled in where a namespaced object names
 * none, as `kubectl apply` would place it; so they compare with live objects.
 * Kinds the cluster does not serve are left as they are.
 *
 * @param namespace the namespace to fill in, asked for only when an object names none
 */
export function withNamespaces(manifests: readonly Manifest[], resources: ApiResources, namespace: () => string): Manifest[] {
  const missing = (manifest: Manifest) =>
    manifest.metadata.namespace === undefined && resources.of(manifest.apiVersion, manifest.kind)?.namespaced === true;
  if (!manifests.some(missing)) {
    return [...manifests];
  }
  const filled = namespace();
  return manifests.map((manifest) => (missing(manifest) ? { ...manifest, metadata: { ...manifest.metadata, namespace: filled } } : manifest));
}
