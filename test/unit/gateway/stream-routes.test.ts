import { App, Chart } from 'cdk8s';
import { Gateway, GatewayBackend, GatewayRendering, IngressPeer, ListenerProtocol, ListenerTls, Microservice } from '../../../lib';
import { schemaErrors } from '../../../lib/internal';
import { findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, expectRefusal, newChart, validationErrorOf } from '../../fixtures';
import { specOf, synthProblems } from './fixtures';

const LISTENERS = {
  postgres: { protocol: ListenerProtocol.TCP, port: 5432 },
  tls: { protocol: ListenerProtocol.TLS_PASSTHROUGH, port: 8443, hostnames: ['*.db.example.com'] },
};

/** Namespace 'test': orders-db (stable + next, a TCP port), and the gateway 'edge' with a TCP and a TLS passthrough listener. */
function dbEdge(rendering = GatewayRendering.gatewayApi()) {
  const chart = newChart();
  const db = new Microservice(chart, 'orders-db', {
    image: digestImage(),
    ports: [{ name: 'tcp-postgres', port: 5432 }],
    allowIngressFrom: [IngressPeer.namespace('test')],
  });
  const stable = db.revisions[0];
  const next = db.addRevision('next', { image: digestImage('ghcr.io/acme/app', 'b') });
  const gateway = new Gateway(chart, 'edge', { rendering, listeners: LISTENERS });
  return { chart, db, stable, next, gateway };
}

describe('TCP and TLS passthrough routes, Gateway API rendering', () => {
  test('listeners: TCP without hostname, TLS in Passthrough mode; each takes its own route kind', () => {
    const { chart, db, gateway } = dbEdge();
    gateway.addTcpRoute('postgres', { backend: GatewayBackend.service(db) });
    expect(specOf(chart, 'Gateway', 'edge').listeners).toEqual([
      { name: 'postgres', protocol: 'TCP', port: 5432, allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'TCPRoute' }] } },
      {
        name: 'tls',
        protocol: 'TLS',
        port: 8443,
        hostname: '*.db.example.com',
        tls: { mode: 'Passthrough' },
        allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'TLSRoute' }] },
      },
    ]);
  });

  test('a TCP route is a TCPRoute (v1) on its listener, weighted across per-revision Services', () => {
    const { chart, stable, next, db, gateway } = dbEdge();
    gateway.addTcpRoute('postgres', { backend: GatewayBackend.revisions(db, [{ revision: stable, weight: 9 }, { revision: next, weight: 1 }]) });
    const route = findObjects(synthObjects(chart), { kind: 'TCPRoute' })[0];
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata.name).toBe('edge-postgres');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'edge', sectionName: 'postgres' }],
      rules: [{ name: 'postgres', backendRefs: [{ name: stable.name, port: 5432, weight: 9 }, { name: next.name, port: 5432, weight: 1 }] }],
    });
  });

  test('a route name is taken whatever the kind: a TLS route may not reuse a TCP route\'s name', () => {
    const { db, gateway } = dbEdge();
    gateway.addTcpRoute('orders-db', { backend: GatewayBackend.service(db) });
    expect(validationErrorOf(() => gateway.addTlsRoute('orders-db', { hostnames: ['orders.db.example.com'], backend: GatewayBackend.service(db) })).detail)
      .toBe("route 'orders-db' already exists on gateway 'edge'; give each route its own name");
  });

  test('a TLS route is a TLSRoute (v1) with its SNI hostnames', () => {
    const { chart, db, gateway } = dbEdge();
    gateway.addTlsRoute('orders-db', { hostnames: ['orders.db.example.com'], backend: GatewayBackend.service(db) });
    expect(specOf(chart, 'TLSRoute', 'edge-orders-db')).toEqual({
      parentRefs: [{ name: 'edge', sectionName: 'tls' }],
      hostnames: ['orders.db.example.com'],
      rules: [{ name: 'orders-db', backendRefs: [{ name: 'orders-db', port: 5432 }] }],
    });
  });

  test('a backend in another namespace gets a ReferenceGrant for the route kind', () => {
    const app = new App();
    const data = new Chart(app, 'data', { namespace: 'data' });
    const db = new Microservice(data, 'orders-db', {
      image: digestImage(),
      ports: [{ name: 'tcp-postgres', port: 5432 }],
      allowIngressFrom: [IngressPeer.namespace('edge')],
    });
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    const gateway = new Gateway(edge, 'edge', { listeners: LISTENERS });
    gateway.addTcpRoute('postgres', { backend: GatewayBackend.service(db) });
    expect(specOf(edge, 'TCPRoute', 'edge-postgres').rules[0].backendRefs).toEqual([{ name: 'orders-db', namespace: 'data', port: 5432 }]);
    expect(specOf(data, 'ReferenceGrant', 'edge-gateway-routes').from).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'TCPRoute', namespace: 'edge' }]);
  });

  test('every object passes its schema', () => {
    const { chart, stable, next, db, gateway } = dbEdge();
    gateway.addTcpRoute('postgres', { backend: GatewayBackend.revisions(db, [{ revision: stable }, { revision: next }]) });
    gateway.addTlsRoute('orders-db', { hostnames: ['orders.db.example.com'], backend: GatewayBackend.service(db) });
    for (const object of synthObjects(chart)) {
      expect({ object: object.kind, problem: schemaErrors(object) }).toEqual({ object: object.kind, problem: undefined });
    }
  });
});

