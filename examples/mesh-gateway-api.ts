/**
 * Istio reading the mesh's routing tables as Gateway API routes (GAMMA), the
 * form Linkerd reads too: `MeshProvider.istio({ routes: 'gateway-api' })`.
 *
 *   storefront → reviews (HTTP), reviews-db (Postgres, TCP)
 *
 * reviews runs v1 and v2: the tester (header `end-user: jason`) reaches v2,
 * everyone else is split 90/10. reviews-db runs its current revision and a
 * new one taking a tenth of the new connections. Each table becomes an
 * HTTPRoute or a TCPRoute attached to the stable Service, whose backends are
 * per-revision Services; no DestinationRule, no VirtualService. The standard
 * HTTPRoute has no retry field, so Istio retries every route by its defaults:
 * each route says so with `retries: MESH_DEFAULT_RETRIES`.
 * Run: `node -r ts-node/register/transpile-only examples/mesh-gateway-api.ts`
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { HeaderMatch, Mesh, MESH_DEFAULT_RETRIES, MeshProvider, Microservice, Probe, ServiceRoutes, synthApp } from '../lib';

const REGISTRY = 'ghcr.io/immutable-infra/bookstore';
const image = (name: string, digest: string) => `${REGISTRY}/${name}@sha256:${digest.repeat(64 / digest.length)}`;

export class MeshGatewayApiChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'bookstore', ...props });
    const mesh = new Mesh(this, 'Mesh', { provider: MeshProvider.istio({ routes: 'gateway-api' }) });
    const http = [{ name: 'http', port: 80, containerPort: 8080 }];

    const reviews = new Microservice(this, 'reviews', { image: image('reviews', 'a1b2c3d4'), ports: http, mesh });
    const reviewsV2 = reviews.addRevision('v2', { image: image('reviews', 'b2c3d4e5') });
    const reviewsDb = new Microservice(this, 'reviews-db', {
      image: image('reviews-db', 'c3d4e5f6'),
      ports: [{ name: 'tcp-postgres', port: 5432 }],
      readiness: Probe.tcp({ port: 'tcp-postgres' }),
      mesh,
    });
    const reviewsDbNext = reviewsDb.addRevision('next', { image: image('reviews-db', 'd4e5f607') });
    new Microservice(this, 'storefront', {
      image: image('storefront', 'e5f60718'),
      ports: http,
      mesh,
      dependencies: [reviews, reviewsDb],
    });

    const routes = new ServiceRoutes(this, 'reviews-routes', { service: reviews });
    routes.addRoute('tester', {
      matches: [{ headers: [HeaderMatch.exact('end-user', 'jason')] }],
      backends: [{ revision: reviewsV2 }],
      retries: MESH_DEFAULT_RETRIES,
    });
    routes.addRoute('default', {
      backends: [{ revision: reviews.revisions[0], weight: 90 }, { revision: reviewsV2, weight: 10 }],
      retries: MESH_DEFAULT_RETRIES,
      timeout: Duration.seconds(5),
    });

    new ServiceRoutes(this, 'reviews-db-routes', { service: reviewsDb })
      .addTcpRoute('postgres', { backends: [{ revision: reviewsDb.revisions[0], weight: 9 }, { revision: reviewsDbNext, weight: 1 }] });
  }
}

if (require.main === module) {
  const app = new App();
  new MeshGatewayApiChart(app, 'mesh-gateway-api');
  synthApp(app);
}
