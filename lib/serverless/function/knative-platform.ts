/**
 * Where Knative runs in the cluster: the namespaces whose workloads call a
 * function's pods (the activator and autoscaler; the ingress), which its
 * NetworkPolicy and mesh authorization admit.
 */
export interface KnativePlatformProps {
  /**
   * The namespace of Knative Serving's activator and autoscaler.
   * @default 'knative-serving'
   */
  readonly servingNamespace?: string;
  /**
   * The namespace of the ingress Knative is installed with (Kourier's, or
   * Istio's gateways for net-istio).
   * @default - 'istio-system' for a function in an Istio mesh, else 'kourier-system'
   */
  readonly ingressNamespace?: string;
}