describe('TCP and TLS passthrough routes, Istio rendering', () => {
  test('servers TCP and TLS PASSTHROUGH; a VirtualService per route with tcp or tls (sniHosts) routes', () => {
    const { chart, stable, next, db, gateway } = dbEdge(GatewayRendering.istio());
    gateway.addTcpRoute('postgres', { backend: GatewayBackend.revisions(db, [{ revision: stable, weight: 3 }, { revision: next, weight: 1 }]) });
    gateway.addTlsRoute('orders-db', { hostnames: ['orders.db.example.com'], backend: GatewayBackend.service(db) });
    expect(specOf(chart, 'Gateway', 'edge').servers).toEqual([
      { name: 'postgres', port: { number: 5432, name: 'postgres', protocol: 'TCP' }, hosts: ['./*'] },
      { name: 'tls', port: { number: 8443, name: 'tls', protocol: 'TLS' }, hosts: ['./*.db.example.com'], tls: { mode: 'PASSTHROUGH' } },
    ]);
    const host = (name: string) => `${name}.test.svc.cluster.local`;
    expect(specOf(chart, 'VirtualService', 'edge-tcp-postgres')).toEqual({
      hosts: ['*'],
      gateways: ['test/edge'],
      tcp: [{
        match: [{ port: 5432 }],
        route: [
          { destination: { host: host(stable.name), port: { number: 5432 } }, weight: 75 },
          { destination: { host: host(next.name), port: { number: 5432 } }, weight: 25 },
        ],
      }],
    });
    expect(specOf(chart, 'VirtualService', 'edge-tls-orders-db')).toEqual({
      hosts: ['orders.db.example.com'],
      gateways: ['test/edge'],
      tls: [{ match: [{ port: 8443, sniHosts: ['orders.db.example.com'] }], route: [{ destination: { host: host('orders-db'), port: { number: 5432 } } }] }],
    });
  });
});

