import { configReferences } from '../../core/config-references';
import { LabelKeys } from '../../core/labels';
import { Manifest } from '../../core/manifest-schema';
import { contentAddressedPrefix } from '../../core/names';

/** A workload revision of a synthesis: its Deployment, by service and namespace. */
export interface RevisionManifest {
  readonly namespace: string;
  /** The service (`app.kubernetes.io/name`). */
  readonly service: string;
  /** The revision id (`immutable-infra.dev/revision`). */
  readonly revision: string;
  readonly deployment: Manifest;
}

/** The revision Deployments of a synthesis (those carrying the revision label), in their order. */
export function revisionManifests(manifests: readonly Manifest[]): RevisionManifest[] {
  return manifests
    .filter((m) => m.kind === 'Deployment' && labelsOf(m)[LabelKeys.REVISION] !== undefined)
    .map((deployment) => ({
      namespace: deployment.metadata.namespace ?? 'default',
      service: labelsOf(deployment)[LabelKeys.NAME] ?? deployment.metadata.name!,
      revision: labelsOf(deployment)[LabelKeys.REVISION],
      deployment,
    }));
}

function labelsOf(manifest: Manifest): Readonly<Record<string, string>> {
  return (manifest.metadata.labels ?? {}) as Record<string, string>;
}

/** The pod template of a revision Deployment without its revision label (which its id makes). */
export function podTemplateOf(deployment: Manifest): Record<string, any> {
  const template = JSON.parse(JSON.stringify((deployment as { spec?: { template?: unknown } }).spec?.template ?? {})) as Record<string, any>;
  if (template.metadata?.labels !== undefined) {
    delete template.metadata.labels[LabelKeys.REVISION];
  }
  return template;
}

/** The images of a pod template's containers and init containers, by container name. */
export function imagesOf(podTemplate: Record<string, any>): Record<string, string> {
  const spec = podTemplate.spec ?? {};
  const containers: { name: string; image: string }[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  return Object.fromEntries(containers.map((c) => [c.name, c.image]));
}

/** A ConfigMap or Secret a revision uses: its object name and its readable name (without the content hash). */
export interface UsedConfig {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly readableName: string;
}

/** The ConfigMaps and Secrets a pod template uses, each once, in order of first use. */
export function usedConfigs(podTemplate: Record<string, any>): UsedConfig[] {
  const seen = new Map<string, UsedConfig>();
  for (const ref of configReferences(podTemplate.spec ?? {})) {
    const key = `${ref.kind}/${ref.name}`;
    if (!seen.has(key)) {
      seen.set(key, { ...ref, readableName: contentAddressedPrefix(ref.name) ?? ref.name });
    }
  }
  return [...seen.values()];
}

/** The data of the ConfigMap `name` in `namespace` of a synthesis (binaryData keys prefixed `binaryData:`), or `undefined` when it is not there. */
export function configMapData(manifests: readonly Manifest[], namespace: string, name: string): Record<string, string> | undefined {
  const object = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === name && (m.metadata.namespace ?? 'default') === namespace) as
    { data?: Record<string, string>; binaryData?: Record<string, string> } | undefined;
  if (object === undefined) {
    return undefined;
  }
  const binary = Object.entries(object.binaryData ?? {}).map(([key, value]) => [`binaryData:${key}`, value]);
  return Object.fromEntries([...Object.entries(object.data ?? {}), ...binary]);
}
