import { App, Chart } from 'cdk8s';
import { GatewayBackend, GatewayRendering, LabelKeys, ListenerProtocol, Microservice, PathMatch } from '../../../lib';
import { objectRole, revisionService } from '../../../lib/internal';
import { findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';
import { shopEdge, specOf, web } from './fixtures';

describe('microservice backends', () => {
  test('the port by name or by number; the only port by default', () => {
    const { chart, gateway } = shopEdge();
    const api = new Microservice(chart, 'api', web('d', { ports: [{ name: 'http', port: 80 }, { name: 'admin', port: 9090 }] }));
    const byName = gateway.addRoute('admin', { matches: [{ path: PathMatch.prefix('/admin') }], backend: GatewayBackend.service(api, { port: 'admin' }) });
    const byNumber = gateway.addRoute('api', { matches: [{ path: PathMatch.prefix('/api') }], backend: GatewayBackend.service(api, { port: 80 }) });
    expect(byName.targets[0].port).toBe(9090);
    expect(byNumber.targets[0].port).toBe(80);
  });

  test('fails when the port is unknown, naming the route, the port and the ports there are', () => {
    const { gateway, orders } = shopEdge();
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.service(orders, { port: 'grpc' }) })).message).toBe(
      "route 'r' sends to port \"grpc\", which orders does not expose; use one of http (80) (at test/edge)",
    );
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.service(orders, { port: 8080 }) })).detail).toBe(
      "route 'r' sends to port 8080, which orders does not expose; use one of http (80)",
    );
  });

  test('fails when a service with several ports is given no port', () => {
    const { chart, gateway } = shopEdge();
    const api = new Microservice(chart, 'api', web('d', { ports: [{ name: 'http', port: 80 }, { name: 'admin', port: 9090 }] }));
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.service(api) })).detail).toBe(
      "route 'r' must name the port of api to send to, one of http (80), admin (9090); pass port",
    );
  });

  test('fails when the backend exposes no ports (an unknown backend for the gateway)', () => {
    const { chart, gateway } = shopEdge();
    const worker = new Microservice(chart, 'worker', { image: digestImage() });
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.service(worker) })).detail).toBe(
      "route 'r' sends to worker, which exposes no ports; add ports to it or pick another backend",
    );
  });

  test('fails when the backend has no namespace', () => {
    const app = new App();
    const bare = new Chart(app, 'bare');
    const lonely = new Microservice(bare, 'lonely', web('d'));
    const { gateway } = shopEdge();
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.service(lonely) })).detail).toBe(
      "route 'r' sends to lonely, which has no namespace, so the gateway cannot address it; give its chart a namespace",
    );
  });

  test('fails when the port is UDP', () => {
    const { chart, gateway } = shopEdge();
    const dns = new Microservice(chart, 'dns', web('d', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }));
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.service(dns) })).detail).toBe(
      "route 'r' sends to port dns of dns, which is UDP; use a TCP port",
    );
  });

  test('fails when a gRPC route sends to a port not named for HTTP/2', () => {
    const { chart, gateway } = shopEdge(undefined, { listeners: { grpc: { protocol: ListenerProtocol.GRPC } } });
    const cart = new Microservice(chart, 'cart', web('d'));
    expect(validationErrorOf(() => gateway.addGrpcRoute('rpc', { backend: GatewayBackend.service(cart) })).detail).toBe(
      "route 'rpc' is a gRPC route but port 'http' of cart is not named for HTTP/2, so the gateway would speak HTTP/1.1 to it; name the port 'grpc' or 'grpc-…'",
    );
  });

  test('fails when a weighted split names a revision that is not live, names one twice, or has only zero weights', () => {
    const { chart, gateway, orders, stable, canary, frontend } = shopEdge();
    const other = new Microservice(chart, 'other', web('e'));
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.revisions(orders, [{ revision: other.revisions[0] }]) })).detail).toMatch(
      /^route 'r' backend 'test\/other\/stable' is not a live revision of orders \(live: stable, canary\)/,
    );
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.revisions(orders, [{ revision: stable }, { revision: stable }]) })).detail).toBe(
      "route 'r' lists revision 'stable' twice; list each backend once with its total weight",
    );
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.revisions(orders, [{ revision: canary, weight: 0 }]) })).detail).toMatch(
      /^route 'r': every backend has weight 0/,
    );
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.revisions(orders, []) })).detail).toBe(
      "route 'r' has no backends; give it at least one revision of orders",
    );
    expect(frontend.revisions).toHaveLength(1);
  });

  test('fails when a mirror is not a live revision, already serves the route, or its service has no matching port', () => {
    const { chart, gateway, orders, stable, canary } = shopEdge();
    expect(validationErrorOf(() => gateway.addRoute('r', {
      backend: GatewayBackend.revisions(orders, [{ revision: stable }, { revision: canary }]),
      mirror: { revision: canary },
    })).detail).toBe("route 'r' mirrors to revision 'canary', which already serves the route; mirror to a revision outside its backends");
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.service(orders), mirror: { revision: canary, percentage: 0 } })).detail).toBe(
      "route 'r' mirror percentage must be a percentage in (0, 100], got 0",
    );
    const multi = new Microservice(chart, 'multi', web('f', { ports: [{ name: 'a', port: 81 }, { name: 'b', port: 82 }] }));
    const preview = multi.addRevision('preview', { image: digestImage('ghcr.io/acme/app', '9') });
    expect(validationErrorOf(() => gateway.addRoute('r', { backend: GatewayBackend.service(orders), mirror: { revision: preview } })).detail).toMatch(
      /^route 'r' mirrors to multi, which has several ports and none is the route's backend port/,
    );
  });
});

