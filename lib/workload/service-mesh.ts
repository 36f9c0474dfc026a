import type { Microservice } from './microservice';

/** Labels and annotations a mesh needs on an object (a pod, a namespace). */
export interface MeshPodMetadata {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /**
   * A pod annotation whose value is the pod's revision id, for a mesh that
   * tells revisions apart by annotation (Consul reads service metadata from
   * `consul.hashicorp.com/service-meta-<key>`). Like the revision label, it is
   * derived from the revision id, so it is not part of it.
   * @default - none
   */
  readonly revisionAnnotation?: string;
}

/**
 * A service mesh as the services in it see it: the `mesh` prop of
 * `Microservice`. `Mesh` is the one to use; the workload layer names it by
 * this interface so that it does not depend on the mesh layer.
 */
export interface IServiceMesh {
  /** What the mesh adds to every pod of its services. */
  readonly podMetadata: MeshPodMetadata;
  /** Adds a service; `Microservice` calls this for its `mesh` prop. */
  addService(service: Microservice): void;
  /** Tells the mesh that `caller` calls `service`; `Microservice.addDependency` calls this. */
  addCaller(service: Microservice, caller: Microservice): void;
}
