import { Construct, IConstruct } from 'constructs';
import { checkProps } from '../../core/prop-schema';
import type { IMeshRoutesBinding } from '../../traffic/routing-mesh';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { IMicroservice, Microservice } from '../../workload/microservice';
import type { MeshPodMetadata } from '../../workload/service-mesh';
import type { IMeshProvider, IMeshServiceBinding, MeshFunction } from '../mesh-provider';
import { consulProviderPropsSchema } from '../mesh-schemas';
import { ConsulAnnotations } from './consul-api';
import { unsupportedFunction } from './consul-capabilities';
import { ConsulJwtProviders } from './consul-jwt-providers';
import { ConsulMeshDefaults } from './consul-mesh-defaults';
import { ConsulServiceRoutes } from './consul-service-routes';
import { ConsulServiceSecurity } from './consul-service-security';

/** Options of the Consul provider. */
export interface ConsulProviderProps {
  /**
   * Whether the cluster runs Consul Enterprise (1.17 or later), which adds
   * local rate limits (ServiceDefaults `rateLimits`) and locality-aware
   * routing (ServiceResolver `prioritizeByLocality`); without it a
   * `rateLimit` or a `localityFailover` is refused at synth.
   * @default false
   */
  readonly enterprise?: boolean;
}

/**
 * Consul service mesh on Kubernetes (consul-k8s 1.x, its config entry CRDs
 * consul.hashicorp.com/v1alpha1), the same service graph and routing tables
 * as the other meshes:
 * - **Injection:** pod annotations `consul.hashicorp.com/connect-inject` and
 *   `consul.hashicorp.com/transparent-proxy` (part of the revision id), and
 *   `consul.hashicorp.com/service-meta-revision` set to the revision id, which
 *   consul-k8s registers as `Service.Meta.revision` for the subsets.
 * - **mTLS:** always on between Consul's sidecars; made strict for the
 *   datacenter by ProxyDefaults and Mesh (see {@link ConsulMeshDefaults}).
 * - **Deny by default:** a ServiceIntentions per service allowing its
 *   declared callers and denying `*` (see {@link ConsulServiceSecurity}).
 * - **Routing tables:** ServiceResolver, ServiceRouter and ServiceSplitter
 *   (see {@link ConsulServiceRoutes}); what Consul cannot express is refused
 *   at synth (consul-capabilities).
 * - **End-user authentication:** a JWTProvider per issuer (Consul 1.16.1 or
 *   later: 1.16.0 could match a token to the wrong source, HCSEC-2023-25)
 *   and the tokens required in the service's intentions (Consul writes them
 *   once the JWTProvider exists; consul-k8s retries until then). Consul
 *   enforces an intention's token requirement only where its default
 *   intention policy is deny (ACLs with `default_policy: deny`, as
 *   consul-k8s sets up with `global.acls.manageSystemACLs`, or
 *   `default_intention_policy: deny`): under an allow default it drops allow
 *   rules, tokens and all. A request with an invalid token is refused (403)
 *   where a token is required, and let through as one without elsewhere;
 *   a claim is compared as one string, so a list-valued claim (e.g.
 *   `groups`) never matches and such a request is refused.
 *
 * Not covered, by design of Consul on Kubernetes:
 * - **Names:** Consul names services after their Kubernetes Service, and
 *   Consul CE keeps every Kubernetes namespace in one Consul namespace, so
 *   two services of one name in two namespaces are one Consul service.
 * - **Egress:** declared dependencies do not limit a pod's outbound calls
 *   (each callee admits only its declared callers); calls to hosts outside
 *   the mesh pass the transparent proxy.
 * - **Serverless functions:** refused (Knative gives a revision several
 *   Services; consul-k8s registers a transparent-proxied pod under one).
 *
 * @see https://developer.hashicorp.com/consul/docs/k8s/connect
 * @internal
 */
export class ConsulProvider implements IMeshProvider {
  public readonly name = 'consul';
  public readonly podMetadata: MeshPodMetadata = {
    labels: {},
    annotations: {
      [ConsulAnnotations.CONNECT_INJECT]: 'true',
      [ConsulAnnotations.TRANSPARENT_PROXY]: 'true',
    },
    revisionAnnotation: ConsulAnnotations.REVISION_META,
  };
  /** Nothing per namespace: consul-k8s injects by pod annotation. */
  public readonly namespaceMetadata: MeshPodMetadata = { labels: {}, annotations: {} };

  /** The routing tables, by service, for the callers' circuit breaking and the services' rate limits. */
  private readonly routes = new Map<IMicroservice, ServiceRoutes>();
  /** The apps (roots of construct trees) whose datacenter-wide defaults are written. */
  private readonly appsWithDefaults = new WeakSet<IConstruct>();
  /** The JWTProviders written, one per issuer of an app. */
  private readonly jwtProviders = new ConsulJwtProviders();

  constructor(private readonly props: ConsulProviderProps = {}) {}

  public checkProps(scope: IConstruct): void {
    checkProps(consulProviderPropsSchema, this.props, scope, { prefix: 'MeshProvider.consul props', name: 'MeshProvider.consul props' });
  }

  /** The datacenter-wide strict-mTLS defaults, with the app's first namespace. */
  public bindNamespace(scope: Construct, id: string, namespace: string): void {
    if (!this.appsWithDefaults.has(scope.node.root)) {
      this.appsWithDefaults.add(scope.node.root);
      new ConsulMeshDefaults(scope, id, { namespace });
    }
  }

  public bindService(scope: Construct, id: string, service: Microservice): IMeshServiceBinding {
    return new ConsulServiceSecurity(scope, id, {
      service,
      routesOf: (s) => this.routes.get(s),
      enterprise: this.props.enterprise ?? false,
    });
  }

  public bindRoutes(scope: Construct, id: string, routes: ServiceRoutes): IMeshRoutesBinding {
    this.routes.set(routes.service, routes);
    return new ConsulServiceRoutes(scope, id, routes, { enterprise: this.props.enterprise ?? false, jwtProviders: this.jwtProviders });
  }

  /** Refuses the function at synth: see consul-capabilities. */
  public bindFunction(scope: Construct, id: string, fn: MeshFunction): void {
    new Construct(scope, id).node.addValidation({ validate: () => [unsupportedFunction(fn)] });
  }
}
