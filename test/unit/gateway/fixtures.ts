import { Chart } from 'cdk8s';
import {
  Gateway,
  GatewayProps,
  GatewayRendering,
  IGatewayRendering,
  IngressPeer,
  ListenerProtocol,
  ListenerTls,
  Manifest,
  Microservice,
  MicroserviceProps,
} from '../../../lib';
import { findObject, synthObjects } from '../../../lib/testing';
import { digestImage, newChart } from '../../fixtures';

/** A web service on port 80 (container 8080) that admits the gateway's namespace, 'test'. */
export function web(seed: string, props: Partial<MicroserviceProps> = {}): MicroserviceProps {
  return { image: digestImage('ghcr.io/acme/app', seed), ports: [{ port: 80, containerPort: 8080 }], allowIngressFrom: [IngressPeer.namespace('test')], ...props };
}

/** The listeners of the usual edge: HTTP redirecting to HTTPS, HTTPS from an existing Secret, both for shop.example.com. */
export const SHOP_LISTENERS: GatewayProps['listeners'] = {
  http: { protocol: ListenerProtocol.HTTP, hostnames: ['shop.example.com'], redirectToHttps: true },
  https: { protocol: ListenerProtocol.HTTPS, hostnames: ['shop.example.com'], tls: ListenerTls.fromSecret('shop-tls') },
};

/**
 * Namespace 'test': orders (stable + canary), frontend, and the gateway
 * 'edge' at test/edge with {@link SHOP_LISTENERS} unless `props` says otherwise.
 */
export function shopEdge(
  rendering: IGatewayRendering | GatewayRendering = GatewayRendering.gatewayApi(),
  props: GatewayProps = { listeners: SHOP_LISTENERS },
) {
  const chart = newChart();
  const orders = new Microservice(chart, 'orders', web('a'));
  const stable = orders.revisions[0];
  const canary = orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
  const frontend = new Microservice(chart, 'frontend', web('c'));
  const gateway = new Gateway(chart, 'edge', { rendering, ...props });
  return { chart, orders, stable, canary, frontend, gateway };
}

/** The one object of a kind and name in a synth of `chart`. */
export function objectOf(chart: Chart, kind: string, name: string): Manifest {
  return findObject(synthObjects(chart), { kind, name });
}

/** The spec of the one object of a kind and name. */
export function specOf(chart: Chart, kind: string, name: string): any {
  return objectOf(chart, kind, name).spec;
}

export { synthProblems } from '../../fixtures';