describe('what TCP and TLS routes refuse', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['a TCP listener has no port', () => new Gateway(newChart(), 'edge', { listeners: { db: { protocol: ListenerProtocol.TCP } } }),
      /listener 'db' is TCP, which has no usual port; give it port/],
    ['a TCP listener has hostnames', () => new Gateway(newChart(), 'edge', { listeners: { db: { protocol: ListenerProtocol.TCP, port: 5432, hostnames: ['db.example.com'] } } }),
      /listener 'db' is TCP, which carries no hostname to match; drop hostnames/],
    ['a TLS passthrough listener has a certificate', () => new Gateway(newChart(), 'edge', {
      listeners: { db: { protocol: ListenerProtocol.TLS_PASSTHROUGH, port: 8443, tls: ListenerTls.fromSecret('db-tls') } },
    }), /listener 'db' is TLS, which does not terminate TLS \(the backend holds the certificate\); drop tls/],
    ['a TCP listener shares its port with an HTTP one', () => new Gateway(newChart(), 'edge', {
      listeners: { web: { protocol: ListenerProtocol.HTTP, port: 8080 }, db: { protocol: ListenerProtocol.TCP, port: 8080 } },
    }), /listeners 'web' \(HTTP\) and 'db' \(TCP\) share port 8080, but a port takes one protocol; give them different ports/],
  ])('fails when %s', (_, build, message) => {
    expect(build).toThrow(message);
  });

  test('fails when a route has no listener of its kind, names an unknown one, or a TLS hostname no listener takes', () => {
    const { db, gateway } = dbEdge();
    expect(() => gateway.addTcpRoute('pg', { listener: 'tls', backend: GatewayBackend.service(db) })).toThrow(
      "route 'pg' listener 'tls' is not a TCP listener of the gateway (TCP listeners: 'postgres'); name one of them",
    );
    expect(() => gateway.addTlsRoute('pg', { hostnames: ['db.other.com'], backend: GatewayBackend.service(db) })).toThrow(
      "route 'pg' takes hostname 'db.other.com', which no TLS passthrough listener takes (tls: *.db.example.com); add it to a listener's hostnames or drop it",
    );
    expect(() => gateway.addTlsRoute('pg', { hostnames: [], backend: GatewayBackend.service(db) })).toThrow(/has no hostnames, and a TLS route is chosen by the SNI hostname/);
    const web = new Gateway(newChart('other'), 'web', { listeners: { http: { protocol: ListenerProtocol.HTTP } } });
    expect(() => web.addTcpRoute('pg', { backend: GatewayBackend.service(db) })).toThrow("route 'pg' needs a TCP listener on gateway 'web' to attach to; add one first");
  });

  test('fails at synth when two routes take one listener or one SNI hostname, or the backend does not admit the gateway', () => {
    const { chart, db, gateway } = dbEdge();
    const closed = new Microservice(chart, 'closed-db', { image: digestImage(), ports: [{ name: 'tcp-postgres', port: 5432 }] });
    gateway.addTcpRoute('a', { backend: GatewayBackend.service(db) });
    gateway.addTcpRoute('b', { backend: GatewayBackend.service(closed) });
    gateway.addTlsRoute('c', { hostnames: ['orders.db.example.com'], backend: GatewayBackend.service(db) });
    gateway.addTlsRoute('d', { hostnames: ['orders.db.example.com'], backend: GatewayBackend.service(db) });
    const problems = synthProblems(chart);
    expect(problems).toContain("[test/edge] routes 'a' and 'b' both take listener 'postgres', so one of them is never used; merge their backends into one route");
    expect(problems).toContain(
      "[test/edge] routes 'c' and 'd' both take SNI hostname 'orders.db.example.com', so one of them is never used; merge their backends into one route",
    );
    expect(problems.join('\n')).toMatch(/route 'b' sends to closed-db, but/);
  });

  test('fails at synth in Istio when a weight rounds to 0%', () => {
    const { chart, stable, next, db, gateway } = dbEdge(GatewayRendering.istio());
    gateway.addTcpRoute('postgres', { backend: GatewayBackend.revisions(db, [{ revision: stable, weight: 1000 }, { revision: next, weight: 1 }]) });
    expect(synthProblems(chart).join('\n')).toMatch(/route 'postgres': weight 1 of .* would round to 0%.*\(istio weights are whole percentages\)/);
  });
});

describe('wrong JavaScript values given to addTcpRoute and addTlsRoute', () => {
  test('hostnames as one string, and an unknown key, are refused naming the route and the prop', () => {
    const { db, gateway } = dbEdge();
    expectRefusal(() => gateway.addTlsRoute('r', { hostnames: 'orders.db.example.com' as never, backend: GatewayBackend.service(db) }), {
      path: 'test/edge', prop: "route 'r' hostnames", shown: "got 'orders.db.example.com'", fix: /pass each item on its own: \['orders.db.example.com'\]/,
    });
    expectRefusal(() => gateway.addTcpRoute('r', { backend: GatewayBackend.service(db), hostnames: ['db.example.com'] } as never), {
      path: 'test/edge', prop: "route 'r' hostnames", shown: 'is not a known prop', fix: /the known props are listener, backend/,
    });
  });
});
