import { App, Chart, Duration } from 'cdk8s';
import {
  CertificateIssuer,
  Gateway,
  GatewayBackend,
  GatewayRendering,
  HeaderMatch,
  IngressPeer,
  ListenerProtocol,
  ListenerTls,
  Microservice,
  PathMatch,
  PathRewrite,
} from '../../../lib';
import { findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';
import { objectOf, shopEdge, specOf, synthProblems, web } from './fixtures';

/** The Ingress rendering with the controller in 'test', the namespace the fixtures' services admit. */
const INGRESS = GatewayRendering.ingress({ ingressClassName: 'nginx', controllerNamespace: 'test' });
/** The listeners Ingress can serve: HTTP on 80 and HTTPS on 443 for shop.example.com. */
const LISTENERS = {
  http: { protocol: ListenerProtocol.HTTP, hostnames: ['shop.example.com'] },
  https: { protocol: ListenerProtocol.HTTPS, hostnames: ['shop.example.com'], tls: ListenerTls.fromSecret('shop-tls') },
};
const service = (name: string, port = 80) => ({ service: { name, port: { number: port } } });

describe('Ingress rendering', () => {
  test('one Ingress: the class, a TLS entry per HTTPS listener, a rule per host with a path per match to the route\'s Service', () => {
    const { chart, gateway, orders, frontend } = shopEdge(INGRESS, { listeners: LISTENERS });
    gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }, { path: PathMatch.exact('/api/checkout') }], backend: GatewayBackend.service(orders) });
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    const ingress = objectOf(chart, 'Ingress', 'edge');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.namespace).toBe('test');
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [{
        host: 'shop.example.com',
        http: {
          paths: [
            { path: '/api/orders', pathType: 'Prefix', backend: service('orders') },
            { path: '/api/checkout', pathType: 'Exact', backend: service('orders') },
            { path: '/', pathType: 'Prefix', backend: service('frontend') },
          ],
        },
      }],
    });
    expect(gateway.apiObject.kind).toBe('Ingress');
    expect(findObjects(synthObjects(chart), { kind: 'Gateway' })).toEqual([]);
  });

  test('a revision\'s own Service, routes without hostnames as a rule without host, no class and no TLS when none is given', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', web('a', { allowIngressFrom: [IngressPeer.namespace('ingress-nginx')] }));
    const canary = orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
    const gateway = new Gateway(chart, 'edge', { rendering: GatewayRendering.ingress(), listeners: { http: { protocol: ListenerProtocol.HTTP } } });
    gateway.addRoute('canary', { matches: [{ path: PathMatch.prefix('/canary') }], backend: GatewayBackend.revisions(orders, [{ revision: canary, weight: 1 }]) });
    expect(specOf(chart, 'Ingress', 'edge')).toEqual({
      rules: [{ http: { paths: [{ path: '/canary', pathType: 'Prefix', backend: service(canary.name) }] } }],
    });
  });

  test('a cert-manager listener: the gateway\'s Certificate makes the Secret the TLS entry names', () => {
    const { chart, gateway, frontend } = shopEdge(INGRESS, {
      listeners: { https: { protocol: ListenerProtocol.HTTPS, hostnames: ['shop.example.com'], tls: ListenerTls.fromCertManager(CertificateIssuer.clusterIssuer('letsencrypt')) } },
    });
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    const certificate = objectOf(chart, 'Certificate', 'edge-https');
    expect(specOf(chart, 'Ingress', 'edge').tls).toEqual([{ hosts: ['shop.example.com'], secretName: (certificate.spec as any).secretName }]);
  });

  test('services must admit the controller\'s namespace, not the gateway\'s', () => {
    const chart = newChart();
    const frontend = new Microservice(chart, 'frontend', web('c'));
    const gateway = new Gateway(chart, 'edge', { rendering: GatewayRendering.ingress(), listeners: LISTENERS });
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] route 'frontend' sends to frontend, but frontend admits only its declared callers (NetworkPolicy), so the gateway's proxies in namespace " +
        "'ingress-nginx' would be refused; add allowIngressFrom: [IngressPeer.namespace('ingress-nginx')] to frontend",
    ]);
  });

  test('what an Ingress cannot express is refused at synth, naming the listener or route and the rendering', () => {
    const { chart, gateway, orders, stable, canary, frontend } = shopEdge(INGRESS, {
      listeners: {
        http: { protocol: ListenerProtocol.HTTP, port: 8080, hostnames: ['shop.example.com'], redirectToHttps: true },
        https: { protocol: ListenerProtocol.HTTPS, hostnames: ['*.example.com'], tls: ListenerTls.fromSecret('shop-tls') },
        grpc: { protocol: ListenerProtocol.GRPC, port: 9000 },
        tcp: { protocol: ListenerProtocol.TCP, port: 5432 },
      },
    });
    gateway.addRoute('split', { backend: GatewayBackend.revisions(orders, [{ revision: stable, weight: 90 }, { revision: canary, weight: 10 }]) });
    gateway.addRoute('filtered', {
      hostnames: ['a.example.com'],
      matches: [{ path: PathMatch.prefix('/api'), headers: [HeaderMatch.exact('x-beta', 'on')], method: 'GET' }, { path: PathMatch.regex('/v[0-9]+/.*') }],
      backend: GatewayBackend.service(frontend),
      rewrite: { path: PathRewrite.full('/') },
      headers: { request: { set: { 'x-edge': 'ingress' } } },
      timeout: Duration.seconds(5),
    });
    gateway.addRoute('bad-path', { hostnames: ['b.example.com'], matches: [{ path: PathMatch.prefix('/a%2Fb') }], backend: GatewayBackend.service(frontend) });
    const problems = synthProblems(chart).join('\n');
    for (const expected of [
      "listener 'http' is HTTP on port 8080, but an Ingress has no port: its controller serves HTTP on 80 (ingress)",
      "listener 'http' redirects to HTTPS, which an Ingress has no field for (ingress)",
      "listener 'https' takes wildcard hostname '*.example.com', which in an Ingress matches one label",
      "listener 'grpc' speaks gRPC, which an Ingress has no routes for (ingress)",
      "listener 'tcp' takes TCP connections, but an Ingress routes HTTP requests only (ingress)",
      "route 'split' splits requests across orders revision 'stable', orders revision 'canary', but an Ingress path has one Service and no weights (ingress)",
      "route 'filtered' rewrites the path, which an Ingress has no field for (ingress)",
      "route 'filtered' changes headers, which an Ingress has no field for (ingress)",
      "route 'filtered' sets a timeout, which an Ingress has no field for (ingress)",
      "route 'filtered' match 1 matches a method and headers, but an Ingress matches by host and path only (ingress)",
      "route 'filtered' match 2 matches the regular expression '/v[0-9]+/.*', which an Ingress has no portable path type for (ingress)",
      "route 'bad-path' match 1 path '/a%2Fb' holds an encoded '/' (%2F), which the API server refuses in an Ingress (ingress)",
    ]) {
      expect(problems).toContain(expected);
    }
  });

  test('a gateway without HTTP routes is refused: an Ingress needs a rule', () => {
    const { chart } = shopEdge(INGRESS, { listeners: LISTENERS });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] gateway 'edge' has no HTTP routes, and an Ingress needs at least one rule (ingress); add a route with addRoute",
    ]);
  });

  test('a Service in another namespace is refused: an Ingress backend is in its own namespace', () => {
    const { chart, gateway } = shopEdge(INGRESS, { listeners: LISTENERS });
    const other = new Chart(chart.node.scope as App, 'payments', { namespace: 'payments' });
    const payments = new Microservice(other, 'payments', web('d'));
    gateway.addRoute('payments', { backend: GatewayBackend.service(payments) });
    expect(synthProblems(chart).join('\n')).toContain(
      "route 'payments' sends to payments in namespace 'payments', but an Ingress reaches Services of its own namespace 'test' only (ingress)",
    );
  });

  test.each([
    [{ ingressClassName: 'Nginx' }, "GatewayRendering.ingress props ingressClassName must be a DNS subdomain"],
    [{ controllerNamespace: 'ingress.nginx' }, 'GatewayRendering.ingress props controllerNamespace must be 1-63 lower-case letters'],
    [{ ingresClassName: 'nginx' }, 'ingresClassName'],
  ])('bad rendering props %p are refused naming the gateway', (props, message) => {
    const error = validationErrorOf(() => new Gateway(newChart(), 'edge', { rendering: GatewayRendering.ingress(props as any), listeners: LISTENERS }));
    expect(error.message).toContain(message);
    expect(error.message).toContain('test/edge');
  });
});
