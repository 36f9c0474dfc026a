/** A Service of the cluster, as a host names it. */
export interface ClusterService {
  readonly name: string;
  readonly namespace: string;
}

const CLUSTER_HOST = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?$/;

/**
 * The Service a cluster host names: `orders.shop.svc.cluster.local` or
 * `orders.shop.svc` is Service `orders` in namespace `shop`.
 *
 * @returns `undefined` for any other host (a short name, an external host)
 */
export function clusterServiceOf(host: string): ClusterService | undefined {
  const match = CLUSTER_HOST.exec(host);
  return match === null ? undefined : { name: match[1], namespace: match[3] };
}
