import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { ConsulApi } from './consul-api';

/**
 * Props of {@link ConsulMeshDefaults}.
 *
 * @internal
 */
export interface ConsulMeshDefaultsProps {
  /** The Kubernetes namespace the objects are written to (Consul reads them datacenter-wide). */
  readonly namespace: string;
}

/**
 * The datacenter-wide settings that make Consul's mutual TLS strict: a
 * `ProxyDefaults` named `global` with `mutualTLSMode: strict` (no sidecar
 * accepts plaintext), and the `Mesh` named `mesh` with
 * `allowEnablingPermissiveMutualTLS: false` (no service may turn permissive
 * later). Consul has one of each per datacenter, so the provider writes them
 * once, in the first namespace of the mesh.
 *
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/proxy-defaults#mutualtlsmode
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/mesh#allowenablingpermissivemutualtls
 * @internal
 */
export class ConsulMeshDefaults extends Construct {
  constructor(scope: Construct, id: string, props: ConsulMeshDefaultsProps) {
    super(scope, id);
    emitObject(this, 'ProxyDefaults', {
      apiVersion: ConsulApi.V1ALPHA1,
      kind: 'ProxyDefaults',
      metadata: { name: 'global', namespace: props.namespace },
      spec: { mutualTLSMode: 'strict' },
    });
    emitObject(this, 'Mesh', {
      apiVersion: ConsulApi.V1ALPHA1,
      kind: 'Mesh',
      metadata: { name: 'mesh', namespace: props.namespace },
      spec: { allowEnablingPermissiveMutualTLS: false },
    });
  }
}
