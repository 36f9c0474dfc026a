import { LabelKeys } from '../core/labels';
import { SERIES_LABELS } from './promql';

/**
 * A scrape endpoint of a pod: a named container port and the path of its metrics.
 *
 * @internal
 */
export interface ScrapeEndpoint {
  readonly port: string;
  readonly path: string;
}

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
      relabelings,
    })),
  };
}
