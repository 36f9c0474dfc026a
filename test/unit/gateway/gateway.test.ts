import { App, Chart } from 'cdk8s';
import { CertificateIssuer, Gateway, GatewayBackend, GatewayProps, GatewayRendering, HeaderMatch, IngressPeer, ListenerProtocol, ListenerTls, Mesh, MeshProvider, Microservice, PathMatch } from '../../../lib';
import { schemaErrors } from '../../../lib/internal';
import { findObjects, synthObjects } from '../../../lib/testing';
import { newChart, validationErrorOf } from '../../fixtures';
import { objectOf, SHOP_LISTENERS, shopEdge, specOf, synthProblems, web } from './fixtures';

const RENDERINGS = [GatewayRendering.gatewayApi(), GatewayRendering.istio()];

describe('Gateway', () => {
  test('renders to the Gateway API by default, class istio, named after its id, in its chart namespace', () => {
    const { chart, gateway, frontend } = shopEdge();
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    expect(gateway.rendering).toBe('gateway-api');
    expect(gateway.gatewayName).toBe('edge');
    expect(gateway.namespace).toBe('test');
    const object = objectOf(chart, 'Gateway', 'edge');
    expect(object.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(object.metadata).toEqual({
      name: 'edge',
      namespace: 'test',
      labels: { 'app.kubernetes.io/name': 'edge', 'app.kubernetes.io/managed-by': 'immutable-infra' },
    });
    expect((object.spec as any).gatewayClassName).toBe('istio');
    expect(gateway.apiObject.kind).toBe('Gateway');
  });

  test('name prop, and the Gateway API rendering\'s gatewayClassName', () => {
    const chart = newChart();
    const gateway = new Gateway(chart, 'edge', { name: 'public', rendering: GatewayRendering.gatewayApi({ gatewayClassName: 'eg' }), listeners: SHOP_LISTENERS });
    expect(specOf(chart, 'Gateway', 'public').gatewayClassName).toBe('eg');
    expect(gateway.gatewayName).toBe('public');
  });

  test('the Istio rendering makes an Istio Gateway bound to the ingress gateway pods (selector prop)', () => {
    const chart = newChart();
    const gateway = new Gateway(chart, 'edge', { rendering: GatewayRendering.istio({ selector: { app: 'shop-ingress' } }), listeners: SHOP_LISTENERS });
    const object = objectOf(chart, 'Gateway', 'edge');
    expect(object.apiVersion).toBe('networking.istio.io/v1beta1');
    expect((object.spec as any).selector).toEqual({ app: 'shop-ingress' });
    expect(gateway.apiObject).toBe(findGatewayConstruct(chart));
    expect(gateway.rendering).toBe('istio');
  });

  test('the deprecated rendering names and top-level props make the same objects as the factories', () => {
    const manifests = (props: GatewayProps) => {
      const chart = newChart();
      new Gateway(chart, 'edge', { listeners: SHOP_LISTENERS, ...props });
      return synthObjects(chart);
    };
    expect(manifests({ rendering: GatewayRendering.ISTIO, istioSelector: { app: 'shop-ingress' } }))
      .toEqual(manifests({ rendering: GatewayRendering.istio({ selector: { app: 'shop-ingress' } }) }));
    expect(manifests({ rendering: GatewayRendering.GATEWAY_API, gatewayClassName: 'eg' })).toEqual(manifests({ rendering: GatewayRendering.gatewayApi({ gatewayClassName: 'eg' }) }));
    expect(manifests({ gatewayClassName: 'eg' })).toEqual(manifests({ rendering: GatewayRendering.gatewayApi({ gatewayClassName: 'eg' }) }));
  });

  test('listeners keep their order; defaults: port 80 for HTTP and plaintext gRPC, 443 for HTTPS and gRPC over TLS, any hostname', () => {
    const chart = newChart();
    const gateway = new Gateway(chart, 'edge', {
      listeners: {
        web: { protocol: ListenerProtocol.HTTP },
        secure: { protocol: ListenerProtocol.HTTPS, hostnames: ['a.example.com'], tls: ListenerTls.fromSecret('a-tls') },
      },
    });
    gateway.addListener('grpc', { protocol: ListenerProtocol.GRPC, hostnames: ['grpc.example.com'] });
    gateway.addListener('grpcs', { protocol: ListenerProtocol.GRPC, hostnames: ['grpcs.example.com'], tls: ListenerTls.fromSecret('g-tls') });
    expect(gateway.listeners.map((l) => [l.name, l.port, l.hostnames, l.routeKind, l.secretName])).toEqual([
      ['web', 80, [], 'HTTPRoute', undefined],
      ['secure', 443, ['a.example.com'], 'HTTPRoute', 'a-tls'],
      ['grpc', 80, ['grpc.example.com'], 'GRPCRoute', undefined],
      ['grpcs', 443, ['grpcs.example.com'], 'GRPCRoute', 'g-tls'],
    ]);
  });

  test.each(RENDERINGS)('%s: a listener from cert-manager gets a Certificate for its hostnames (wildcards too) from the named issuer', (rendering) => {
    const chart = newChart();
    const gateway = new Gateway(chart, 'edge', { rendering });
    gateway.addListener('https', {
      protocol: ListenerProtocol.HTTPS,
      hostnames: ['shop.example.com', '*.shop.example.com'],
      tls: ListenerTls.fromCertManager(CertificateIssuer.clusterIssuer('letsencrypt')),
    });
    gateway.addListener('grpc', { protocol: ListenerProtocol.GRPC, hostnames: ['grpc.example.net'], tls: ListenerTls.fromCertManager(CertificateIssuer.issuer('internal-ca')) });
    const objects = synthObjects(chart);
    const certificates = findObjects(objects, { kind: 'Certificate' });
    expect(certificates.map((c) => [c.apiVersion, c.metadata.name, c.metadata.namespace, c.spec])).toEqual([
      ['cert-manager.io/v1', 'edge-https', 'test', {
        secretName: 'edge-https-tls',
        dnsNames: ['shop.example.com', '*.shop.example.com'],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
      }],
      ['cert-manager.io/v1', 'edge-grpc', 'test', {
        secretName: 'edge-grpc-tls',
        dnsNames: ['grpc.example.net'],
        issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'internal-ca' },
      }],
    ]);
    expect(gateway.listeners.map((l) => l.secretName)).toEqual(['edge-https-tls', 'edge-grpc-tls']);
  });

  test('a listener with an existing Secret makes no Certificate', () => {
    const { chart, gateway, frontend } = shopEdge();
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    expect(findObjects(synthObjects(chart), { kind: 'Certificate' })).toEqual([]);
  });

  test.each(RENDERINGS)('%s: every object passes its schema, every feature in use', (rendering) => {
    const { chart, gateway, orders, canary, frontend } = shopEdge(rendering, {
      listeners: {
        ...SHOP_LISTENERS,
        grpc: { protocol: ListenerProtocol.GRPC, hostnames: ['grpc.example.com'], tls: ListenerTls.fromCertManager(CertificateIssuer.clusterIssuer('le')) },
      },
    });
    const grpc = new Microservice(chart, 'cart', web('d', { ports: [{ name: 'grpc', port: 50051 }] }));
    gateway.addRoute('orders', {
      matches: [{ path: PathMatch.prefix('/api/orders'), method: 'POST' }],
      backend: GatewayBackend.revisions(orders, [{ revision: orders.revisions[0], weight: 9 }, { revision: canary, weight: 1 }]),
      rewrite: { hostname: 'orders.internal' },
      headers: { request: { set: { 'x-edge': '1' }, add: { via: 'edge' }, remove: ['cookie'] }, response: { remove: ['server'] } },
    });
    gateway.addRoute('old', { matches: [{ path: PathMatch.exact('/old') }], redirect: { scheme: 'https', hostname: 'new.example.com', statusCode: 301 } });
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend), mirror: { revision: canary, percentage: 12.5 } });
    gateway.addRoute('partner', {
      matches: [{ path: PathMatch.prefix('/partner') }],
      backend: GatewayBackend.external({ name: 'partner', hostname: 'partner.example.net', port: 8080 }),
    });
    gateway.addGrpcRoute('cart', { matches: [{ service: 'shop.Cart', method: 'Add' }], backend: GatewayBackend.service(grpc) });
    const objects = synthObjects(chart);
    expect(objects.length).toBeGreaterThan(10);
    for (const object of objects) {
      expect({ object: `${object.kind}/${object.metadata.name}`, problem: schemaErrors(object) }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        problem: undefined,
      });
    }
  });

  test('the schema check catches a malformed GRPCRoute v1 (checked with the v1alpha2 schema its package ships)', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'r' }, spec: { rules: [{ matches: [{ method: { type: 'Prefix' } }] }] } };
    expect(schemaErrors(route)).toMatch(/type/);
    expect(schemaErrors({ ...route, spec: { rules: [{ matches: [{ method: { type: 'Exact', service: 'a.B' } }] }] } })).toBeUndefined();
  });
});

