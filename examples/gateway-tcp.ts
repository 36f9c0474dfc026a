/**
 * Databases at the edge, routed by connection, not by request: a TCP
 * listener on 5432 sends new connections to orders-db, 90% to its current
 * revision and 10% to the next (a connection stays with the revision it
 * reached); a TLS passthrough listener on 8443 routes by the SNI hostname
 * (`reports.db.example.com`) to reports-db, which holds its own certificate.
 * `rendering` switches between the Gateway API (TCPRoute, TLSRoute) and Istio
 * (TCP and TLS PASSTHROUGH servers, VirtualService `tcp` and `tls` routes).
 * Run: `node -r ts-node/register/transpile-only examples/gateway-tcp.ts`
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Gateway, GatewayBackend, IGatewayRendering, IngressPeer, ListenerProtocol, Microservice, Probe, synthApp } from '../lib';

/** Props of {@link GatewayTcpChart}. */
export interface GatewayTcpChartProps extends ChartProps {
  /**
   * The API the gateway is rendered to, e.g. `GatewayRendering.istio()`.
   * @default GatewayRendering.gatewayApi()
   */
  readonly rendering?: IGatewayRendering;
}

const NAMESPACE = 'edge-tcp';
const image = (name: string, seed: string) => `ghcr.io/immutable-infra/${name}@sha256:${seed.repeat(64 / seed.length)}`;

/** Two Postgres services behind one gateway: plain TCP, and TLS passed through by SNI. */
export class GatewayTcpChart extends Chart {
  /** The gateway. */
  public readonly gateway: Gateway;

  constructor(scope: Construct, id: string, props: GatewayTcpChartProps = {}) {
    super(scope, id, { namespace: NAMESPACE, ...props });
    const postgres = {
      ports: [{ name: 'tcp-postgres', port: 5432 }],
      readiness: Probe.tcp({ port: 'tcp-postgres' }),
      // The gateway's proxies run in this namespace.
      allowIngressFrom: [IngressPeer.namespace(NAMESPACE)],
    };
    const ordersDb = new Microservice(this, 'orders-db', { image: image('orders-db', '1a2b3c4d'), ...postgres });
    const next = ordersDb.addRevision('next', { image: image('orders-db', '2b3c4d5e') });
    const reportsDb = new Microservice(this, 'reports-db', { image: image('reports-db', '3c4d5e6f'), ...postgres });

    this.gateway = new Gateway(this, 'db-edge', {
      rendering: props.rendering,
      listeners: {
        postgres: { protocol: ListenerProtocol.TCP, port: 5432 },
        'postgres-tls': { protocol: ListenerProtocol.TLS_PASSTHROUGH, port: 8443, hostnames: ['*.db.example.com'] },
      },
    });
    this.gateway.addTcpRoute('orders-db', {
      backend: GatewayBackend.revisions(ordersDb, [{ revision: ordersDb.revisions[0], weight: 90 }, { revision: next, weight: 10 }]),
    });
    this.gateway.addTlsRoute('reports-db', { hostnames: ['reports.db.example.com'], backend: GatewayBackend.service(reportsDb) });
  }
}

if (require.main === module) {
  const app = new App();
  new GatewayTcpChart(app, 'gateway-tcp');
  synthApp(app);
}
