import { Manifest } from '../../core/manifest-schema';
import { ApiResources } from './api-resources';
import { Kubectl } from './kubectl';

/** The namespace of the kubeconfig context (where kubectl puts objects that name none), else `default`. */
export function contextNamespace(kubectl: Kubectl): string {
  const namespace = kubectl.output(['config', 'view', '--minify', '-o', 'jsonpath={..namespace}']).trim();
  return namespace === '' ? 'default' : namespace;
}

/**
 * The objects with `namespace` filled in where a namespaced object names
 * none, as `kubectl apply` would place it; so they compare with live objects.
 * Kinds the cluster does not serve are left as they are.
 */
export function withNamespaces(manifests: readonly Manifest[], resources: ApiResources, namespace: string): Manifest[] {
  return manifests.map((manifest) => {
    if (manifest.metadata.namespace !== undefined || resources.of(manifest.apiVersion, manifest.kind)?.namespaced !== true) {
      return manifest;
    }
    return { ...manifest, metadata: { ...manifest.metadata, namespace } };
  });
}
