import { Construct } from 'constructs';
import type { Microservice } from '../workload/microservice';
import { IstioProvider, IstioProviderProps } from './istio/istio-provider';

/** Pod labels and annotations a mesh needs on every pod of its services. */
export interface MeshPodMetadata {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * A service mesh implementation: what it adds to pods (part of the revision
 * identity, so joining a mesh rolls new revisions) and the objects it emits
 * per namespace and per service. Make one with `MeshProvider`.
 */
export interface IMeshProvider {
  /** The implementation's name, e.g. 'istio'. */
  readonly name: string;
  /** Labels and annotations for every pod of a service in the mesh. */
  readonly podMetadata: MeshPodMetadata;
  /** Emits the objects one namespace of the mesh needs (mTLS, default deny). */
  bindNamespace(scope: Construct, id: string, namespace: string): void;
  /** Emits the objects one service of the mesh needs (authorization, egress). */
  bindService(scope: Construct, id: string, service: Microservice): void;
}

/** The mesh implementations. */
export class MeshProvider {
  /** Istio with sidecars: strict mTLS, deny-by-default authorization, Sidecar egress. */
  public static istio(props: IstioProviderProps = {}): IMeshProvider {
    return new IstioProvider(props);
  }

  private constructor() {}
}
