/**
 * End-user authentication and rate limits at the edge, in Istio:
 * - `storefront` (Istio rendering): the public shop; `/search` is limited to
 *   50 requests a second per gateway proxy (bursts of 100), answered 429 above,
 *   and `/cart` keeps a shopper on one cart pod by a cookie;
 * - `partners` (Gateway API, `istio` class): the partner API; its HTTPS
 *   listener requires a token of the shop's identity provider on every
 *   request of every route;
 * - `resize`: a function in the mesh that validates the tokens itself, at its
 *   pods, and takes only those with the `images:write` scope (Knative's own
 *   calls on `/healthz` and `/metrics` need none).
 * Run: `node -r ts-node/register/transpile-only examples/edge-policies.ts`
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  EndUserAuthentication,
  Gateway,
  GatewayBackend,
  GatewayRendering,
  IngressPeer,
  ListenerProtocol,
  ListenerTls,
  Mesh,
  MeshProvider,
  Microservice,
  PathMatch,
  ServerlessFunction,
  synthApp,
} from '../lib';

const image = (name: string, digest: string) => `ghcr.io/immutable-infra/${name}@sha256:${digest.repeat(8)}`;

/** The shop's identity provider, as every part of the example accepts it. */
const SHOP_LOGIN: EndUserAuthentication = {
  issuers: [{ issuer: 'https://login.shop.example.com', jwksUri: 'https://login.shop.example.com/.well-known/jwks.json', audiences: ['shop-api'] }],
};

export class EdgePoliciesChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'edge-policies', ...props });
    const mesh = new Mesh(this, 'mesh', { provider: MeshProvider.istio() });
    const catalog = new Microservice(this, 'catalog', {
      image: image('catalog', '5e6f7081'),
      ports: [{ port: 80, containerPort: 8080 }],
      mesh,
      allowIngressFrom: [IngressPeer.namespace('edge-policies')], // the gateways' proxies
    });
    const cart = new Microservice(this, 'cart', {
      image: image('cart', '8192a3b4'),
      ports: [{ port: 80, containerPort: 8080 }],
      mesh,
      allowIngressFrom: [IngressPeer.namespace('edge-policies')],
    });
    const resize = new ServerlessFunction(this, 'resize', {
      image: image('resize', '6f708192'),
      mesh,
      authentication: { ...SHOP_LOGIN, require: [{ claims: [{ claim: 'scope', values: ['images:write'] }] }] },
    });

    const storefront = new Gateway(this, 'storefront', {
      rendering: GatewayRendering.istio(),
      listeners: { https: { protocol: ListenerProtocol.HTTPS, hostnames: ['shop.example.com'], tls: ListenerTls.fromSecret('shop-example-com-tls') } },
    });
    storefront.addRoute('search', {
      matches: [{ path: PathMatch.prefix('/search') }],
      backend: GatewayBackend.service(catalog),
      rateLimit: { requests: 50, interval: Duration.seconds(1), burst: 100 },
    });
    storefront.addRoute('cart', {
      matches: [{ path: PathMatch.prefix('/cart') }],
      backend: GatewayBackend.service(cart),
      sessionAffinity: { cookie: { name: 'cart-session', ttl: Duration.hours(2), path: '/cart' } },
    });
    storefront.addRoute('catalog', { backend: GatewayBackend.service(catalog) });

    const partners = new Gateway(this, 'partners', {
      rendering: GatewayRendering.gatewayApi({ gatewayClassName: 'istio' }),
      listeners: {
        https: {
          protocol: ListenerProtocol.HTTPS,
          hostnames: ['partners.example.com'],
          tls: ListenerTls.fromSecret('partners-example-com-tls'),
          authentication: SHOP_LOGIN,
        },
      },
    });
    partners.addRoute('resize', { matches: [{ path: PathMatch.prefix('/resize') }], backend: resize });
    partners.addRoute('catalog', { backend: GatewayBackend.service(catalog) });
  }
}

if (require.main === module) {
  const app = new App();
  new EdgePoliciesChart(app, 'edge-policies');
  synthApp(app);
}
