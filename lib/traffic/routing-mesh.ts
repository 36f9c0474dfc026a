import type { IServiceMesh } from '../workload/service-mesh';
import type { Route } from './route';
import type { ServiceRoutes } from './service-routes';
import type { TcpRoute } from './tcp-route';

/** A routing table's place in the mesh. */
export interface IMeshRoutesBinding {
  /** Called once for every route added to the table, in order, after it is validated. */
  addRoute(route: Route): void;
  /** Called once for every TCP route added to the table, in order, after it is validated. */
  addTcpRoute(route: TcpRoute): void;
}

/**
 * A service mesh that compiles routing tables (`Mesh` does); the traffic
 * layer names it by this interface so that it does not depend on the mesh layer.
 */
export interface IRoutingMesh extends IServiceMesh {
  /** Compiles a service's routing table; `ServiceRoutes` reports its routes to the binding returned. */
  addRoutes(routes: ServiceRoutes): IMeshRoutesBinding;
}

/** Whether a service's mesh compiles routing tables. */
export function isRoutingMesh(mesh: IServiceMesh): mesh is IRoutingMesh {
  return typeof (mesh as Partial<IRoutingMesh>).addRoutes === 'function';
}
