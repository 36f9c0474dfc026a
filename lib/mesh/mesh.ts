import { Construct, IConstruct } from 'constructs';
import { checkProps } from '../core/prop-schema';
import { validateManifestsAtSynth } from '../core/synth-validation';
import { ValidationError } from '../core/validation-error';
import type { IMeshRoutesBinding, IRoutingMesh } from '../traffic/routing-mesh';
import type { ServiceRoutes } from '../traffic/service-routes';
import type { Microservice } from '../workload/microservice';
import type { MeshPodMetadata } from '../workload/service-mesh';
import { IMeshProvider, IMeshServiceBinding, MeshFunction } from './mesh-provider';
import { meshPropsSchema } from './mesh-schemas';

/** The mesh that holds each namespace, per app (by the root of the construct tree). */
const NAMESPACE_MESHES = new WeakMap<IConstruct, Map<string, Mesh>>();

/** Props of {@link Mesh}. */
export interface MeshProps {
  /** The mesh implementation, e.g. `MeshProvider.istio()`. */
  readonly provider: IMeshProvider;
}

/**
 * A service mesh the stack's services join with the `mesh` prop of
 * `Microservice`. Calls between its services are mutually authenticated, and
 * each service admits exactly the callers the service graph declares (the
 * services that list it in `dependencies`, plus `allowIngressFrom`); every
 * other call is denied. Where the mesh can, egress is limited to the declared
 * dependencies and external hosts (Istio; Linkerd has no egress control).
 * A service's `ServiceRoutes` is compiled into the mesh's routing objects.
 * Switching `provider` switches the mesh; the stack code stays the same.
 */
export class Mesh extends Construct implements IRoutingMesh {
  /** The implementation. */
  public readonly provider: IMeshProvider;
  private readonly namespaces = new Set<string>();
  private readonly bindings = new Map<Microservice, IMeshServiceBinding>();
  private readonly routedServices = new Set<Microservice>();

  constructor(scope: Construct, id: string, props: MeshProps) {
    super(scope, id);
    checkProps(meshPropsSchema, props, this, { name: 'Mesh props' });
    this.provider = props.provider;
    this.provider.checkProps?.(this);
    validateManifestsAtSynth(this);
  }

  /** What the mesh adds to every pod of its services. */
  public get podMetadata(): MeshPodMetadata {
    return this.provider.podMetadata;
  }

  /**
   * What the mesh's namespaces should carry (Istio: `istio-injection:
   * enabled`; Linkerd: injection and the deny default). Put it on the
   * Namespace objects you declare; pods carry their own injection metadata
   * either way, for namespaces the stack does not own.
   */
  public get namespaceMetadata(): MeshPodMetadata {
    return this.provider.namespaceMetadata;
  }

  /**
   * Adds a service; `Microservice` calls this for its `mesh` prop.
   *
   * @throws ValidationError when the service is in the mesh already or has no namespace
   */
  public addService(service: Microservice): void {
    if (this.bindings.has(service)) {
      throw new ValidationError(`${service.serviceName} joined mesh '${this.node.id}' twice; pass the mesh once`, service);
    }
    const namespace = service.namespace;
    if (namespace === undefined) {
      throw new ValidationError(
        `${service.serviceName} has no namespace, and mesh policies are per namespace; give its chart a namespace`,
        service,
      );
    }
    this.joinNamespace(namespace, service.serviceName, service);
    this.bindings.set(service, this.provider.bindService(this, `${namespace}-${service.serviceName}`, service));
  }

  /**
   * Adds a serverless function; `ServerlessFunction` calls this for its
   * `mesh` prop.
   *
   * @param scope the function, which errors name
   * @throws ValidationError when a function of that name is in the namespace's mesh already
   */
  public addFunction(fn: MeshFunction, scope: IConstruct): void {
    const id = `${fn.namespace}-function-${fn.name}`;
    if (this.node.tryFindChild(id) !== undefined) {
      throw new ValidationError(`function ${fn.name} joined mesh '${this.node.id}' twice; pass the mesh once`, scope);
    }
    this.joinNamespace(fn.namespace, `function ${fn.name}`, scope);
    this.provider.bindFunction(this, id, fn);
  }

  /**
   * Tells the mesh that `caller` calls `service`; `Microservice.addDependency`
   * calls this.
   *
   * @throws ValidationError when the caller is outside the mesh (strict mTLS would refuse its calls)
   */
  public addCaller(service: Microservice, caller: Microservice): void {
    const binding = this.bindings.get(service);
    if (binding === undefined) {
      throw new ValidationError(`${service.serviceName} is not in mesh '${this.node.id}'; give it the mesh prop before declaring callers`, caller);
    }
    if (caller.mesh !== this) {
      throw new ValidationError(
        `${caller.serviceName} calls ${service.serviceName}, which is in mesh '${this.node.id}' with strict mTLS, ` +
          `but ${caller.serviceName} is not in that mesh, so its calls would be refused; give ${caller.serviceName} the same mesh prop`,
        caller,
      );
    }
    binding.addCaller(caller);
  }

  /**
   * Compiles a service's routing table; `ServiceRoutes` calls this and
   * reports its routes to the binding returned.
   *
   * @throws ValidationError when the service is not in this mesh or already has a routing table
   */
  public addRoutes(routes: ServiceRoutes): IMeshRoutesBinding {
    const { service } = routes;
    if (!this.bindings.has(service)) {
      throw new ValidationError(`${service.serviceName} is not in mesh '${this.node.id}'; give it the mesh prop`, routes);
    }
    if (this.routedServices.has(service)) {
      throw new ValidationError(`${service.serviceName} already has a routing table; add all its routes to one ServiceRoutes`, routes);
    }
    this.routedServices.add(service);
    return this.provider.bindRoutes(routes, 'Mesh', routes);
  }

  /**
   * Emits the namespace's baseline (mTLS, default deny) once.
   *
   * @param member names what joins in errors, e.g. 'orders' or 'function resize'
   * @param scope the construct that joins, which errors name
   * @throws ValidationError when another mesh of the app holds the namespace
   */
  private joinNamespace(namespace: string, member: string, scope: IConstruct): void {
    let holders = NAMESPACE_MESHES.get(this.node.root);
    if (holders === undefined) {
      holders = new Map();
      NAMESPACE_MESHES.set(this.node.root, holders);
    }
    const holder = holders.get(namespace);
    if (holder !== undefined && holder !== this) {
      throw new ValidationError(
        `${member} would put namespace '${namespace}' in mesh '${this.node.path}', but it is in mesh '${holder.node.path}' already, ` +
          `and a namespace has one mesh (one mTLS mode and default policy); give ${member} the mesh '${holder.node.path}', or another namespace`,
        scope,
      );
    }
    holders.set(namespace, this);
    if (!this.namespaces.has(namespace)) {
      this.namespaces.add(namespace);
      this.provider.bindNamespace(this, `Namespace-${namespace}`, namespace);
    }
  }
}
