import { App, Chart } from 'cdk8s';
import {
  CanaryRelease, Gateway, GatewayBackend, IMeshProvider, IngressPeer, ListenerProtocol, ListenerTls,
  Manifest, Mesh, MeshProvider, Microservice, ServiceRoutes,
} from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { digestImage } from '../../fixtures';

/** Options of {@link meshCanary}. */
export interface MeshCanaryOptions {
  /**
   * The mesh that splits the traffic.
   * @default MeshProvider.istio()
   */
  readonly provider?: IMeshProvider;
}

/**
 * The objects of a chart `shop` (namespace `shop`): a gateway `edge` with one
 * route to `checkout`, whose mesh sends 90% to its stable revision and 10% to
 * a canary; `checkout` depends on `payments`.
 */
export function meshCanary(options: MeshCanaryOptions = {}): Manifest[] {
  const chart = new Chart(new App(), 'shop', { namespace: 'shop' });
  const mesh = new Mesh(chart, 'mesh', { provider: options.provider ?? MeshProvider.istio() });
  const ports = [{ name: 'http', port: 80, containerPort: 8080 }];
  const payments = new Microservice(chart, 'payments', { image: digestImage('ghcr.io/acme/payments', 'c'), ports, mesh });
  const checkout = new Microservice(chart, 'checkout', {
    image: digestImage('ghcr.io/acme/checkout', 'a'),
    ports,
    mesh,
    track: 'stable',
    dependencies: [payments],
    allowIngressFrom: [IngressPeer.namespace('shop')],
  });
  const canary = checkout.addRevision('canary', { image: digestImage('ghcr.io/acme/checkout', 'b') });
  const routes = new ServiceRoutes(chart, 'CheckoutRoutes', { service: checkout });
  new CanaryRelease(chart, 'Canary', { routes, stable: checkout.revisions[0], canary, canaryPercent: 10 });
  const gateway = new Gateway(chart, 'edge', {
    listeners: { https: { protocol: ListenerProtocol.HTTPS, hostnames: ['shop.example.com'], tls: ListenerTls.fromSecret('shop-tls') } },
  });
  gateway.addRoute('checkout', { backend: GatewayBackend.service(checkout) });
  return synthObjects(chart);
}

/** The name of the one Deployment of a service whose pods carry these labels (e.g. the canary's image). */
export function deploymentOf(objects: readonly Manifest[], service: string, image: string): string {
  const found = objects.filter((o) => o.kind === 'Deployment' && (o.metadata.labels as Record<string, string>)['app.kubernetes.io/name'] === service
    && JSON.stringify((o as any).spec.template.spec.containers).includes(image));
  if (found.length !== 1) {
    throw new Error(`expected one Deployment of ${service} running ${image}, found ${found.length}`);
  }
  return found[0].metadata.name!;
}
