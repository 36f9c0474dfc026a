import { Construct } from 'constructs';
import type { Microservice } from '../../workload/microservice';
import { IMeshProvider, MeshPodMetadata } from '../mesh-provider';
import { IstioNamespaceSecurity } from './istio-namespace-security';
import { IstioServiceSecurity } from './istio-service-security';

/** Options of the Istio provider. */
export interface IstioProviderProps {
  /**
   * The mesh's trust domain (the first part of workload identities).
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
}

/**
 * Istio: sidecar injection by pod label, strict mTLS and deny-by-default per
 * namespace, per-service ALLOW policies and Sidecar egress from the service
 * graph.
 */
export class IstioProvider implements IMeshProvider {
  public readonly name = 'istio';
  public readonly podMetadata: MeshPodMetadata = {
    labels: { 'sidecar.istio.io/inject': 'true' },
    annotations: {},
  };

  constructor(private readonly props: IstioProviderProps = {}) {}

  public bindNamespace(scope: Construct, id: string, namespace: string): void {
    new IstioNamespaceSecurity(scope, id, { namespace });
  }

  public bindService(scope: Construct, id: string, service: Microservice): void {
    new IstioServiceSecurity(scope, id, { service, trustDomain: this.props.trustDomain });
  }
}
