/**
 * Observability derived from the stack: one `Monitoring` observes a shop
 * whose services sit in an Istio mesh, a Linkerd mesh and no mesh at all.
 * Each gets a PodMonitor (every series labelled with its service and
 * revision), recording rules of its golden signals per service and per
 * revision, burn-rate alerts of its SLOs, and a Grafana dashboard; the app
 * gets one dashboard of all of them. The queries follow the metrics each
 * one has: Istio's istio_requests_total, Linkerd's request_total, or the
 * app's own http_requests_total. orders is traced and access-logged
 * through Istio's Telemetry.
 *
 *   Istio: orders (stable + canary) → payments, the function receipts
 *   Linkerd: search          no mesh: reports (its own /metrics)
 *
 * Run: `node -r ts-node/register/transpile-only examples/observed-shop.ts`
 */
import { App, Chart } from 'cdk8s';
import { Mesh, MeshProvider, Microservice, Monitoring, ServerlessFunction, synthApp } from '../lib';

const REGISTRY = 'ghcr.io/immutable-infra/observed-shop';
const digest = (seed: string) => `sha256:${seed.repeat(64 / seed.length)}`;

/** The charts of the observed shop and its monitoring. */
export interface ObservedShop {
  /** The Istio part (with the Monitoring), the Linkerd part, the part outside any mesh. */
  readonly charts: readonly Chart[];
  /** What observes it all, `undefined` for the shop built without it. */
  readonly monitoring: Monitoring | undefined;
}

/**
 * Builds the observed shop in `app`; with `observed: false`, the same shop
 * without observability (to show that observing it changes no revision).
 */
export function observedShop(app: App, options: { readonly observed?: boolean } = {}): ObservedShop {
  const shop = new Chart(app, 'observed-shop', { namespace: 'observed-shop' });
  const istio = new Mesh(shop, 'mesh', { provider: MeshProvider.istio() });
  const payments = new Microservice(shop, 'payments', { image: `${REGISTRY}/payments@${digest('1')}`, ports: [{ port: 8080 }], mesh: istio });
  const orders = new Microservice(shop, 'orders', {
    image: `${REGISTRY}/orders@${digest('2')}`,
    ports: [{ port: 8080 }],
    mesh: istio,
    dependencies: [payments],
  });
  orders.addRevision('canary', { image: `${REGISTRY}/orders@${digest('3')}`, replicas: 1 });
  const receipts = new ServerlessFunction(shop, 'receipts', { image: `${REGISTRY}/receipts@${digest('4')}`, mesh: istio });

  const search = new Chart(app, 'observed-shop-search', { namespace: 'observed-shop-search' });
  const linkerd = new Mesh(search, 'mesh', { provider: MeshProvider.linkerd() });
  const finder = new Microservice(search, 'search', { image: `${REGISTRY}/search@${digest('5')}`, ports: [{ port: 8080 }], mesh: linkerd });

  const batch = new Chart(app, 'observed-shop-batch', { namespace: 'observed-shop-batch' });
  const reports = new Microservice(batch, 'reports', {
    image: `${REGISTRY}/reports@${digest('6')}`,
    ports: [{ port: 8080 }, { name: 'http-metrics', port: 9102 }],
  });

  if (options.observed === false) {
    return { charts: [shop, search, batch], monitoring: undefined };
  }
  const monitoring = new Monitoring(shop, 'monitoring', {
    appName: 'shop',
    monitorLabels: { release: 'prometheus' },
    dashboardNamespace: 'monitoring',
  });
  monitoring.observe(orders, {
    slo: { availabilityPercent: 99.9, latency: { percent: 99, thresholdMilliseconds: 250 } },
    tracing: { provider: 'otel-tracing', samplingPercentage: 10 },
    accessLogProvider: 'envoy',
  });
  monitoring.observe(payments, { slo: { availabilityPercent: 99.95 } });
  monitoring.observe(receipts, { slo: { availabilityPercent: 99 } });
  monitoring.observe(finder, { slo: { latency: { percent: 95, thresholdMilliseconds: 100 } } });
  monitoring.observe(reports, {
    metricsPort: 'http-metrics',
    appMetrics: { requestsTotal: 'http_requests_total', errorMatcher: 'code=~"5.."', latencySeconds: 'http_request_duration_seconds' },
    slo: { availabilityPercent: 99.5, latency: { percent: 90, thresholdMilliseconds: 500 } },
  });
  return { charts: [shop, search, batch], monitoring };
}

if (require.main === module) {
  const app = new App();
  observedShop(app);
  synthApp(app);
}