describe('the per-revision Service', () => {
  test('selects the pods of one revision, is named after it, carries its revision label (a revision object), same ports by name', () => {
    const { chart, gateway, orders, stable, canary } = shopEdge();
    gateway.addRoute('orders', { backend: GatewayBackend.revisions(orders, [{ revision: stable, weight: 1 }, { revision: canary, weight: 1 }]) });
    const service = findObjects(synthObjects(chart), { kind: 'Service', name: canary.name })[0];
    expect(service.metadata).toEqual({ name: canary.name, namespace: 'test', labels: { ...orders.labels, [LabelKeys.REVISION]: canary.revisionId } });
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'orders', [LabelKeys.REVISION]: canary.revisionId },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(objectRole(service)).toBe('revision');
    const deployment = findObjects(synthObjects(chart), { kind: 'Deployment', name: canary.name })[0];
    expect((deployment.spec as any).template.metadata.labels).toMatchObject((service.spec as any).selector);
  });

  test('is made once per revision, whoever asks (two routes, a mirror, revisionService itself), under the Revision', () => {
    const { chart, gateway, orders, stable, canary, frontend } = shopEdge();
    gateway.addRoute('a', { matches: [{ path: PathMatch.prefix('/a') }], backend: GatewayBackend.revisions(orders, [{ revision: canary }]) });
    gateway.addRoute('b', { matches: [{ path: PathMatch.prefix('/b') }], backend: GatewayBackend.revisions(orders, [{ revision: canary }, { revision: stable }]) });
    gateway.addRoute('c', { backend: GatewayBackend.service(frontend), mirror: { revision: canary } });
    expect(revisionService(orders, canary)).toBe(canary.node.findChild('Service'));
    expect(findObjects(synthObjects(chart), { kind: 'Service' }).map((s) => s.metadata.name)).toEqual(['orders', stable.name, canary.name, 'frontend']);
  });

  test('only revisions a route sends to get one', () => {
    const { chart, gateway, orders, stable } = shopEdge();
    gateway.addRoute('orders', { backend: GatewayBackend.revisions(orders, [{ revision: stable }]) });
    expect(findObjects(synthObjects(chart), { kind: 'Service' }).map((s) => s.metadata.name)).toEqual(['orders', stable.name, 'frontend']);
  });

  test('fails when asked for a revision of another service, or for a service without ports', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', web('a'));
    const frontend = new Microservice(chart, 'frontend', web('c'));
    expect(validationErrorOf(() => revisionService(orders, frontend.revisions[0])).message).toBe(
      "revision 'test/frontend/stable' is not a live revision of orders; use one listed in orders.revisions (at test/orders)",
    );
    const worker = new Microservice(chart, 'worker', { image: digestImage() });
    expect(validationErrorOf(() => revisionService(worker, worker.revisions[0])).detail).toBe(
      'worker exposes no ports, so its revisions cannot have Services; add ports to it',
    );
  });
});

