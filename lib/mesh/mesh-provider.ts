import { Construct, IConstruct } from 'constructs';
import type { ResolvedEndUserAuthentication } from '../traffic/end-user-auth';
import type { IMeshRoutesBinding } from '../traffic/routing-mesh';
import type { ServiceRoutes } from '../traffic/service-routes';
import type { Microservice } from '../workload/microservice';
import type { MeshPodMetadata } from '../workload/service-mesh';
import { ConsulProvider, ConsulProviderProps } from './consul/consul-provider';
import { IstioProvider, IstioProviderProps } from './istio/istio-provider';
import { LinkerdProvider, LinkerdProviderProps } from './linkerd/linkerd-provider';

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
  /** Labels and annotations for the namespaces of the mesh (injection, default policy). */
  readonly namespaceMetadata: MeshPodMetadata;
  /** Emits the objects one namespace of the mesh needs (mTLS, default deny). */
  bindNamespace(scope: Construct, id: string, namespace: string): void;
  /**
   * Emits the objects one service of the mesh needs (authorization, egress)
   * and returns what must hear of the service's callers as they are declared.
   */
  bindService(scope: Construct, id: string, service: Microservice): IMeshServiceBinding;
  /**
   * Compiles a service's routing table into the mesh's routing objects and
   * returns what must hear of its routes as they are added.
   */
  bindRoutes(scope: Construct, id: string, routes: ServiceRoutes): IMeshRoutesBinding;
  /**
   * Emits what one serverless function in the mesh needs: admission of the
   * workloads that deliver its requests (Knative's activator, autoscaler and
   * ingress), everything else denied.
   */
  bindFunction(scope: Construct, id: string, fn: MeshFunction): void;
  /**
   * Checks the props the provider was made with, once a Mesh takes it (a
   * factory has no construct to name).
   *
   * @throws ValidationError naming `scope` for a prop of the wrong type or an unknown one
   */
  checkProps?(scope: IConstruct): void;
}

/** A serverless function in the mesh, as the mesh sees it. */
export interface MeshFunction {
  /** The function's name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /** Labels of the objects made for it. */
  readonly labels: Readonly<Record<string, string>>;
  /** Labels that select every pod of the function, all revisions. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The namespaces whose workloads call the pods: Knative's own and its ingress. */
  readonly callerNamespaces: readonly string[];
  /** The pod ports they call (Knative's queue-proxy). */
  readonly ports: readonly number[];
  /** The queue-proxy port the function's requests arrive on (one of `ports`). */
  readonly requestPort: number;
  /**
   * End-user (JWT) authentication of the function's requests.
   * @default - none
   */
  readonly authentication?: ResolvedEndUserAuthentication;
}

/** A service's place in the mesh. */
export interface IMeshServiceBinding {
  /** Called once for every service that declares it calls this one, in order. */
  addCaller(caller: Microservice): void;
}

/** The mesh implementations. */
export class MeshProvider {
  /** Istio with sidecars: strict mTLS, deny-by-default authorization, Sidecar egress. */
  public static istio(props: IstioProviderProps = {}): IMeshProvider {
    return new IstioProvider(props);
  }

  /** Linkerd: deny-by-default Servers, authorization by mTLS identity, HTTPRoutes for routing tables. */
  public static linkerd(props: LinkerdProviderProps = {}): IMeshProvider {
    return new LinkerdProvider(props);
  }

  /** Consul (consul-k8s): strict mTLS, deny-by-default intentions, ServiceResolver/Router/Splitter for routing tables. */
  public static consul(props: ConsulProviderProps = {}): IMeshProvider {
    return new ConsulProvider(props);
  }

  private constructor() {}
}
