/**
 * What a gateway route can do, on `api.example.com` (HTTPS, certificate from
 * a namespaced cert-manager Issuer) and `grpc.example.com` (gRPC over TLS):
 *
 *   header routing   `x-beta: 1` on /catalog → the beta revision of catalog
 *   path rewrite     /catalog/… → catalog at /… (the prefix replaced), with a
 *                    5 s timeout and 10% of the requests mirrored to beta
 *   redirect         /search.php → 301 to /catalog/search
 *   external service /partner/… → api.partner.example.net, Host rewritten
 *   cross-namespace  /inventory/… → inventory in namespace `inventory`, which
 *                    gets the ReferenceGrant (Gateway API rendering)
 *   gRPC             shop.cart.v1.Cart → cart's `grpc` port
 *
 * Every feature here is expressed by both renderings. Retries are not: the
 * standard Gateway API has no retry field, so a route with retries is a
 * ValidationError there (Istio renders them).
 * Run: `node -r ts-node/register/transpile-only examples/gateway-routing.ts`
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CertificateIssuer,
  Gateway,
  GatewayBackend,
  HeaderMatch,
  IGatewayRendering,
  IngressPeer,
  ListenerProtocol,
  ListenerTls,
  Microservice,
  PathMatch,
  PathRewrite,
  synthApp,
} from '../lib';

/** The namespace of the gateway and of the services next to it. */
export const EDGE_NAMESPACE = 'edge-routing';
const REGISTRY = 'ghcr.io/immutable-infra';

/** A service in a namespace of its own, reached by the gateway across namespaces. */
export class InventoryChart extends Chart {
  /** The inventory service. */
  public readonly inventory: Microservice;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'inventory', ...props });
    this.inventory = new Microservice(this, 'inventory', {
      image: `${REGISTRY}/inventory@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae`,
      ports: [{ port: 80, containerPort: 8080 }],
      allowIngressFrom: [IngressPeer.namespace(EDGE_NAMESPACE)],
    });
  }
}

/** Props of {@link GatewayRoutingChart}. */
export interface GatewayRoutingChartProps extends ChartProps {
  /** The service in another namespace the gateway routes to. */
  readonly inventory: Microservice;
  /**
   * The API the gateway is rendered to, e.g. `GatewayRendering.istio()`.
   * @default GatewayRendering.gatewayApi()
   */
  readonly rendering?: IGatewayRendering;
}

/** The gateway with one route of each kind, and the services next to it. */
export class GatewayRoutingChart extends Chart {
  /** The gateway. */
  public readonly gateway: Gateway;

  constructor(scope: Construct, id: string, props: GatewayRoutingChartProps) {
    super(scope, id, { namespace: EDGE_NAMESPACE, ...props });
    // The gateway's proxies run in this namespace.
    const fromGateway = [IngressPeer.namespace(EDGE_NAMESPACE)];
    const catalog = new Microservice(this, 'catalog', {
      image: `${REGISTRY}/catalog@sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9`,
      ports: [{ port: 80, containerPort: 8080 }],
      allowIngressFrom: fromGateway,
    });
    const beta = catalog.addRevision('beta', { image: `${REGISTRY}/catalog@sha256:baa5a0964d3320fbc0c6a922140453c8513ea24ab8fd0577034804a967248096` });
    const cart = new Microservice(this, 'cart', {
      image: `${REGISTRY}/cart@sha256:3e47458a85a1707b2319731fe22cfdaee827b34a8176c3485932157d58a1285b`,
      ports: [{ name: 'grpc', port: 50051 }],
      allowIngressFrom: fromGateway,
    });

    const issuer = CertificateIssuer.issuer('api-ca');
    this.gateway = new Gateway(this, 'api', {
      rendering: props.rendering,
      listeners: {
        http: { protocol: ListenerProtocol.HTTP, hostnames: ['api.example.com'], redirectToHttps: true },
        https: { protocol: ListenerProtocol.HTTPS, hostnames: ['api.example.com'], tls: ListenerTls.fromCertManager(issuer) },
        grpc: { protocol: ListenerProtocol.GRPC, hostnames: ['grpc.example.com'], tls: ListenerTls.fromCertManager(issuer) },
      },
    });
    const toCatalogRoot = { path: PathRewrite.prefix('/') };
    this.gateway.addRoute('catalog-beta', {
      matches: [{ path: PathMatch.prefix('/catalog'), headers: [HeaderMatch.exact('x-beta', '1')] }],
      backend: GatewayBackend.revisions(catalog, [{ revision: beta }]),
      rewrite: toCatalogRoot,
      headers: { response: { set: { 'x-catalog-track': 'beta' } } },
    });
    this.gateway.addRoute('catalog', {
      matches: [{ path: PathMatch.prefix('/catalog') }],
      backend: GatewayBackend.service(catalog),
      rewrite: toCatalogRoot,
      timeout: Duration.seconds(5),
      mirror: { revision: beta, percentage: 10 },
    });
    this.gateway.addRoute('old-search', {
      matches: [{ path: PathMatch.exact('/search.php') }],
      redirect: { path: PathRewrite.full('/catalog/search'), statusCode: 301 },
    });
    this.gateway.addRoute('partner', {
      matches: [{ path: PathMatch.prefix('/partner') }],
      backend: GatewayBackend.external({ name: 'partner-api', hostname: 'api.partner.example.net' }),
      rewrite: { hostname: 'api.partner.example.net', path: PathRewrite.prefix('/v1') },
      headers: { request: { set: { 'x-forwarded-by': 'api-gateway' }, remove: ['cookie'] } },
    });
    this.gateway.addRoute('inventory', {
      matches: [{ path: PathMatch.prefix('/inventory'), method: 'GET' }],
      backend: GatewayBackend.service(props.inventory),
    });
    this.gateway.addGrpcRoute('cart', {
      matches: [{ service: 'shop.cart.v1.Cart' }],
      backend: GatewayBackend.service(cart),
    });
  }
}

if (require.main === module) {
  const app = new App();
  const { inventory } = new InventoryChart(app, 'inventory');
  new GatewayRoutingChart(app, 'gateway-routing', { inventory });
  synthApp(app);
}