describe('external backends', () => {
  test.each([GatewayRendering.gatewayApi(), GatewayRendering.istio()])('%s: an ExternalName Service in the gateway namespace, made once, port 80 by default', (rendering) => {
    const { chart, gateway } = shopEdge(rendering);
    const partner = GatewayBackend.external({ name: 'partner', hostname: 'api.partner.example.net' });
    gateway.addRoute('a', { matches: [{ path: PathMatch.prefix('/a') }], backend: partner });
    gateway.addRoute('b', { matches: [{ path: PathMatch.prefix('/b') }], backend: partner });
    const services = findObjects(synthObjects(chart), { kind: 'Service', name: 'partner' });
    expect(services.map((s) => [s.metadata, s.spec])).toEqual([[
      { name: 'partner', namespace: 'test', labels: gateway.labels },
      { type: 'ExternalName', externalName: 'api.partner.example.net', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    ]]);
    if (rendering.kind === 'gateway-api') {
      expect(specOf(chart, 'HTTPRoute', 'edge-a').rules[0].backendRefs).toEqual([{ name: 'partner', port: 80 }]);
    } else {
      expect(specOf(chart, 'VirtualService', 'edge-shop.example.com').http[0].route).toEqual([
        { destination: { host: 'partner.test.svc.cluster.local', port: { number: 80 } } },
      ]);
    }
  });

  test('backends with the same name, hostname and port share one Service', () => {
    const { chart, gateway } = shopEdge();
    gateway.addRoute('a', { matches: [{ path: PathMatch.prefix('/a') }], backend: GatewayBackend.external({ name: 'partner', hostname: 'a.example.net' }) });
    gateway.addRoute('b', { backend: GatewayBackend.external({ name: 'partner', hostname: 'a.example.net', port: 80 }) });
    expect(findObjects(synthObjects(chart), { kind: 'Service', name: 'partner' })).toHaveLength(1);
  });

  test('fails when two external backends of one gateway share a name but not the destination', () => {
    const { gateway } = shopEdge();
    gateway.addRoute('a', { matches: [{ path: PathMatch.prefix('/a') }], backend: GatewayBackend.external({ name: 'partner', hostname: 'a.example.net' }) });
    expect(validationErrorOf(() => gateway.addRoute('b', { backend: GatewayBackend.external({ name: 'partner', hostname: 'b.example.net' }) })).detail).toBe(
      "external backend name 'partner' already points to a.example.net:80 on this gateway, not b.example.net:80; give each external service its own name",
    );
  });

  test('fails when the name, hostname or port is invalid', () => {
    const { gateway } = shopEdge();
    expect(validationErrorOf(() => gateway.addRoute('a', { backend: GatewayBackend.external({ name: 'Partner', hostname: 'a.net' }) })).detail).toMatch(/^name must be 1-63/);
    expect(validationErrorOf(() => gateway.addRoute('a', { backend: GatewayBackend.external({ name: 'p', hostname: '10.1.2.3' }) })).detail).toBe(
      "external backend 'p' hostname must be a lower-case DNS name without wildcard (not an IP address), got '10.1.2.3'",
    );
    expect(validationErrorOf(() => gateway.addRoute('a', { backend: GatewayBackend.external({ name: 'p', hostname: 'a.net', port: 70000 }) })).detail).toBe(
      "external backend 'p' port must be 1-65535, got 70000",
    );
  });

  test('fails when a gRPC route sends to an external backend', () => {
    const { gateway } = shopEdge(undefined, { listeners: { grpc: { protocol: ListenerProtocol.GRPC } } });
    expect(validationErrorOf(() => gateway.addGrpcRoute('rpc', { backend: GatewayBackend.external({ name: 'p', hostname: 'a.net' }) })).detail).toBe(
      "route 'rpc' is a gRPC route, but external backend 'p' is reached over HTTP/1.1; send gRPC to a microservice with a 'grpc' port",
    );
  });
});
