/** A ConfigMap or Secret a pod spec uses, by name. */
export interface ConfigReference {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
}

/**
 * The ConfigMaps and Secrets a pod spec uses: `envFrom` and `valueFrom` of
 * every (init) container, then the volumes; in that order, repeats kept.
 */
export function configReferences(podSpec: Record<string, any>): ConfigReference[] {
  const refs: ConfigReference[] = [];
  for (const container of [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])]) {
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef) refs.push({ kind: 'ConfigMap', name: source.configMapRef.name });
      if (source.secretRef) refs.push({ kind: 'Secret', name: source.secretRef.name });
    }
    for (const variable of container.env ?? []) {
      if (variable.valueFrom?.configMapKeyRef) refs.push({ kind: 'ConfigMap', name: variable.valueFrom.configMapKeyRef.name });
      if (variable.valueFrom?.secretKeyRef) refs.push({ kind: 'Secret', name: variable.valueFrom.secretKeyRef.name });
    }
  }
  for (const volume of podSpec.volumes ?? []) {
    if (volume.configMap) refs.push({ kind: 'ConfigMap', name: volume.configMap.name });
    if (volume.secret) refs.push({ kind: 'Secret', name: volume.secret.secretName });
  }
  return refs;
}