function findGatewayConstruct(chart: Chart) {
  return chart.node.findAll().find((c) => c.node.path === 'test/edge/Resource');
}

describe('Gateway input', () => {
  test('fails when the gateway name is not a DNS label of at most 50 characters', () => {
    const error = validationErrorOf(() => new Gateway(newChart(), 'Edge'));
    expect(error.message).toMatch(/^gateway name must be 1-50 lower-case letters, digits or '-'.*got 'Edge' \(at test\/Edge\)$/);
    validationErrorOf(() => new Gateway(newChart(), 'e'.repeat(51)));
  });

  test('fails when the chart has no namespace', () => {
    const chart = new Chart(new App(), 'bare');
    expect(validationErrorOf(() => new Gateway(chart, 'edge')).message).toBe(
      "gateway 'edge' has no namespace, and its routes and proxies live in one; give its chart a namespace (at bare/edge)",
    );
  });

  test('fails when the Istio rendering is given a gatewayClassName', () => {
    expect(validationErrorOf(() => new Gateway(newChart(), 'edge', { rendering: GatewayRendering.ISTIO, gatewayClassName: 'istio' })).detail).toMatch(
      /^gatewayClassName 'istio' selects a Gateway API class, which the Istio rendering does not use; drop it or render with GatewayRendering\.gatewayApi/,
    );
  });

  test('fails when the Gateway API rendering is given an istioSelector', () => {
    expect(validationErrorOf(() => new Gateway(newChart(), 'edge', { istioSelector: { istio: 'ingressgateway' } })).detail).toMatch(
      /^istioSelector \{ istio: 'ingressgateway' \} binds an Istio Gateway, which the Gateway API rendering does not make; drop it or render with GatewayRendering\.istio/,
    );
  });

  test('fails when the istioSelector is empty', () => {
    expect(validationErrorOf(() => new Gateway(newChart(), 'edge', { rendering: GatewayRendering.ISTIO, istioSelector: {} })).detail).toMatch(/^istioSelector is empty/);
    expect(validationErrorOf(() => new Gateway(newChart(), 'edge', { rendering: GatewayRendering.istio({ selector: {} }) })).detail).toMatch(
      /^GatewayRendering\.istio props selector is empty, so the Istio Gateway would bind to every gateway pod/,
    );
  });

  test.each([
    ['istioSelector', GatewayRendering.istio(), { istioSelector: { app: 'edge' } }, "{ app: 'edge' }", 'GatewayRendering.istio({ selector })'],
    ['gatewayClassName', GatewayRendering.gatewayApi(), { gatewayClassName: 'eg' }, "'eg'", 'GatewayRendering.gatewayApi({ gatewayClassName })'],
    ['gatewayClassName', GatewayRendering.istio(), { gatewayClassName: 'eg' }, "'eg'", 'GatewayRendering.gatewayApi({ gatewayClassName })'],
  ])('fails when a rendering factory comes with the deprecated %s prop (%s)', (key, rendering, deprecated, shown, fix) => {
    expect(validationErrorOf(() => new Gateway(newChart(), 'edge', { rendering, ...deprecated })).message).toBe(
      `Gateway props ${key} is ${shown}, but rendering is GatewayRendering.${rendering.kind === 'istio' ? 'istio' : 'gatewayApi'}(), ` +
        `which takes the rendering's props; move it into ${fix} (at test/edge)`,
    );
  });

  test('fails when the rendering is unknown', () => {
    expect(validationErrorOf(() => new Gateway(newChart(), 'edge', { rendering: 'nginx' as GatewayRendering })).detail).toBe(
      "rendering must be GatewayRendering.gatewayApi(), GatewayRendering.istio() or GatewayRendering.ingress(), got 'nginx'",
    );
  });

  test('fails when gatewayClassName is not an object name', () => {
    expect(validationErrorOf(() => new Gateway(newChart(), 'edge', { gatewayClassName: 'Istio Class' })).detail).toMatch(/^gatewayClassName must be a DNS subdomain/);
    expect(validationErrorOf(() => new Gateway(newChart(), 'edge', { rendering: GatewayRendering.gatewayApi({ gatewayClassName: 'Istio Class' }) })).detail).toMatch(
      /^GatewayRendering\.gatewayApi props gatewayClassName must be a DNS subdomain/,
    );
  });
});

