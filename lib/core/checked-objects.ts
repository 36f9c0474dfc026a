import { ApiObject, ApiObjectProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ApiObjectClass, contentGuarded, TypedL1Json } from './content-guarded';
import { Manifest, schemaErrors } from './manifest-schema';
import { Struct, TYPED_PROPS } from './typed-fields';

const CHECKED = Symbol.for('immutable-infra.schema-checked');

/**
 * Thrown when a construct emits an object its schema rejects: a bug in the
 * construct (or in an escape-hatch patch), never a user input problem.
 */
export class ManifestSchemaError extends Error {
  constructor(manifest: Manifest, path: string, problem: string) {
    super(`${manifest.kind} ${manifest.metadata.name} (at ${path}) fails its schema: ${problem}`);
    this.name = 'ManifestSchemaError';
  }
}

/**
 * Wraps an L1 class so every object it synthesizes is checked against its
 * schema at the moment it is rendered: the exact final JSON (escape-hatch
 * patches included), once per render, no extra serialization; and guarded
 * against escape hatches that change content under its name
 * ({@link contentGuarded}).
 */
function schemaChecked<P>(base: ApiObjectClass<P>, typed?: TypedL1Json): ApiObjectClass<P> {
  class SchemaChecked extends contentGuarded(base, typed) {
    constructor(scope: Construct, id: string, props: P) {
      super(scope, id, props);
      Object.defineProperty(this, CHECKED, { value: true });
    }

    public toJson(): any {
      const manifest = super.toJson() as Manifest;
      const problem = schemaErrors(manifest);
      if (problem !== undefined) {
        throw new ManifestSchemaError(manifest, this.node.path, problem);
      }
      return manifest;
    }
  }
  return SchemaChecked;
}

/**
 * Whether an object validates its own schema when rendered.
 *
 * @internal
 */
export function isSchemaChecked(object: ApiObject): boolean {
  return CHECKED in object;
}

/**
 * A typed L1 class, checked: rendered by its `GVK`, its generated props
 * converter and the fields of its props the library sets.
 */
function checkedTyped<P>(
  base: ApiObjectClass<P> & { readonly GVK: TypedL1Json['gvk'] },
  propsToJson: TypedL1Json['propsToJson'],
  fields: Struct,
): ApiObjectClass<P> {
  return schemaChecked(base, { gvk: base.GVK, propsToJson, fields });
}

/**
 * The L1 objects the library emits: cdk8s-plus-28's typed classes and plain
 * API objects for CRD kinds, each checked against its schema when rendered.
 *
 * @internal
 */
export const L1 = {
  /** Any kind, e.g. a CRD object, given as `apiVersion`, `kind`, `metadata` and the rest. */
  ApiObject: schemaChecked<ApiObjectProps>(ApiObject),
  ConfigMap: checkedTyped<k8s.KubeConfigMapProps>(k8s.KubeConfigMap, k8s.toJson_KubeConfigMapProps, TYPED_PROPS.ConfigMap),
  Deployment: checkedTyped<k8s.KubeDeploymentProps>(k8s.KubeDeployment, k8s.toJson_KubeDeploymentProps, TYPED_PROPS.Deployment),
  HorizontalPodAutoscaler: checkedTyped<k8s.KubeHorizontalPodAutoscalerV2Props>(
    k8s.KubeHorizontalPodAutoscalerV2,
    k8s.toJson_KubeHorizontalPodAutoscalerV2Props,
    TYPED_PROPS.HorizontalPodAutoscaler,
  ),
  Namespace: checkedTyped<k8s.KubeNamespaceProps>(k8s.KubeNamespace, k8s.toJson_KubeNamespaceProps, TYPED_PROPS.Namespace),
  NetworkPolicy: checkedTyped<k8s.KubeNetworkPolicyProps>(k8s.KubeNetworkPolicy, k8s.toJson_KubeNetworkPolicyProps, TYPED_PROPS.NetworkPolicy),
  PodDisruptionBudget: checkedTyped<k8s.KubePodDisruptionBudgetProps>(
    k8s.KubePodDisruptionBudget,
    k8s.toJson_KubePodDisruptionBudgetProps,
    TYPED_PROPS.PodDisruptionBudget,
  ),
  Secret: checkedTyped<k8s.KubeSecretProps>(k8s.KubeSecret, k8s.toJson_KubeSecretProps, TYPED_PROPS.Secret),
  Service: checkedTyped<k8s.KubeServiceProps>(k8s.KubeService, k8s.toJson_KubeServiceProps, TYPED_PROPS.Service),
  ServiceAccount: checkedTyped<k8s.KubeServiceAccountProps>(k8s.KubeServiceAccount, k8s.toJson_KubeServiceAccountProps, TYPED_PROPS.ServiceAccount),
};
