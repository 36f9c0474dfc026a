import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { isBuiltInApiVersion, Manifest } from '../core/manifest-schema';

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The typed @pulumi/kubernetes classes of the built-in kinds the library emits. */
const BUILT_IN: Readonly<Record<string, ResourceClass>> = {
  'v1/ConfigMap': k8s.core.v1.ConfigMap,
  'v1/Namespace': k8s.core.v1.Namespace,
  'v1/Secret': k8s.core.v1.Secret,
  'v1/Service': k8s.core.v1.Service,
  'v1/ServiceAccount': k8s.core.v1.ServiceAccount,
  'apps/v1/Deployment': k8s.apps.v1.Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': k8s.autoscaling.v2.HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': k8s.policy.v1.PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': k8s.networking.v1.NetworkPolicy,
};

/**
 * Registers one object as a Pulumi resource: a typed class for built-in kinds,
 * `apiextensions.CustomResource` for CRD kinds.
 *
 * @throws Error for a built-in kind the bridge has no class for
 */
export function registerManifest(name: string, manifest: Manifest, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const typed = BUILT_IN[`${manifest.apiVersion}/${manifest.kind}`];
  if (typed !== undefined) {
    return new typed(name, manifest, opts);
  }
  if (isBuiltInApiVersion(manifest.apiVersion)) {
    throw new Error(`the Pulumi bridge has no class for ${manifest.apiVersion} ${manifest.kind} (${name}); add it to BUILT_IN in lib/pulumi/resource-types.ts`);
  }
  return new k8s.apiextensions.CustomResource(name, manifest as k8s.apiextensions.CustomResourceArgs, opts);
}
