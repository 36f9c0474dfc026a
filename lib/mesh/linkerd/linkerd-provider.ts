import { Construct, IConstruct } from 'constructs';
import { checkProps } from '../../core/prop-schema';
import type { IMeshRoutesBinding } from '../../traffic/routing-mesh';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { Microservice } from '../../workload/microservice';
import type { MeshPodMetadata } from '../../workload/service-mesh';
import type { IMeshProvider, IMeshServiceBinding, MeshFunction } from '../mesh-provider';
import { linkerdProviderPropsSchema } from '../mesh-schemas';
import { LinkerdAnnotations } from './linkerd-api';
import { LinkerdFunctionSecurity } from './linkerd-function-security';
import { LinkerdServiceRoutes } from './linkerd-service-routes';
import { LinkerdServiceSecurity } from './linkerd-service-security';

/**
 * Options of the Linkerd provider. None yet: deny-by-default, mTLS identities
 * and the policy API versions are fixed.
 */
export interface LinkerdProviderProps {}

/**
 * Linkerd (2.16 or later, with its policy CRDs), the same service graph and
 * routing tables as the other meshes:
 * - **Injection:** pod annotation `linkerd.io/inject: enabled` (part of the
 *   revision id, so joining the mesh rolls new revisions).
 * - **Deny by default:** pod annotation
 *   `config.linkerd.io/default-inbound-policy: deny`, and a `Server` with
 *   access policy `deny` per TCP port of each service; only an
 *   `AuthorizationPolicy` opens a Server.
 * - **mTLS:** automatic between meshed pods; it is required because callers
 *   are admitted by their mTLS identity only (`MeshTLSAuthentication` of the
 *   callers' ServiceAccounts, and of every meshed pod of an
 *   `allowIngressFrom` namespace). `IngressPeer.anywhere()` admits any client,
 *   meshed or not (`NetworkAuthentication` of 0.0.0.0/0 and ::/0).
 * - **Routing tables:** a Service per revision and an `HTTPRoute` per port
 *   (see {@link LinkerdServiceRoutes}); features Linkerd lacks (faults,
 *   mirrors, connection pool limits, retries on connection errors) are
 *   refused at synth.
 *
 * Not covered, by design of Linkerd's policy model:
 * - **Egress:** Linkerd has no per-workload egress allow-list like Istio's
 *   Sidecar, so declared dependencies do not limit a pod's outbound calls
 *   (each callee still admits only its declared callers), and
 *   `externalHosts` need no object (outbound traffic to outside the cluster
 *   passes the proxy unchanged). The services' NetworkPolicies still guard
 *   ingress.
 * - **Namespaces:** no objects per namespace: the policies are per pod and
 *   per Server; `Mesh.namespaceMetadata` gives the annotations for the
 *   Namespace objects the stack owns.
 * - **UDP and SCTP ports:** the proxy handles TCP only, so they get no
 *   Server or route; their NetworkPolicy still applies.
 *
 * @see https://linkerd.io/2/reference/authorization-policy/
 * @see https://linkerd.io/2/features/automatic-mtls/
 * @internal
 */
export class LinkerdProvider implements IMeshProvider {
  public readonly name = 'linkerd';
  public readonly podMetadata: MeshPodMetadata = {
    labels: {},
    annotations: {
      [LinkerdAnnotations.INJECT]: 'enabled',
      [LinkerdAnnotations.DEFAULT_INBOUND_POLICY]: 'deny',
    },
  };
  public readonly namespaceMetadata: MeshPodMetadata = this.podMetadata;

  constructor(private readonly props: LinkerdProviderProps = {}) {}

  public checkProps(scope: IConstruct): void {
    checkProps(linkerdProviderPropsSchema, this.props, scope, { prefix: 'MeshProvider.linkerd props', name: 'MeshProvider.linkerd props' });
  }

  /** Nothing per namespace: Linkerd's mTLS is on for every meshed pod, and deny-by-default is per pod. */
  public bindNamespace(): void {}

  public bindService(scope: Construct, id: string, service: Microservice): IMeshServiceBinding {
    return new LinkerdServiceSecurity(scope, id, { service });
  }

  public bindRoutes(scope: Construct, id: string, routes: ServiceRoutes): IMeshRoutesBinding {
    return new LinkerdServiceRoutes(scope, id, routes);
  }

  public bindFunction(scope: Construct, id: string, fn: MeshFunction): void {
    new LinkerdFunctionSecurity(scope, id, fn);
  }
}
