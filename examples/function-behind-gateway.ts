/**
 * A scale-to-zero HTTP function behind the gateway: `api.example.com/quote`
 * goes to the `quote` function, which Knative scales from 0 to 10 pods on
 * 20 requests in flight per pod and back to 0 when idle. The function is
 * cluster-local: the gateway is its only way in, sending to the Service
 * Knative makes for it with the Host rewritten to its cluster-local domain.
 * Run: `node -r ts-node/register/transpile-only examples/function-behind-gateway.ts`
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Gateway, IGatewayRendering, ListenerProtocol, ListenerTls, PathMatch, Probe, ServerlessFunction, synthApp } from '../lib';

/** Props of {@link FunctionGatewayChart}. */
export interface FunctionGatewayChartProps extends ChartProps {
  /**
   * The API the gateway is rendered to, e.g. `GatewayRendering.istio()`.
   * @default GatewayRendering.gatewayApi()
   */
  readonly rendering?: IGatewayRendering;
}

/** The quote function behind an HTTPS gateway. */
export class FunctionGatewayChart extends Chart {
  /** The function. */
  public readonly quote: ServerlessFunction;

  constructor(scope: Construct, id: string, props: FunctionGatewayChartProps = {}) {
    super(scope, id, { namespace: 'quotes', ...props });
    this.quote = new ServerlessFunction(this, 'quote', {
      image: 'ghcr.io/immutable-infra/quote@sha256:3f1c8e5b7d2a4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e',
      env: { CURRENCY: 'EUR' },
      readiness: Probe.http({ path: '/healthz' }),
      scaling: { maxScale: 10, targetConcurrency: 20, scaleDownDelay: Duration.minutes(2) },
      timeout: Duration.seconds(30),
    });
    const gateway = new Gateway(this, 'edge', {
      rendering: props.rendering,
      listeners: {
        https: { protocol: ListenerProtocol.HTTPS, hostnames: ['api.example.com'], tls: ListenerTls.fromSecret('api-example-com-tls') },
      },
    });
    gateway.addRoute('quote', { matches: [{ path: PathMatch.prefix('/quote') }], backend: this.quote });
  }
}

if (require.main === module) {
  const app = new App();
  new FunctionGatewayChart(app, 'function-behind-gateway');
  synthApp(app);
}
