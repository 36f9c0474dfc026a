/**
 * The reference shop behind one HTTPS gateway in its own namespace:
 *
 *   https://shop.example.com/api/orders… → orders (signed-in customers: a JWT of the shop's issuer)
 *   https://shop.example.com/api/cart…   → cart
 *   https://shop.example.com/…           → frontend
 *   http://shop.example.com/…            → 301 to https://
 *
 * The certificate comes from cert-manager (ClusterIssuer `letsencrypt`). The
 * routes live in the gateway's namespace, so the shop's namespace gets the
 * ReferenceGrant they need (Gateway API rendering), and orders and cart admit
 * the gateway's proxies (`gatewayNamespace`). `rendering` switches between
 * the Gateway API and Istio; the stack code stays the same.
 * Run: `node -r ts-node/register/transpile-only examples/gateway-shop.ts`
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CertificateIssuer,
  Gateway,
  GatewayBackend,
  IGatewayRendering,
  ListenerProtocol,
  ListenerTls,
  PathMatch,
  synthApp,
} from '../lib';
import { ShopChart } from '../stacks/shop/shop-chart';

/** The namespace of the shop's gateway. */
export const SHOP_EDGE_NAMESPACE = 'shop-edge';

/** Props of {@link ShopGatewayChart}. */
export interface ShopGatewayChartProps extends ChartProps {
  /** The shop the gateway fronts, made with `gatewayNamespace` set to this chart's namespace. */
  readonly shop: ShopChart;
  /**
   * The API the gateway is rendered to, e.g. `GatewayRendering.istio()`.
   * @default GatewayRendering.gatewayApi()
   */
  readonly rendering?: IGatewayRendering;
}

/** The shop's edge: one gateway for `shop.example.com`. */
export class ShopGatewayChart extends Chart {
  /** The gateway. */
  public readonly gateway: Gateway;

  constructor(scope: Construct, id: string, props: ShopGatewayChartProps) {
    super(scope, id, { namespace: SHOP_EDGE_NAMESPACE, ...props });
    const { frontend, orders, cart } = props.shop.services;
    const hostnames = ['shop.example.com'];
    this.gateway = new Gateway(this, 'shop', {
      rendering: props.rendering,
      listeners: {
        http: { protocol: ListenerProtocol.HTTP, hostnames, redirectToHttps: true },
        https: { protocol: ListenerProtocol.HTTPS, hostnames, tls: ListenerTls.fromCertManager(CertificateIssuer.clusterIssuer('letsencrypt')) },
      },
    });
    // Orders are for signed-in customers: a valid token of the shop's issuer, whose subject reaches orders as x-customer-id.
    this.gateway.addRoute('orders', {
      matches: [{ path: PathMatch.prefix('/api/orders') }],
      backend: GatewayBackend.service(orders),
      authentication: {
        issuers: [{
          issuer: 'https://auth.shop.example.com',
          jwksUri: 'https://auth.shop.example.com/.well-known/jwks.json',
          audiences: ['shop'],
          fromHeaders: [{ name: 'authorization', prefix: 'Bearer ' }],
          fromCookies: ['shop-session'],
          outputClaimToHeaders: [{ header: 'x-customer-id', claim: 'sub' }],
        }],
      },
    });
    this.gateway.addRoute('cart', { matches: [{ path: PathMatch.prefix('/api/cart') }], backend: GatewayBackend.service(cart) });
    this.gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
  }
}

/** The prod shop and its edge gateway, as two charts of `app`. */
export function shopBehindGateway(app: App, rendering?: IGatewayRendering): [ShopChart, ShopGatewayChart] {
  const shop = new ShopChart(app, 'shop-prod', { environment: 'prod', gatewayNamespace: SHOP_EDGE_NAMESPACE });
  return [shop, new ShopGatewayChart(app, 'shop-edge', { shop, rendering })];
}

if (require.main === module) {
  const app = new App();
  shopBehindGateway(app);
  synthApp(app);
}
