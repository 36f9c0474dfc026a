/**
 * A service's traffic policy beyond routes, in Istio: how callers balance
 * over its pods, when they fail over to another region, what they retry, and
 * how its calls to a host outside the cluster are made.
 * - `catalog`: round robin with a 30s slow start for new pods, and failover
 *   from us-east1 to us-west1 once outlier detection ejects the local pods
 *   (a DestinationRule alone: no routes, so Istio keeps its own retries);
 * - `cart`: a shopper stays on one pod, pinned by a cookie;
 * - `orders`: its writes are not retried, its reads keep Istio's default
 *   retries, and `payments`' gRPC calls retry on UNAVAILABLE and 503;
 * - `payments`: calls `http://api.payments.example.com` in plain HTTP, and the
 *   mesh opens TLS to port 443, with a 5s timeout and two retries; its canary
 *   takes 10% and balances by least request with a 60s slow start of its own
 *   (its DestinationRule subset's policy), while the stable revision keeps
 *   Istio's default.
 * Run: `node -r ts-node/register/transpile-only examples/traffic-policy.ts`
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { LoadBalancingAlgorithm, Mesh, MESH_DEFAULT_RETRIES, MeshProvider, Microservice, RetryOn, ServiceRoutes, synthApp } from '../lib';

const image = (name: string, digest: string) => `ghcr.io/immutable-infra/${name}@sha256:${digest.repeat(8)}`;

export class TrafficPolicyChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'traffic-policy', ...props });
    const mesh = new Mesh(this, 'mesh', { provider: MeshProvider.istio() });
    const web = { ports: [{ port: 80, containerPort: 8080 }], mesh };

    const catalog = new Microservice(this, 'catalog', { ...web, image: image('catalog', '1a2b3c4d') });
    new ServiceRoutes(this, 'catalog-routes', {
      service: catalog,
      loadBalancing: { algorithm: LoadBalancingAlgorithm.ROUND_ROBIN, slowStart: Duration.seconds(30) },
      localityFailover: { failover: [{ from: 'us-east1', to: 'us-west1' }] },
      circuitBreaker: { outlierDetection: { consecutiveErrors: 5, baseEjectionTime: Duration.seconds(30) } },
    });

    const cart = new Microservice(this, 'cart', { ...web, image: image('cart', '2b3c4d5e') });
    new ServiceRoutes(this, 'cart-routes', {
      service: cart,
      loadBalancing: { sessionAffinity: { cookie: { name: 'cart-session', ttl: Duration.hours(2), path: '/' } } },
    });

    const orders = new Microservice(this, 'orders', { ...web, image: image('orders', '3c4d5e6f'), dependencies: [catalog, cart] });
    const orderRoutes = new ServiceRoutes(this, 'orders-routes', { service: orders });
    orderRoutes.addRoute('writes', { matches: [{ method: 'POST' }], backends: [{ revision: orders.revisions[0] }], timeout: Duration.seconds(10) });
    orderRoutes.addRoute('reads', { backends: [{ revision: orders.revisions[0] }], retries: MESH_DEFAULT_RETRIES });

    const payments = new Microservice(this, 'payments', {
      ports: [{ name: 'grpc', port: 9090 }],
      mesh,
      image: image('payments', '4d5e6f70'),
      externalHosts: [{
        host: 'api.payments.example.com',
        tlsOrigination: {},
        timeout: Duration.seconds(5),
        retries: { attempts: 2, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.CONNECT_FAILURE, RetryOn.RESET_BEFORE_REQUEST] },
      }],
    });
    orders.addDependency(payments);
    const paymentsCanary = payments.addRevision('canary', { image: image('payments', '5e6f7081') });
    const paymentRoutes = new ServiceRoutes(this, 'payments-routes', { service: payments });
    paymentRoutes.addRevisionLoadBalancing(paymentsCanary, { algorithm: LoadBalancingAlgorithm.LEAST_REQUEST, slowStart: Duration.seconds(60) });
    paymentRoutes.addRoute('default', {
      backends: [{ revision: payments.revisions[0], weight: 90 }, { revision: paymentsCanary, weight: 10 }],
      retries: { attempts: 3, retryOn: [RetryOn.GRPC_UNAVAILABLE, RetryOn.GRPC_RESOURCE_EXHAUSTED], statusCodes: [503] },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new TrafficPolicyChart(app, 'traffic-policy');
  synthApp(app);
}
