/**
 * A site behind a Kubernetes Ingress, for clusters without the Gateway API:
 *
 *   https://www.example.com/api…     → api
 *   https://www.example.com/healthz  → web (exact path)
 *   https://www.example.com/…        → web
 *
 * The same `Gateway` as in the other gateway examples, rendered with
 * `GatewayRendering.ingress()`: one Ingress of class `nginx`, its certificate
 * from cert-manager (ClusterIssuer `letsencrypt`). The services admit the
 * namespace the ingress controller runs in (`ingress-nginx`). An Ingress has
 * no weights, header matches or filters, so a route asking for them is
 * refused at synth; the Gateway API rendering has them all.
 * Run: `node -r ts-node/register/transpile-only examples/ingress-edge.ts`
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CertificateIssuer,
  Gateway,
  GatewayBackend,
  GatewayRendering,
  IngressPeer,
  ListenerProtocol,
  ListenerTls,
  Microservice,
  PathMatch,
  synthApp,
} from '../lib';

/** Where the ingress controller's pods run. */
const CONTROLLER_NAMESPACE = 'ingress-nginx';

/** web and api behind one Ingress. */
export class IngressEdgeChart extends Chart {
  /** The gateway, rendered as an Ingress. */
  public readonly gateway: Gateway;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'site', ...props });
    const allowIngressFrom = [IngressPeer.namespace(CONTROLLER_NAMESPACE)];
    const web = new Microservice(this, 'web', {
      image: 'ghcr.io/immutable-infra/web@sha256:0c3a5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c',
      ports: [{ port: 80, containerPort: 8080 }],
      replicas: 2,
      allowIngressFrom,
    });
    const api = new Microservice(this, 'api', {
      image: 'ghcr.io/immutable-infra/api@sha256:5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d',
      ports: [{ port: 80, containerPort: 8080 }],
      replicas: 2,
      allowIngressFrom,
    });
    this.gateway = new Gateway(this, 'edge', {
      rendering: GatewayRendering.ingress({ ingressClassName: 'nginx', controllerNamespace: CONTROLLER_NAMESPACE }),
      listeners: {
        https: {
          protocol: ListenerProtocol.HTTPS,
          hostnames: ['www.example.com'],
          tls: ListenerTls.fromCertManager(CertificateIssuer.clusterIssuer('letsencrypt')),
        },
      },
    });
    this.gateway.addRoute('api', { matches: [{ path: PathMatch.prefix('/api') }], backend: GatewayBackend.service(api) });
    this.gateway.addRoute('health', { matches: [{ path: PathMatch.exact('/healthz') }], backend: GatewayBackend.service(web) });
    this.gateway.addRoute('web', { backend: GatewayBackend.service(web) });
  }
}

if (require.main === module) {
  const app = new App();
  new IngressEdgeChart(app, 'ingress-edge');
  synthApp(app);
}