describe('listeners', () => {
  const gateway = () => new Gateway(newChart(), 'edge');

  test('fails when a TLS listener has no certificate (HTTPS without tls)', () => {
    expect(validationErrorOf(() => gateway().addListener('https', { protocol: ListenerProtocol.HTTPS, hostnames: ['a.example.com'] })).message).toBe(
      "listener 'https' is HTTPS but has no certificate; give it tls: ListenerTls.fromCertManager(CertificateIssuer.clusterIssuer('…')) " +
        "or ListenerTls.fromSecret('…') (at test/edge)",
    );
  });

  test('fails when plain HTTP is given a certificate', () => {
    expect(validationErrorOf(() => gateway().addListener('web', { protocol: ListenerProtocol.HTTP, tls: ListenerTls.fromSecret('x') })).detail).toBe(
      "listener 'web' is plain HTTP and cannot use a certificate; make it HTTPS or drop tls",
    );
  });

  test('fails when cert-manager is asked for a certificate without hostnames', () => {
    const tls = ListenerTls.fromCertManager(CertificateIssuer.clusterIssuer('le'));
    expect(validationErrorOf(() => gateway().addListener('https', { protocol: ListenerProtocol.HTTPS, tls })).detail).toMatch(
      /^listener 'https' asks cert-manager for a certificate but has no hostnames/,
    );
  });

  test('fails when a listener other than HTTP redirects to HTTPS', () => {
    const tls = ListenerTls.fromSecret('x');
    expect(validationErrorOf(() => gateway().addListener('https', { protocol: ListenerProtocol.HTTPS, tls, redirectToHttps: true })).detail).toBe(
      "listener 'https' is HTTPS; only an HTTP listener can redirect to HTTPS, so drop redirectToHttps",
    );
  });

  test.each([
    ['an IP address', '10.0.0.1'],
    ['upper case', 'Shop.example.com'],
    ['a wildcard inside', 'shop.*.example.com'],
    ['a bare wildcard', '*'],
  ])('fails when a hostname is %s', (_, hostname) => {
    expect(validationErrorOf(() => gateway().addListener('web', { protocol: ListenerProtocol.HTTP, hostnames: [hostname] })).detail).toBe(
      `listener 'web' hostname must be a lower-case DNS name, optionally starting with '*.' (not an IP address), got '${hostname}'`,
    );
  });

  test('fails when a hostname is listed twice', () => {
    expect(validationErrorOf(() => gateway().addListener('web', { protocol: ListenerProtocol.HTTP, hostnames: ['a.com', 'a.com'] })).detail).toMatch(/lists a hostname twice/);
  });

  test.each([0, 65536, 1.5])('fails when the port is %s', (port) => {
    expect(validationErrorOf(() => gateway().addListener('web', { protocol: ListenerProtocol.HTTP, port })).detail).toBe(`listener 'web' port must be 1-65535, got ${port}`);
  });

  test('fails when the protocol is unknown', () => {
    expect(validationErrorOf(() => gateway().addListener('web', { protocol: 'UDP' as ListenerProtocol })).detail).toBe(
      "listener 'web' protocol must be one of HTTP, HTTPS, GRPC, TCP, TLS, got 'UDP'",
    );
  });

  test('fails when the listener name is taken or not a DNS label', () => {
    const edge = gateway();
    edge.addListener('web', { protocol: ListenerProtocol.HTTP });
    expect(validationErrorOf(() => edge.addListener('web', { protocol: ListenerProtocol.HTTP, port: 8080 })).detail).toBe(
      "listener 'web' already exists on gateway 'edge'; give each listener its own name",
    );
    expect(validationErrorOf(() => edge.addListener('Web', { protocol: ListenerProtocol.HTTP, port: 8080 })).detail).toMatch(/^listener name must be/);
  });

  test('fails when two listeners take one hostname on one port', () => {
    const edge = gateway();
    edge.addListener('a', { protocol: ListenerProtocol.HTTP, hostnames: ['a.com', 'b.com'] });
    expect(validationErrorOf(() => edge.addListener('b', { protocol: ListenerProtocol.HTTP, hostnames: ['b.com'] })).detail).toBe(
      "listeners 'a' and 'b' both take hostname 'b.com' on port 80; merge them or give them different hostnames or ports",
    );
  });

  test('fails when a TLS and a plaintext listener share a port', () => {
    const edge = gateway();
    edge.addListener('a', { protocol: ListenerProtocol.HTTP, port: 8443, hostnames: ['a.com'] });
    expect(validationErrorOf(() => edge.addListener('b', { protocol: ListenerProtocol.HTTPS, port: 8443, hostnames: ['b.com'], tls: ListenerTls.fromSecret('b') })).detail).toBe(
      "listeners 'a' and 'b' share port 8443, but one uses TLS and the other does not; give them different ports",
    );
  });

  test('fails when two listeners would get the same Gateway API listener name', () => {
    const edge = gateway();
    edge.addListener('web', { protocol: ListenerProtocol.HTTP, hostnames: ['a.com', 'b.com'] });
    expect(validationErrorOf(() => edge.addListener('web-2', { protocol: ListenerProtocol.HTTP, port: 8080 })).detail).toMatch(
      /^listeners 'web' and 'web-2' would both be named 'web-2' in the Gateway/,
    );
  });

  test('fails when a listener is added after a route', () => {
    const { gateway: edge, frontend } = shopEdge();
    edge.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    expect(validationErrorOf(() => edge.addListener('late', { protocol: ListenerProtocol.HTTP, port: 8080 })).detail).toBe(
      "listener 'late' is added after route 'frontend', and routes attach to the listeners there are; add every listener first",
    );
  });

  test('fails when the certificate issuer or Secret name is not an object name', () => {
    const tls = ListenerTls.fromCertManager(CertificateIssuer.issuer('Bad Issuer'));
    expect(validationErrorOf(() => gateway().addListener('s', { protocol: ListenerProtocol.HTTPS, hostnames: ['a.com'], tls })).detail).toMatch(
      /^listener 's' certificate issuer name must be a DNS subdomain/,
    );
    expect(validationErrorOf(() => gateway().addListener('s', { protocol: ListenerProtocol.HTTPS, tls: ListenerTls.fromSecret('a_b') })).detail).toMatch(
      /^listener 's' tls secret name must be a DNS subdomain/,
    );
  });
});

