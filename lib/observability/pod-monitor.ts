import { LabelKeys } from '../core/labels';
import { SERIES_LABELS } from './promql';

/**
 * A scrape endpoint of a pod: a named container port and the path of its metrics.
 *
 * @internal
 */
export interface ScrapeEndpoint {
  /** The named container port; none where `targetRelabelings` choose the address. */
  readonly port?: string;
  /** The path of the metrics. */
  readonly path: string;
  /** Relabelings that choose the target (keep, address, path), before the service and revision labels. */
  readonly targetRelabelings?: readonly Record<string, unknown>[];
}

/** The Prometheus label a pod annotation becomes in pod service discovery. */
function podAnnotationMeta(key: string): string {
  return `__meta_kubernetes_pod_annotation_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/**
 * The merged metrics endpoint of Consul's sidecar (consul-dataplane, whose
 * Envoy serves its own and the app's metrics), which declares no container
 * port: consul-k8s annotates a pod with `prometheus.io/scrape`, `/port` and
 * `/path` when its metrics are on (Helm `global.metrics.enabled`, or
 * `connectInject.metrics.defaultEnabled`; port 20200, path /metrics by
 * default), and these relabelings keep the sidecar's one target of such a
 * pod and point it at that port and path.
 *
 * @see https://developer.hashicorp.com/consul/docs/observe/telemetry/k8s
 */
const CONSUL_DATAPLANE_ENDPOINT: ScrapeEndpoint = {
  path: '/metrics',
  targetRelabelings: [
    { action: 'keep', sourceLabels: ['__meta_kubernetes_pod_container_name'], regex: 'consul-dataplane' },
    { action: 'keep', sourceLabels: [podAnnotationMeta('prometheus.io/scrape')], regex: 'true' },
    {
      action: 'replace',
      sourceLabels: ['__meta_kubernetes_pod_ip', podAnnotationMeta('prometheus.io/port')],
      regex: '(.+);(\\d+)',
      replacement: '$1:$2',
      targetLabel: '__address__',
    },
    { action: 'replace', sourceLabels: [podAnnotationMeta('prometheus.io/path')], regex: '(.+)', targetLabel: '__metrics_path__' },
  ],
};

/**
 * The metrics endpoint of each mesh's proxy, which carries the golden signals in a mesh.
 *
 * @internal
 */
export const MESH_PROXY_ENDPOINTS: Readonly<Record<string, ScrapeEndpoint>> = {
  // the istio-proxy container's Envoy stats port (15090)
  istio: { port: 'http-envoy-prom', path: '/stats/prometheus' },
  // the linkerd-proxy container's admin port (4191)
  linkerd: { port: 'linkerd-admin', path: '/metrics' },
  consul: CONSUL_DATAPLANE_ENDPOINT,
};

/** The Prometheus label a Kubernetes pod label becomes in pod service discovery. */
function podLabelMeta(key: string): string {
  return `__meta_kubernetes_pod_label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/**
 * The `spec` of a PodMonitor of one workload: every pod of every revision
 * (selected by the service's labels, so revisions kept for a rollback are
 * scraped too), each series labelled with the pod's service and revision.
 *
 * @internal
 */
export function podMonitorSpec(
  podSelector: Readonly<Record<string, string>>,
  endpoints: readonly ScrapeEndpoint[],
  intervalSeconds: number,
): Record<string, unknown> {
  const relabelings = [
    { action: 'replace', sourceLabels: [podLabelMeta(LabelKeys.NAME)], targetLabel: SERIES_LABELS.SERVICE },
    { action: 'replace', sourceLabels: [podLabelMeta(LabelKeys.REVISION)], targetLabel: SERIES_LABELS.REVISION },
  ];
  return {
    selector: { matchLabels: { ...podSelector } },
    podMetricsEndpoints: endpoints.map((e) => ({
      port: e.port,
      path: e.path,
      interval: `${intervalSeconds}s`,
      relabelings: [...(e.targetRelabelings ?? []), ...relabelings],
    })),
  };
}
