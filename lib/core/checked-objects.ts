import { ApiObject, ApiObjectProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ApiObjectClass, contentGuarded } from './content-guarded';
import { Manifest, schemaErrors } from './manifest-schema';

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
function schemaChecked<P>(base: ApiObjectClass<P>): ApiObjectClass<P> {
  class SchemaChecked extends contentGuarded(base) {
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
 * The L1 objects the library emits: cdk8s-plus-28's typed classes and plain
 * API objects for CRD kinds, each checked against its schema when rendered.
 *
 * @internal
 */
export const L1 = {
  /** Any kind, e.g. a CRD object, given as `apiVersion`, `kind`, `metadata` and the rest. */
  ApiObject: schemaChecked<ApiObjectProps>(ApiObject),
  ConfigMap: schemaChecked<k8s.KubeConfigMapProps>(k8s.KubeConfigMap),
  Deployment: schemaChecked<k8s.KubeDeploymentProps>(k8s.KubeDeployment),
  HorizontalPodAutoscaler: schemaChecked<k8s.KubeHorizontalPodAutoscalerV2Props>(k8s.KubeHorizontalPodAutoscalerV2),
  Namespace: schemaChecked<k8s.KubeNamespaceProps>(k8s.KubeNamespace),
  NetworkPolicy: schemaChecked<k8s.KubeNetworkPolicyProps>(k8s.KubeNetworkPolicy),
  PodDisruptionBudget: schemaChecked<k8s.KubePodDisruptionBudgetProps>(k8s.KubePodDisruptionBudget),
  Secret: schemaChecked<k8s.KubeSecretProps>(k8s.KubeSecret),
  Service: schemaChecked<k8s.KubeServiceProps>(k8s.KubeService),
  ServiceAccount: schemaChecked<k8s.KubeServiceAccountProps>(k8s.KubeServiceAccount),
};