describe('checks across listeners and routes, at synth', () => {
  test.each(RENDERINGS)('%s: fails when the gateway has no listeners', (rendering) => {
    const chart = newChart();
    new Gateway(chart, 'edge', { rendering });
    expect(synthProblems(chart)).toEqual(["[test/edge] gateway 'edge' has no listeners; add one with addListener"]);
  });

  test('fails when a route is added before any listener of its kind', () => {
    const { gateway, frontend } = shopEdge();
    expect(validationErrorOf(() => gateway.addGrpcRoute('rpc', { backend: GatewayBackend.service(frontend) })).detail).toBe(
      "route 'rpc' needs a GRPC listener on gateway 'edge' to attach to; add one first",
    );
    const bare = new Gateway(newChart(), 'edge');
    expect(validationErrorOf(() => bare.addRoute('web', { backend: GatewayBackend.service(frontend) })).detail).toBe(
      "route 'web' needs an HTTP or HTTPS listener on gateway 'edge' to attach to; add one first",
    );
  });

  test.each(RENDERINGS)('%s: fails when a listener redirects to HTTPS but no HTTPS listener takes its hostnames', (rendering) => {
    const chart = newChart();
    new Gateway(chart, 'edge', { rendering, listeners: { http: { protocol: ListenerProtocol.HTTP, hostnames: ['a.com'], redirectToHttps: true } } });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] listener 'http' redirects to HTTPS, but no HTTPS listener takes its hostnames (a.com); add one",
    ]);
  });

  test('fails when the HTTPS listeners for a redirect are on several ports', () => {
    const chart = newChart();
    const tls = ListenerTls.fromSecret('t');
    new Gateway(chart, 'edge', {
      listeners: {
        http: { protocol: ListenerProtocol.HTTP, redirectToHttps: true },
        a: { protocol: ListenerProtocol.HTTPS, hostnames: ['a.com'], tls },
        b: { protocol: ListenerProtocol.HTTPS, port: 8443, hostnames: ['b.com'], tls },
      },
    });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] listener 'http' redirects to HTTPS, but HTTPS listeners for its hostnames are on several ports (443, 8443); keep them on one port",
    ]);
  });

  test.each(RENDERINGS)('%s: fails when a route hostname is outside every listener hostname, naming route and fix', (rendering) => {
    const { chart, gateway, frontend } = shopEdge(rendering);
    gateway.addRoute('blog', { hostnames: ['blog.example.com', 'shop.example.com'], backend: GatewayBackend.service(frontend) });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] route 'blog' serves hostname 'blog.example.com', which no HTTP(S) listener takes (https: shop.example.com); " +
        "add 'blog.example.com' to a listener's hostnames or drop it from the route",
    ]);
  });

  test('a route hostname within a listener wildcard, or a wildcard route on a listener hostname, attaches', () => {
    const chart = newChart();
    const frontend = new Microservice(chart, 'frontend', web('c'));
    const gateway = new Gateway(chart, 'edge', { listeners: { web: { protocol: ListenerProtocol.HTTP, hostnames: ['*.example.com', 'shop.example.org'] } } });
    gateway.addRoute('a', { hostnames: ['a.b.example.com'], backend: GatewayBackend.service(frontend) });
    gateway.addRoute('b', { hostnames: ['*.example.org'], backend: GatewayBackend.service(frontend) });
    expect(specOf(chart, 'HTTPRoute', 'edge-a').parentRefs).toEqual([{ name: 'edge', sectionName: 'web-1' }]);
    expect(specOf(chart, 'HTTPRoute', 'edge-b').parentRefs).toEqual([{ name: 'edge', sectionName: 'web-2' }]);
  });

  test('fails when no HTTP listener takes routes (every one redirects)', () => {
    const chart = newChart();
    const frontend = new Microservice(chart, 'frontend', web('c'));
    const gateway = new Gateway(chart, 'edge', { listeners: { http: { protocol: ListenerProtocol.HTTP, redirectToHttps: true } } });
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    expect(synthProblems(chart)).toContain(
      "[test/edge] route 'frontend' has no HTTP(S) listener to attach to (one that does not redirect); add one to the gateway",
    );
  });

  test.each(RENDERINGS)('%s: fails when two routes claim the same host and match, naming both', (rendering) => {
    const { chart, gateway, orders, frontend } = shopEdge(rendering);
    gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/') }], backend: GatewayBackend.service(orders) });
    gateway.addRoute('orders-again', { hostnames: ['shop.example.com'], matches: [{ path: PathMatch.prefix('/api') }], backend: GatewayBackend.service(frontend) });
    gateway.addRoute('root', { backend: GatewayBackend.service(frontend) });
    gateway.addRoute('root-again', { matches: [{ path: PathMatch.prefix('/') }], backend: GatewayBackend.service(orders) });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] routes 'orders' and 'orders-again' both take {\"path\":{\"type\":\"PathPrefix\",\"value\":\"/api\"}} on host 'shop.example.com', " +
        'so one of them is never used; merge them or make their matches differ',
      "[test/edge] routes 'root' and 'root-again' both take {\"path\":{\"type\":\"PathPrefix\",\"value\":\"/\"}} on host 'shop.example.com', " +
        'so one of them is never used; merge them or make their matches differ',
    ]);
  });

  test('fails when two routes match the same headers in another order', () => {
    const { chart, gateway, orders, frontend } = shopEdge();
    gateway.addRoute('ab', { matches: [{ headers: [HeaderMatch.exact('a', '1'), HeaderMatch.exact('b', '2')] }], backend: GatewayBackend.service(orders) });
    gateway.addRoute('ba', { matches: [{ headers: [HeaderMatch.exact('b', '2'), HeaderMatch.exact('a', '1')] }], backend: GatewayBackend.service(frontend) });
    gateway.addRoute('a', { matches: [{ headers: [HeaderMatch.exact('a', '1')] }], backend: GatewayBackend.service(frontend) });
    expect(synthProblems(chart)).toEqual([expect.stringMatching(/^\[test\/edge\] routes 'ab' and 'ba' both take /)]);
  });

  test.each(RENDERINGS)('%s: fails when a catch-all route on its host takes the requests of a regular-expression path first', (rendering) => {
    const { chart, gateway, frontend } = shopEdge(rendering);
    gateway.addRoute('regex', { matches: [{ path: PathMatch.regex('/r/[0-9]+') }], backend: GatewayBackend.service(frontend) });
    gateway.addRoute('rest', { backend: GatewayBackend.service(frontend) });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] route 'regex' matches a regular-expression path, which ranks after every path prefix (Exact > PathPrefix > RegularExpression), " +
        "so the catch-all route 'rest' on host 'shop.example.com' takes its requests first; match a path prefix instead, or give the catch-all route a narrower match",
    ]);
  });

  test('the same match on different hosts is no conflict', () => {
    const chart = newChart();
    const frontend = new Microservice(chart, 'frontend', web('c'));
    const gateway = new Gateway(chart, 'edge', { listeners: { web: { protocol: ListenerProtocol.HTTP, hostnames: ['a.com', 'b.com'] } } });
    gateway.addRoute('a', { hostnames: ['a.com'], backend: GatewayBackend.service(frontend) });
    gateway.addRoute('b', { hostnames: ['b.com'], backend: GatewayBackend.service(frontend) });
    expect(() => synthObjects(chart)).not.toThrow();
  });

  test.each(RENDERINGS)('%s: fails when a routed service does not admit the gateway namespace (NetworkPolicy), naming the fix', (rendering) => {
    const { chart, gateway } = shopEdge(rendering);
    const closed = new Microservice(chart, 'closed', web('e', { allowIngressFrom: [IngressPeer.namespace('elsewhere')] }));
    gateway.addRoute('closed', { backend: GatewayBackend.service(closed) });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] route 'closed' sends to closed, but closed admits only its declared callers (NetworkPolicy), so the gateway's proxies in namespace 'test' " +
        "would be refused; add allowIngressFrom: [IngressPeer.namespace('test')] to closed",
    ]);
  });

  test('fails when a meshed service without a NetworkPolicy does not admit the gateway namespace (mesh authorization)', () => {
    const { chart, gateway, canary } = shopEdge();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
    const meshed = new Microservice(chart, 'meshed', web('e', { allowIngressFrom: [], networkPolicy: false, mesh }));
    gateway.addRoute('meshed', { backend: GatewayBackend.service(meshed), mirror: { revision: canary } });
    expect(synthProblems(chart)).toEqual([expect.stringMatching(/meshed admits only its declared callers \(mesh authorization\)/)]);
  });

  test('a service without NetworkPolicy and mesh, or open to anywhere, needs no admission', () => {
    const { chart, gateway } = shopEdge();
    const open = new Microservice(chart, 'open', web('e', { allowIngressFrom: [], networkPolicy: false }));
    const anywhere = new Microservice(chart, 'anywhere', web('f', { allowIngressFrom: [IngressPeer.anywhere()] }));
    gateway.addRoute('open', { hostnames: ['shop.example.com'], matches: [{ path: PathMatch.prefix('/open') }], backend: GatewayBackend.service(open) });
    gateway.addRoute('anywhere', { backend: GatewayBackend.service(anywhere) });
    expect(() => synthObjects(chart)).not.toThrow();
  });

  test('one synth reports every problem of the gateway at once', () => {
    const { chart, gateway, frontend } = shopEdge();
    const closed = new Microservice(chart, 'closed', web('e', { allowIngressFrom: [] }));
    gateway.addRoute('a', { hostnames: ['x.com'], backend: GatewayBackend.service(frontend) });
    gateway.addRoute('b', { backend: GatewayBackend.service(closed) });
    gateway.addRoute('c', { backend: GatewayBackend.service(frontend), retries: { attempts: 2 } });
    const problems = synthProblems(chart);
    expect(problems.map((p) => p.replace(/^\[test\/edge\] (\S+ '?\S+'?).*$/, '$1'))).toEqual([
      "route 'a'",
      "route 'b'",
      "routes 'b'",
      "route 'c'",
    ]);
  });
});
