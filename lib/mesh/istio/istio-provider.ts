import { Construct, IConstruct } from 'constructs';
import { checkProps } from '../../core/prop-schema';
import type { IMeshRoutesBinding } from '../../traffic/routing-mesh';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { IMicroservice, Microservice } from '../../workload/microservice';
import type { MeshPodMetadata } from '../../workload/service-mesh';
import type { IMeshProvider, IMeshServiceBinding, MeshFunction } from '../mesh-provider';
import { istioProviderPropsSchema } from '../mesh-schemas';
import { IstioFunctionSecurity } from './istio-function-security';
import { IstioGatewayApiRoutes } from './istio-gateway-api-routes';
import { IstioNamespaceSecurity } from './istio-namespace-security';
import { IstioServicePolicies } from './istio-service-policies';
import { IstioServiceRoutes } from './istio-service-routes';
import { IstioServiceSecurity } from './istio-service-security';

/** Options of the Istio provider. */
export interface IstioProviderProps {
  /**
   * The mesh's trust domain (the first part of workload identities).
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * The form of the routing tables: `'virtual-service'` (a DestinationRule
   * with a subset per revision and a VirtualService), or `'gateway-api'`
   * (GAMMA: Gateway API HTTPRoutes and TCPRoutes attached to the Service,
   * routing to per-revision Services, the form the Linkerd provider writes),
   * so a team moving between meshes keeps one form. The Gateway API form
   * needs Istio's Gateway API support and the Gateway API CRDs (standard
   * channel, 1.6 or later for TCPRoute v1); what its HTTPRoute cannot
   * express is refused at synth (own retries, no retries, faults, a circuit breaker).
   * @default 'virtual-service'
   * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#mesh-traffic
   */
  readonly routes?: 'virtual-service' | 'gateway-api';
}

/**
 * Istio: sidecar injection by pod label, strict mTLS and deny-by-default per
 * namespace, per-service ALLOW policies and Sidecar egress from the service
 * graph, DestinationRule + VirtualService for routing tables (or, with
 * `routes: 'gateway-api'`, Gateway API routes attached to the Service).
 *
 * @internal
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

  /** The Gateway API routing tables, by service, for the callers' egress to the per-revision Services. */
  private readonly gatewayApiRoutes = new Map<IMicroservice, IstioGatewayApiRoutes>();

  constructor(private readonly props: IstioProviderProps = {}) {}

  public checkProps(scope: IConstruct): void {
    checkProps(istioProviderPropsSchema, this.props, scope, { prefix: 'MeshProvider.istio props', name: 'MeshProvider.istio props' });
  }

  public bindNamespace(scope: Construct, id: string, namespace: string): void {
    new IstioNamespaceSecurity(scope, id, { namespace });
  }

  public bindService(scope: Construct, id: string, service: Microservice): IMeshServiceBinding {
    return new IstioServiceSecurity(scope, id, {
      service,
      trustDomain: this.props.trustDomain,
      revisionServiceNames: (dependency) => (this.gatewayApiRoutes.get(dependency)?.revisions ?? []).map((r) => r.name),
    });
  }

  public bindRoutes(scope: Construct, id: string, routes: ServiceRoutes): IMeshRoutesBinding {
    new IstioServicePolicies(scope, `${id}Policies`, routes);
    if (this.props.routes === 'gateway-api') {
      const binding = new IstioGatewayApiRoutes(scope, id, routes);
      this.gatewayApiRoutes.set(routes.service, binding);
      return binding;
    }
    return new IstioServiceRoutes(scope, id, routes);
  }

  public bindFunction(scope: Construct, id: string, fn: MeshFunction): void {
    new IstioFunctionSecurity(scope, id, fn);
  }
}
