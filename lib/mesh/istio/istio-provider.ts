import { Construct, IConstruct } from 'constructs';
import { checkProps } from '../../core/prop-schema';
import type { IMeshRoutesBinding } from '../../traffic/routing-mesh';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { Microservice } from '../../workload/microservice';
import type { MeshPodMetadata } from '../../workload/service-mesh';
import type { IMeshProvider, IMeshServiceBinding, MeshFunction } from '../mesh-provider';
import { istioProviderPropsSchema } from '../mesh-schemas';
import { IstioFunctionSecurity } from './istio-function-security';
import { IstioNamespaceSecurity } from './istio-namespace-security';
import { IstioServiceRoutes } from './istio-service-routes';
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
 * graph, DestinationRule + VirtualService for routing tables.
 */
export class IstioProvider implements IMeshProvider {
  public readonly name = 'istio';
  public readonly podMetadata: MeshPodMetadata = {
    labels: { 'sidecar.istio.io/inject': 'true' },
    annotations: {},
  };
  public readonly namespaceMetadata: MeshPodMetadata = {
    labels: { 'istio-injection': 'enabled' },
    annotations: {},
  };

  constructor(private readonly props: IstioProviderProps = {}) {}

  public checkProps(scope: IConstruct): void {
    checkProps(istioProviderPropsSchema, this.props, scope, { prefix: 'MeshProvider.istio props', name: 'MeshProvider.istio props' });
  }

  public bindNamespace(scope: Construct, id: string, namespace: string): void {
    new IstioNamespaceSecurity(scope, id, { namespace });
  }

  public bindService(scope: Construct, id: string, service: Microservice): IMeshServiceBinding {
    return new IstioServiceSecurity(scope, id, { service, trustDomain: this.props.trustDomain });
  }

  public bindRoutes(scope: Construct, id: string, routes: ServiceRoutes): IMeshRoutesBinding {
    return new IstioServiceRoutes(scope, id, routes);
  }

  public bindFunction(scope: Construct, id: string, fn: MeshFunction): void {
    new IstioFunctionSecurity(scope, id, fn);
  }
}
