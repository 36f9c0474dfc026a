/**
 * A bookstore in a Consul service mesh (consul-k8s), written exactly as it
 * would be for Istio or Linkerd: only the `provider` differs.
 *
 *   storefront → catalog (v1 stable, v2 canary), cart;  catalog → books-db
 *
 * Consul gets: the injection annotations on every pod (part of the revision
 * id) and each pod's revision id as Consul service metadata; strict mTLS for
 * the datacenter (ProxyDefaults, Mesh); a ServiceIntentions per service that
 * allows its declared callers and denies everyone else; catalog's routing
 * table as a ServiceResolver (a subset per revision), a ServiceRouter (the
 * testers' header route, timeouts, retries) and a ServiceSplitter (90/10),
 * the testers' own 80/20 split through the split service
 * `catalog-split-testers`; cart's session affinity as the resolver's
 * ring-hash load balancer, and its end-user tokens as a JWTProvider for the
 * bookstore's issuer and permissions in cart's ServiceIntentions (every
 * request needs a token, a checkout a member's); the database's TCP route as
 * its resolver's default subset; catalog's circuit breaker in storefront's
 * ServiceDefaults (Consul breaks circuits on the caller's side). What Consul
 * cannot express (faults, mirrors, slow start, claims copied into headers;
 * rate limits and locality failover outside Consul Enterprise) is refused at
 * synth.
 * Run: `node -r ts-node/register/transpile-only examples/consul-mesh.ts`
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { HeaderMatch, IngressPeer, Mesh, MeshProvider, Microservice, PathMatch, RetryOn, ServiceRoutes, synthApp } from '../lib';

const REGISTRY = 'ghcr.io/immutable-infra/bookstore';
const DIGESTS = {
  storefront: '0c1f2e3d4c5b6a798877665544332211ffeeddccbbaa99887766554433221100',
  catalogV1: '1d2e3f405162738495a6b7c8d9e0f1021324354657687980a1b2c3d4e5f60718',
  catalogV2: '2e3f405162738495a6b7c8d9e0f102132435465768798a0b1c2d3e4f5061728a',
  cart: '3f405162738495a6b7c8d9e0f1021324354657687980a1b2c3d4e5f60718293a',
  books: '405162738495a6b7c8d9e0f1021324354657687980a1b2c3d4e5f60718293a4b',
};

/** The bookstore in a Consul mesh. */
export class ConsulMeshChart extends Chart {
  /** The services by name. */
  public readonly services: Readonly<Record<'storefront' | 'catalog' | 'cart' | 'booksDb', Microservice>>;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'bookstore', ...props });
    const mesh = new Mesh(this, 'Mesh', { provider: MeshProvider.consul() });
    const image = (name: keyof typeof DIGESTS) => `${REGISTRY}/${name.replace(/V\d$/, '')}@sha256:${DIGESTS[name]}`;
    // Consul takes a service's protocol from its one port's name: 'http' is HTTP, 'tcp-…' is TCP.
    const http = { ports: [{ name: 'http', port: 80, containerPort: 8080 }], mesh, partOf: 'bookstore' };

    const booksDb = new Microservice(this, 'books-db', { image: image('books'), ports: [{ name: 'tcp-postgres', port: 5432 }], mesh, partOf: 'bookstore' });
    const catalog = new Microservice(this, 'catalog', { ...http, image: image('catalogV1'), track: 'v1', replicas: 2, dependencies: [booksDb] });
    const v2 = catalog.addRevision('v2', { image: image('catalogV2'), replicas: 1 });
    const cart = new Microservice(this, 'cart', { ...http, image: image('cart'), replicas: 2 });
    const storefront = new Microservice(this, 'storefront', {
      ...http,
      image: image('storefront'),
      dependencies: [catalog, cart],
      allowIngressFrom: [IngressPeer.anywhere()],
    });
    this.services = { storefront, catalog, cart, booksDb };

    const catalogRoutes = new ServiceRoutes(this, 'CatalogRoutes', {
      service: catalog,
      circuitBreaker: {
        maxConnections: 200,
        maxPendingRequests: 50,
        outlierDetection: { consecutiveErrors: 5, baseEjectionTime: Duration.seconds(30) },
      },
    });
    const retries = { attempts: 2, retryOn: [RetryOn.CONNECT_FAILURE, RetryOn.GATEWAY_ERROR] };
    catalogRoutes.addRoute('testers', {
      matches: [{ headers: [HeaderMatch.exact('x-tester', 'yes')] }],
      backends: [{ revision: v2, weight: 80 }, { revision: catalog.revisions[0], weight: 20 }],
      timeout: Duration.seconds(5),
      retries,
    });
    catalogRoutes.addRoute('default', {
      backends: [{ revision: catalog.revisions[0], weight: 90 }, { revision: v2, weight: 10 }],
      timeout: Duration.seconds(3),
      retries,
      headers: { response: { set: { 'cache-control': 'no-store' } } },
    });

    new ServiceRoutes(this, 'CartRoutes', {
      service: cart,
      loadBalancing: { sessionAffinity: { cookie: { name: 'cart-session', ttl: Duration.hours(2), path: '/' } } },
      // the storefront forwards the shopper's token: every request needs one, a checkout a member's
      authentication: {
        issuers: [{ issuer: 'https://auth.bookstore.example.com', jwksUri: 'https://auth.bookstore.example.com/.well-known/jwks.json', audiences: ['bookstore'] }],
        require: [{}, { paths: [PathMatch.prefix('/checkout')], methods: ['POST'], claims: [{ claim: 'plan', values: ['member', 'premium'] }] }],
      },
    });
    new ServiceRoutes(this, 'BooksDbRoutes', { service: booksDb }).addTcpRoute('postgres', { backends: [{ revision: booksDb.revisions[0] }] });
  }
}

if (require.main === module) {
  const app = new App();
  new ConsulMeshChart(app, 'consul-mesh');
  synthApp(app);
}
