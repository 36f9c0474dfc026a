/**
 * The release both canary-analysis tests walk (`deploy` in
 * canary-analysis.test.ts, `pulumi up` in pulumi-canary.test.ts): `reviews`
 * in an Istio mesh, observed by `Monitoring`, alone or with a canary walked
 * through one analysed 20% step to 100%; and the metrics the analysis reads,
 * from a local exporter standing in for the sidecars, scraped by the real
 * Prometheus.
 */
import { Chart, Duration, JsonPatch } from 'cdk8s';
import { CanaryRelease, Mesh, MeshProvider, Microservice, Monitoring, ServiceRoutes } from '../../lib';
import { L1 } from '../../lib/internal';
import { digestImage } from '../fixtures';
import { IstioMetricsExporter, RevisionBehaviour } from './istio-metrics-exporter';
import { PrometheusServer } from './prometheus-server';

/** A revision serving 20 requests a second, none failing. */
export const HEALTHY: RevisionBehaviour = { requestsPerSecond: 20, errorFraction: 0, latencyMs: 20 };
/** Each track's image digest. */
const IMAGES = { v1: digestImage('ghcr.io/acme/reviews', 'a'), v2: digestImage('ghcr.io/acme/reviews', 'b'), v3: digestImage('ghcr.io/acme/reviews', 'c') };

/** How the canary's one step is held and judged. */
export interface AnalysedStep {
  readonly pauseSeconds: number;
  /**
   * The latency margin, in milliseconds.
   * @default - latency not compared
   */
  readonly maxLatencyMsAboveStable?: number;
}

/**
 * Adds the release to `chart` (its namespace, `reviews` and its routes):
 * `stable` alone, or with `canary` walked through `step`. Returns each
 * track's revision id.
 */
export function addReviewsRelease(chart: Chart, stable: 'v1' | 'v2', canary: 'v2' | 'v3' | undefined, step: AnalysedStep): Record<string, string> {
  const revisions: Record<string, string> = {};
  const namespace = new L1.Namespace(chart, 'Namespace', { metadata: { name: chart.namespace } });
  namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  const mesh = new Mesh(chart, 'Mesh', { provider: MeshProvider.istio() });
  const reviews = new Microservice(chart, 'reviews', { image: IMAGES[stable], ports: [{ port: 80, containerPort: 8080 }], mesh, track: stable });
  new Monitoring(chart, 'Monitoring', { scrapeIntervalSeconds: 1 }).observe(reviews);
  const routes = new ServiceRoutes(chart, 'Routes', { service: reviews });
  revisions[stable] = reviews.revisions[0].revisionId;
  if (canary === undefined) {
    routes.addRoute('canary', { backends: [{ revision: reviews.revisions[0] }] });
    return revisions;
  }
  const next = reviews.addRevision(canary, { image: IMAGES[canary] });
  revisions[canary] = next.revisionId;
  new CanaryRelease(chart, 'Canary', {
    routes, stable: reviews.revisions[0], canary: next, canaryPercent: 100,
    steps: [{
      percent: 20,
      pause: Duration.seconds(step.pauseSeconds),
      analysis: {
        maxErrorPercentAboveStable: 5, minRequests: 10, interval: Duration.seconds(2), window: Duration.seconds(5),
        ...(step.maxLatencyMsAboveStable === undefined ? {} : { maxLatencyMsAboveStable: step.maxLatencyMsAboveStable }),
      },
    }],
  });
  return revisions;
}

/**
 * Starts an exporter reporting every revision of `ids` (track → revision id)
 * healthy, and Prometheus scraping each with the labels the library's
 * PodMonitor gives its series; resolves once every revision was scraped twice.
 */
export async function scrapedReviews(
  namespace: string,
  ids: Record<string, string>,
): Promise<{ exporter: IstioMetricsExporter; prometheus: PrometheusServer }> {
  const exporter = await IstioMetricsExporter.start('reviews', namespace);
  for (const id of Object.values(ids)) {
    exporter.set(id, HEALTHY);
  }
  const prometheus = await PrometheusServer.start(Object.entries(ids).map(([track, id]) => ({
    name: `reviews-${track}`,
    target: exporter.address,
    metricsPath: `/metrics/${id}`,
    labels: { namespace, service: 'reviews', revision: id },
  })));
  const revisions = Object.keys(ids).length;
  await prometheus.waitFor(async () => (await prometheus.values('sum by (revision) (rate(istio_requests_total[5s]))')).length === revisions, 'to scrape every revision twice');
  return { exporter, prometheus };
}
