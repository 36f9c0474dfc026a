import { Construct } from 'constructs';
import { validateManifestsAtSynth } from '../core/synth-validation';
import { ValidationError } from '../core/validation-error';
import type { Microservice } from '../workload/microservice';
import { IMeshProvider, MeshPodMetadata } from './mesh-provider';

/** Props of {@link Mesh}. */
export interface MeshProps {
  /** The mesh implementation, e.g. `MeshProvider.istio()`. */
  readonly provider: IMeshProvider;
}

/**
 * A service mesh the stack's services join with the `mesh` prop of
 * `Microservice`. For each namespace it turns on strict mTLS and denies every
 * request by default; for each service it allows exactly the callers the
 * service graph declares (the services that list it in `dependencies`, plus
 * `allowIngressFrom`) and limits its egress to its declared dependencies.
 * Switching `provider` switches the mesh; the stack code stays the same.
 */
export class Mesh extends Construct {
  /** The implementation. */
  public readonly provider: IMeshProvider;
  private readonly namespaces = new Set<string>();
  private readonly members: Microservice[] = [];

  constructor(scope: Construct, id: string, props: MeshProps) {
    super(scope, id);
    this.provider = props.provider;
    validateManifestsAtSynth(this);
  }

  /** What the mesh adds to every pod of its services. */
  public get podMetadata(): MeshPodMetadata {
    return this.provider.podMetadata;
  }

  /**
   * Adds a service; `Microservice` calls this for its `mesh` prop.
   *
   * @throws ValidationError when the service is in the mesh already or has no namespace
   */
  public addService(service: Microservice): void {
    if (this.members.includes(service)) {
      throw new ValidationError(`${service.serviceName} joined mesh '${this.node.id}' twice; pass the mesh once`, service);
    }
    const namespace = service.namespace;
    if (namespace === undefined) {
      throw new ValidationError(
        `${service.serviceName} has no namespace, and mesh policies are per namespace; give its chart a namespace`,
        service,
      );
    }
    this.members.push(service);
    if (!this.namespaces.has(namespace)) {
      this.namespaces.add(namespace);
      this.provider.bindNamespace(this, `Namespace-${namespace}`, namespace);
    }
    this.provider.bindService(this, `${namespace}-${service.serviceName}`, service);
  }
}
