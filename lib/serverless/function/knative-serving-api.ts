/**
 * The Knative Serving API names the function constructs write, in one place
 * so the constructs and their tests agree.
 *
 * @see https://knative.dev/docs/serving/
 * @see https://knative.dev/docs/serving/autoscaling/
 * @internal
 */
export const KnativeServingApi = {
  /** The API version of `Service`. */
  V1: 'serving.knative.dev/v1',
  /** On every pod of a Knative Service: its name. */
  SERVICE_LABEL: 'serving.knative.dev/service',
  /** On a Knative Service: `cluster-local` keeps it off the public ingress. */
  VISIBILITY_LABEL: 'networking.knative.dev/visibility',
  /** Revision annotation: fewest pods (0 lets the revision scale to zero). */
  MIN_SCALE: 'autoscaling.knative.dev/min-scale',
  /** Revision annotation: most pods. */
  MAX_SCALE: 'autoscaling.knative.dev/max-scale',
  /** Revision annotation: the metric scaled on, `concurrency` or `rps`. */
  METRIC: 'autoscaling.knative.dev/metric',
  /** Revision annotation: the soft per-pod target of that metric. */
  TARGET: 'autoscaling.knative.dev/target',
  /** Revision annotation: how long demand must stay low before pods are removed. */
  SCALE_DOWN_DELAY: 'autoscaling.knative.dev/scale-down-delay',
  /** The port of a Knative Service's placeholder Kubernetes Service. */
  SERVICE_PORT: 80,
  /** Longest request timeout Knative admits by default (`max-revision-timeout-seconds`). */
  MAX_TIMEOUT_SECONDS: 600,
  /** Highest hard concurrency limit Knative admits by default (`container-concurrency-max-limit`). */
  MAX_CONTAINER_CONCURRENCY: 1000,
  /** Longest scale-down delay Knative admits. */
  MAX_SCALE_DOWN_DELAY_SECONDS: 3600,
} as const;

/**
 * The ports of Knative's queue-proxy, the sidecar every revision pod gets,
 * that other workloads call: requests (HTTP/1 or h2c) and the autoscaler's
 * metrics scrape.
 *
 * @see https://knative.dev/docs/serving/architecture/
 * @internal
 */
export const QueueProxyPorts = {
  HTTP1: 8012,
  H2C: 8013,
  METRICS: 9090,
} as const;
