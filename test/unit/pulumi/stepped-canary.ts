import { App, Chart, Duration } from 'cdk8s';
import { CanaryRelease, Mesh, MeshProvider, Microservice, Monitoring, ServiceRoutes } from '../../../lib';
import { digestImage } from '../../fixtures';

/** Options of {@link steppedCanaryChart}. */
export interface SteppedCanaryOptions {
  readonly mesh?: 'istio' | 'linkerd';
  /** The canary's declared share. */
  readonly canaryPercent?: number;
  /** The seed of the canary's image digest: another seed, another canary revision. */
  readonly canarySeed?: string;
  /** Whether its step is analysed in Prometheus. */
  readonly analysed?: boolean;
  /** The canary route's timeout. */
  readonly timeout?: Duration;
}

/**
 * Namespace `shop`: `reviews` with a stable revision and a canary walked
 * through one 20% step (analysed unless told otherwise), and `ratings`
 * with a plain route and no canary.
 */
export function steppedCanaryChart(options: SteppedCanaryOptions = {}): Chart {
  const chart = new Chart(new App(), 'shop', { namespace: 'shop' });
  const mesh = new Mesh(chart, 'Mesh', { provider: options.mesh === 'linkerd' ? MeshProvider.linkerd() : MeshProvider.istio() });
  const port = [{ port: 80, containerPort: 8080 }];
  const reviews = new Microservice(chart, 'reviews', { image: digestImage('ghcr.io/acme/reviews', 'a'), ports: port, mesh, track: 'v1' });
  const ratings = new Microservice(chart, 'ratings', { image: digestImage('ghcr.io/acme/ratings', 'a'), ports: port, mesh });
  new Monitoring(chart, 'Monitoring', { scrapeIntervalSeconds: 5 }).observe(reviews);
  const routes = new ServiceRoutes(chart, 'ReviewsRoutes', { service: reviews });
  new ServiceRoutes(chart, 'RatingsRoutes', { service: ratings }).addRoute('all', { backends: [{ revision: ratings.revisions[0] }] });
  const canary = reviews.addRevision('v2', { image: digestImage('ghcr.io/acme/reviews', options.canarySeed ?? 'b') });
  new CanaryRelease(chart, 'Canary', {
    routes,
    stable: reviews.revisions[0],
    canary,
    canaryPercent: options.canaryPercent ?? 100,
    timeout: options.timeout,
    steps: [{
      percent: 20,
      pause: Duration.seconds(30),
      analysis: options.analysed === false
        ? undefined
        : { maxErrorPercentAboveStable: 1, interval: Duration.seconds(10), window: Duration.seconds(20) },
    }],
  });
  return chart;
}
