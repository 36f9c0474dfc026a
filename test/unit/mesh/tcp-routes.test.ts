import { IMeshProvider, Mesh, MeshProvider, Microservice, ServicePortProps, ServiceRoutes, ValidationError } from '../../../lib';
import { schemaErrors } from '../../../lib/internal';
import { findObject, findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, expectRefusal, newChart, synthProblems, validationErrorOf } from '../../fixtures';

const HOST = 'orders-db.test.svc.cluster.local';
const POSTGRES: ServicePortProps = { name: 'tcp-postgres', port: 5432 };

/** `orders-db` with revisions stable and next in a mesh of `provider`, and its routing table at test/routes. */
function database(provider: IMeshProvider = MeshProvider.istio(), ports: readonly ServicePortProps[] = [POSTGRES]) {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider });
  const db = new Microservice(chart, 'orders-db', { image: digestImage(), ports, mesh });
  const stable = db.revisions[0];
  const next = db.addRevision('next', { image: digestImage('ghcr.io/acme/app', 'b') });
  const routes = new ServiceRoutes(chart, 'routes', { service: db });
  return { chart, db, stable, next, routes };
}

describe('ServiceRoutes.addTcpRoute', () => {
  test('resolves the port (the only one when not named) and the weighted revisions', () => {
    const { stable, next, routes } = database();
    const route = routes.addTcpRoute('postgres', { backends: [{ revision: stable, weight: 90 }, { revision: next, weight: 10 }] });
    expect(route.port).toEqual({ name: 'tcp-postgres', port: 5432, containerPort: 5432, protocol: 'TCP' });
    expect(route.backends).toEqual([{ target: stable, weight: 90 }, { target: next, weight: 10 }]);
    expect(routes.tcpRoutes).toEqual([route]);
    expect(routes.routes).toEqual([]);
  });

  test('a table of TCP routes only needs no catch-all HTTP route', () => {
    const { chart, stable, routes } = database();
    routes.addTcpRoute('postgres', { backends: [{ revision: stable }] });
    expect(() => synthObjects(chart)).not.toThrow();
  });

  test.each<[string, readonly ServicePortProps[], Parameters<ServiceRoutes['addTcpRoute']>[1]['port'], RegExp]>([
    ['the port is not named and the service has several', [POSTGRES, { name: 'tcp-admin', port: 5433 }], undefined,
      /TCP route 'db' has no port, and orders-db has several \('tcp-postgres', 'tcp-admin'\); name the port the route takes/],
    ['the port is unknown', [POSTGRES], 'tcp-mysql', /TCP route 'db' port 'tcp-mysql' is not a port of orders-db \(ports: 'tcp-postgres'\); name one of them/],
    ['the port is UDP', [{ name: 'dns', port: 53, protocol: 'UDP' }], 'dns', /TCP route 'db' port 'dns' of orders-db is UDP, not TCP; route a TCP port/],
  ])('fails when %s', (_, ports, port, message) => {
    const { stable, routes } = database(MeshProvider.istio(), ports);
    expect(() => routes.addTcpRoute('db', { port, backends: [{ revision: stable }] })).toThrow(message);
  });

  test('fails when a TCP route has no backends, or a revision of another service', () => {
    const { chart, routes } = database();
    expect(() => routes.addTcpRoute('db', { backends: [] })).toThrow(/TCP route 'db' has no backends; give it at least one revision of orders-db/);
    const other = new Microservice(chart, 'other', { image: digestImage(), ports: [POSTGRES] });
    expect(() => routes.addTcpRoute('db', { backends: [{ revision: other.revisions[0] }] })).toThrow(/is not a live revision of orders-db/);
  });

  test('fails when a port gets two TCP routes, or a name is taken by an HTTP route', () => {
    const { stable, next, routes } = database(MeshProvider.istio(), [POSTGRES, { name: 'http', port: 80 }]);
    routes.addTcpRoute('db', { port: 'tcp-postgres', backends: [{ revision: stable }] });
    expect(() => routes.addTcpRoute('db2', { port: 'tcp-postgres', backends: [{ revision: next }] })).toThrow(
      "TCP route 'db2' takes port 'tcp-postgres' of orders-db, which TCP route 'db' takes already; give the port one TCP route with all its backends",
    );
    routes.addRoute('web', { backends: [{ revision: stable }] });
    expect(() => routes.addTcpRoute('web', { port: 'tcp-postgres', backends: [{ revision: stable }] })).toThrow(/route 'web' already exists on orders-db/);
  });

  test('fails when the props have the wrong shape, naming the prop', () => {
    const { stable, routes } = database();
    const error = validationErrorOf(() => routes.addTcpRoute('db', { port: 5432 as any, backends: [{ revision: stable }] }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/TCP route 'db' port must be a string/);
  });
});

describe('Istio: TCP routes as VirtualService tcp routes', () => {
  test('the connections to the port are weighted across the revision subsets, beside the HTTP routes', () => {
    const { chart, stable, next, routes } = database(MeshProvider.istio(), [{ name: 'http', port: 80, containerPort: 8080 }, POSTGRES]);
    routes.addRoute('default', { backends: [{ revision: stable }] });
    routes.addTcpRoute('postgres', { port: 'tcp-postgres', backends: [{ revision: stable, weight: 3 }, { revision: next, weight: 1 }] });
    const objects = synthObjects(chart);
    const spec = findObject(objects, { kind: 'VirtualService', name: 'orders-db' }).spec as any;
    expect(spec.tcp).toEqual([
      {
        match: [{ port: 5432 }],
        route: [
          { destination: { host: HOST, subset: 'stable', port: { number: 5432 } }, weight: 75 },
          { destination: { host: HOST, subset: 'next', port: { number: 5432 } }, weight: 25 },
        ],
      },
    ]);
    expect(spec.http.map((r: any) => r.name)).toEqual(['default']);
    for (const object of objects) {
      expect({ object: object.kind, problem: schemaErrors(object) }).toEqual({ object: object.kind, problem: undefined });
    }
  });

  test('a table of TCP routes only writes no http section', () => {
    const { chart, stable, routes } = database();
    routes.addTcpRoute('postgres', { backends: [{ revision: stable }] });
    expect(findObject(synthObjects(chart), { kind: 'VirtualService', name: 'orders-db' }).spec).not.toHaveProperty('http');
  });

  test('fails when the port is not named for TCP, or a weight rounds to 0%', () => {
    const { chart, stable, next, routes } = database(MeshProvider.istio(), [{ name: 'postgres', port: 5432 }]);
    routes.addTcpRoute('db', { backends: [{ revision: stable, weight: 1000 }, { revision: next, weight: 1 }] });
    expect(synthProblems(chart)).toEqual([
      "[test/routes/Mesh] TCP route 'db' of orders-db: weight 1 of 'next' is below 1% of the total 1001 and would round to 0%; " +
        'raise it or set it to 0 (istio weights are whole percentages)',
      "[test/routes/Mesh] TCP route 'db' of orders-db takes port 'postgres', which istio does not read as TCP (it takes a port's protocol " +
        "from its name, and routes TCP only on ports named 'tcp', 'mongo', 'mysql' or 'redis', alone or with a '-suffix'); " +
        "name the port e.g. 'tcp-postgres'",
    ]);
  });
});

describe('Linkerd refuses TCP routes', () => {
  test('fails at synth naming the route, the port and linkerd', () => {
    const { chart, stable, routes } = database(MeshProvider.linkerd());
    routes.addTcpRoute('postgres', { backends: [{ revision: stable }] });
    expect(synthProblems(chart)).toContain(
      "[test/routes/Mesh] TCP route 'postgres' of orders-db splits connections to port 'tcp-postgres' by revision, which linkerd cannot " +
        'express (its policy.linkerd.io API routes HTTP only: HTTPRoute, no TCP route); drop the TCP route and let the stable Service ' +
        'balance across its revisions, or run the service in an istio mesh',
    );
  });

  test('no TCP route, no refusal: the HTTP routes of a TCP-ported service still compile', () => {
    const { chart, stable, routes } = database(MeshProvider.linkerd(), [{ name: 'http', port: 80 }]);
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(findObjects(synthObjects(chart), { kind: 'HTTPRoute' })).toHaveLength(1);
  });
});

describe('wrong JavaScript values given to addTcpRoute', () => {
  test.each<[string, (routes: ServiceRoutes, revision: Microservice['revisions'][number]) => unknown, string, string, RegExp]>([
    ['the port as a number', (r, rev) => r.addTcpRoute('db', { port: 5432 as never, backends: [{ revision: rev }] }), "TCP route 'db' port", 'got 5432', /write it in quotes/],
    ['backends as one object', (r, rev) => r.addTcpRoute('db', { backends: { revision: rev } as never }), "TCP route 'db' backends", 'got { revision: a Revision }', /a list of backends/],
    ['an unknown key (a match: TCP has none)', (r, rev) => r.addTcpRoute('db', { backends: [{ revision: rev }], matches: [] } as never), "TCP route 'db' matches", 'is not a known prop', /the known props are port, backends/],
  ])('%s is refused, naming the route and the prop', (_, build, prop, shown, fix) => {
    const { stable, routes } = database();
    expectRefusal(() => build(routes, stable), { path: 'test/routes', prop, shown, fix });
  });
});
