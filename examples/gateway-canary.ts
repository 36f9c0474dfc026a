/**
 * A canary at the edge: 90% of the requests to `checkout.example.com` go to
 * the stable revision of checkout, 10% to the canary, each revision through
 * a Service of its own named after it. The next step is a code change of the
 * two weights; promotion is making the canary the only revision. The
 * certificate is an existing TLS Secret. `rendering` switches between the
 * Gateway API (weights as given) and Istio (weights as percentages).
 * Run: `node -r ts-node/register/transpile-only examples/gateway-canary.ts`
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Gateway, GatewayBackend, IGatewayRendering, IngressPeer, ListenerProtocol, ListenerTls, Microservice, Revision, synthApp } from '../lib';

/** Props of {@link GatewayCanaryChart}. */
export interface GatewayCanaryChartProps extends ChartProps {
  /**
   * The API the gateway is rendered to, e.g. `GatewayRendering.istio()`.
   * @default GatewayRendering.gatewayApi()
   */
  readonly rendering?: IGatewayRendering;
}

const NAMESPACE = 'edge-canary';

/** checkout in two revisions behind a gateway that splits 90/10. */
export class GatewayCanaryChart extends Chart {
  /** The canary revision. */
  public readonly canary: Revision;
  /** The gateway. */
  public readonly gateway: Gateway;

  constructor(scope: Construct, id: string, props: GatewayCanaryChartProps = {}) {
    super(scope, id, { namespace: NAMESPACE, ...props });
    const checkout = new Microservice(this, 'checkout', {
      image: 'ghcr.io/immutable-infra/checkout@sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752',
      ports: [{ port: 80, containerPort: 8080 }],
      replicas: 3,
      // The gateway's proxies run in this namespace.
      allowIngressFrom: [IngressPeer.namespace(NAMESPACE)],
    });
    this.canary = checkout.addRevision('canary', {
      image: 'ghcr.io/immutable-infra/checkout@sha256:7d865e959b2466918c9863afca942d0fb89d7c9ac0c99bafc3749504ded97730',
      replicas: 1,
    });
    this.gateway = new Gateway(this, 'edge', {
      rendering: props.rendering,
      listeners: {
        https: { protocol: ListenerProtocol.HTTPS, hostnames: ['checkout.example.com'], tls: ListenerTls.fromSecret('checkout-example-com-tls') },
      },
    });
    this.gateway.addRoute('checkout', {
      backend: GatewayBackend.revisions(checkout, [
        { revision: checkout.revisions[0], weight: 90 },
        { revision: this.canary, weight: 10 },
      ]),
    });
  }
}

if (require.main === module) {
  const app = new App();
  new GatewayCanaryChart(app, 'gateway-canary');
  synthApp(app);
}
