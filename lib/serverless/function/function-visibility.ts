/**
 * Who can reach a function through Knative's ingress.
 *
 * @see https://knative.dev/docs/serving/services/private-services/
 */
export enum FunctionVisibility {
  /** Only from inside the cluster (`<function>.<namespace>.svc.cluster.local`), e.g. behind a Gateway. */
  CLUSTER_LOCAL = 'cluster-local',
  /** Also from outside, on the cluster's public domain, through Knative's external ingress. */
  PUBLIC = 'public',
}
