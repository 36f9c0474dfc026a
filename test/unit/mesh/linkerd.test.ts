import { App, Chart, Duration } from 'cdk8s';
import { HeaderMatch, IngressPeer, LabelKeys, Manifest, Mesh, MeshProvider, Microservice, MicroserviceProps, PathMatch, QueryParamMatch, RetryOn, RouteProps, ServiceRoutes, ServiceRoutesProps } from '../../../lib';
import { objectRole, schemaErrors } from '../../../lib/internal';
import { findObject, findObjects, synthObjects, synthYaml } from '../../../lib/testing';
import { crdProblems, CRD_ROOT, crdSchemas, crdSchemasAvailable } from '../../crd-schema';
import { digestImage, newChart, synthProblemMessages, validationErrorOf } from '../../fixtures';
import { meshedShop, web } from './meshed-shop';

const linkerd = () => MeshProvider.linkerd();

/** A meshed service with a second revision and a routing table, for route tests. */
function routedService(routesProps: Partial<ServiceRoutesProps> = {}, serviceProps: Partial<MicroserviceProps> = {}) {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: linkerd() });
  const reviews = new Microservice(chart, 'reviews', { ...web, mesh, track: 'v1', ...serviceProps });
  const v1 = reviews.revisions[0];
  const v2 = reviews.addRevision('v2', { image: digestImage('ghcr.io/acme/app', 'b') });
  const routes = new ServiceRoutes(chart, 'routes', { service: reviews, ...routesProps });
  return { chart, mesh, reviews, v1, v2, routes };
}

const spec = (o: Manifest) => o.spec as any;


/** A stack using every Linkerd object and route feature the provider emits. */
function everyFeature(): Chart {
  const app = new App();
  const backend = new Chart(app, 'backend', { namespace: 'backend' });
  const edge = new Chart(app, 'edge', { namespace: 'edge' });
  const mesh = new Mesh(backend, 'mesh', { provider: linkerd() });
  const ratings = new Microservice(backend, 'ratings', {
    ...web,
    mesh,
    ports: [{ port: 80, containerPort: 8080 }, { name: 'admin', port: 9090 }, { name: 'dns', port: 53, protocol: 'UDP' }],
    allowIngressFrom: [IngressPeer.namespace('ingress'), IngressPeer.anywhere()],
  });
  const v2 = ratings.addRevision('v2', { image: digestImage('ghcr.io/acme/app', 'b') });
  new Microservice(edge, 'frontend', { ...web, mesh, dependencies: [ratings] });
  const routes = new ServiceRoutes(backend, 'ratings-routes', {
    service: ratings,
    circuitBreaker: { outlierDetection: { consecutiveErrors: 3, baseEjectionTime: Duration.minutes(2), maxEjectionPercent: 100 } },
  });
  const retries = { attempts: 3, perTryTimeout: Duration.millis(500), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.SERVER_ERROR] };
  routes.addRoute('exact', { matches: [{ path: PathMatch.exact('/ratings/special/one'), method: 'GET' }], backends: [{ revision: v2 }], retries });
  routes.addRoute('regex', {
    matches: [{ path: PathMatch.regex('/ratings/[0-9]+'), queryParams: [QueryParamMatch.exact('debug', '1'), QueryParamMatch.regex('v', '[0-9]+')] }],
    backends: [{ revision: v2 }],
    retries,
  });
  routes.addRoute('tester', {
    matches: [{ headers: [HeaderMatch.exact('end-user', 'jason'), HeaderMatch.regex('x-group', 'qa|dev')] }],
    backends: [{ revision: v2 }],
    headers: { request: { set: { 'x-tester': 'yes' }, add: { 'x-via': 'mesh' }, remove: ['x-debug'] }, response: { set: { 'cache-control': 'no-store' }, remove: ['server'] } },
    timeout: Duration.seconds(3),
    retries,
  });
  routes.addRoute('default', {
    backends: [{ revision: ratings.revisions[0], weight: 90 }, { revision: v2, weight: 10 }],
    timeout: Duration.millis(2500),
    retries,
  });
  return backend;
}

describe('Mesh with the Linkerd provider: security', () => {
  test('every emitted object passes its schema (Kubernetes models; Linkerd objects see the CRD test)', () => {
    for (const object of synthObjects(everyFeature())) {
      expect({ object: `${object.kind}/${object.metadata.name}`, problem: schemaErrors(object) }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        problem: undefined,
      });
    }
  });

  const crdTest = crdSchemasAvailable ? test : test.skip;
  crdTest(`every Linkerd object passes its CRD schema from ${CRD_ROOT}`, () => {
    const schemas = crdSchemas();
    const linkerdObjects = [...synthObjects(everyFeature()), ...synthObjects(meshedShop(linkerd()).chart)].filter((o) => o.apiVersion.startsWith('policy.linkerd.io/'));
    expect(new Set(linkerdObjects.map((o) => o.kind))).toEqual(
      new Set(['Server', 'MeshTLSAuthentication', 'NetworkAuthentication', 'AuthorizationPolicy', 'HTTPRoute']),
    );
    for (const object of linkerdObjects) {
      const schema = schemas.get(`${object.apiVersion}/${object.kind}`);
      expect({ object: `${object.kind}/${object.metadata.name}`, known: schema !== undefined }).toEqual({ object: `${object.kind}/${object.metadata.name}`, known: true });
      expect({ object: `${object.kind}/${object.metadata.name}`, problems: crdProblems(schema!, object) }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        problems: [],
      });
    }
  });

  test('the CRD check itself catches a wrong field, a missing one and a too-long list', () => {
    const schema: Record<string, unknown> = {
      type: 'object',
      properties: { spec: { type: 'object', required: ['port'], properties: { port: { 'x-kubernetes-int-or-string': true }, list: { type: 'array', maxItems: 1, items: { type: 'string' } } } } },
    };
    expect(crdProblems(schema, { spec: { prot: 1, list: ['a', 'b'] } })).toEqual([
      ".spec: missing required field 'port'",
      ".spec: unknown field 'prot'",
      '.spec.list: more than 1 items',
    ]);
  });

  test('pods get the Linkerd injection and deny-by-default annotations, which make a new revision', () => {
    const { chart, payments } = meshedShop(linkerd());
    const meshed = payments.revisions[0];
    const plain = new Microservice(newChart(), 'payments', web).revisions[0];
    const istio = meshedShop(MeshProvider.istio()).payments.revisions[0];
    expect(new Set([meshed.revisionId, plain.revisionId, istio.revisionId]).size).toBe(3);
    const template = spec(findObject(synthObjects(chart), { kind: 'Deployment', name: meshed.name })).template;
    expect(template.metadata.annotations).toEqual({ 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'deny' });
    expect(template.metadata.labels['sidecar.istio.io/inject']).toBeUndefined();
  });

  test('nothing per namespace and no Istio object: the policies are per service', () => {
    const objects = synthObjects(meshedShop(linkerd()).chart);
    expect(objects.filter((o) => o.apiVersion.includes('istio.io'))).toEqual([]);
    expect(findObjects(objects, { kind: 'Namespace' })).toEqual([]);
  });

  test('each TCP port of a service gets a deny-by-default Server selecting every revision\'s pods and the container port', () => {
    const { chart, payments } = meshedShop(linkerd());
    const server = findObject(synthObjects(chart), { kind: 'Server', name: 'payments-http' });
    expect(server.apiVersion).toBe('policy.linkerd.io/v1beta3');
    expect(server.metadata.namespace).toBe('test');
    expect(server.spec).toEqual({ podSelector: { matchLabels: payments.labels }, port: 'http', accessPolicy: 'deny' });
    expect(payments.labels[LabelKeys.REVISION as string]).toBeUndefined();

    const objects = synthObjects(everyFeature());
    expect(findObjects(objects, { kind: 'Server' }).filter((s) => s.metadata.name!.startsWith('ratings')).map((s) => [s.metadata.name, spec(s).port])).toEqual([
      ['ratings-http', 'http'],
      ['ratings-admin', 'admin'],
    ]);
  });

  test('each service admits exactly its declared callers\' ServiceAccounts by mTLS identity, on every Server', () => {
    const objects = synthObjects(meshedShop(linkerd()).chart);
    expect(findObject(objects, { kind: 'MeshTLSAuthentication', name: 'payments' }).spec).toEqual({
      identityRefs: [{ kind: 'ServiceAccount', name: 'orders', namespace: 'test' }],
    });
    const policy = findObject(objects, { kind: 'AuthorizationPolicy', name: 'payments-http' });
    expect(policy.apiVersion).toBe('policy.linkerd.io/v1alpha1');
    expect(policy.spec).toEqual({
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'payments-http' },
      requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'payments' }],
    });
    const ordersCallers = spec(findObject(objects, { kind: 'MeshTLSAuthentication', name: 'orders' })).identityRefs;
    expect(ordersCallers).toEqual([{ kind: 'ServiceAccount', name: 'frontend', namespace: 'test' }]);
  });

  test('callers declared later and in other namespaces count, in declaration order', () => {
    const app = new App();
    const backend = new Chart(app, 'backend', { namespace: 'backend' });
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    const mesh = new Mesh(backend, 'mesh', { provider: linkerd() });
    const payments = new Microservice(backend, 'payments', { ...web, mesh });
    new Microservice(edge, 'frontend', { ...web, mesh, dependencies: [payments] });
    const worker = new Microservice(backend, 'worker', { ...web, mesh });
    worker.addDependency(payments);
    const objects = synthObjects(backend);
    expect(spec(findObject(objects, { kind: 'MeshTLSAuthentication', name: 'payments' })).identityRefs).toEqual([
      { kind: 'ServiceAccount', name: 'frontend', namespace: 'edge' },
      { kind: 'ServiceAccount', name: 'worker', namespace: 'backend' },
    ]);
    expect(findObjects(objects, { kind: 'AuthorizationPolicy' }).map((o) => o.metadata.name)).toEqual(['payments-http']);
  });

  test('a service nobody calls has its Servers and nothing that admits anyone (Linkerd then denies every request)', () => {
    const objects = synthObjects(meshedShop(linkerd()).chart);
    const frontendPolicies = findObjects(objects, { kind: 'AuthorizationPolicy', labels: { [LabelKeys.NAME]: 'frontend' } });
    expect(frontendPolicies.map((p) => spec(p).requiredAuthenticationRefs[0].kind)).toEqual(['NetworkAuthentication']);
    const chart = newChart();
    new Microservice(chart, 'lonely', { ...web, mesh: new Mesh(chart, 'mesh', { provider: linkerd() }) });
    const lonely = synthObjects(chart).filter((o) => o.apiVersion.startsWith('policy.linkerd.io/'));
    expect(lonely.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Server/lonely-http']);
  });

  test('a namespace peer is admitted by the mesh identities of its namespace, even without callers', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: linkerd() });
    new Microservice(chart, 'api', { ...web, mesh, allowIngressFrom: [IngressPeer.namespace('ingress'), IngressPeer.namespace('ingress')] });
    const objects = synthObjects(chart);
    expect(spec(findObject(objects, { kind: 'MeshTLSAuthentication', name: 'api' })).identityRefs).toEqual([{ kind: 'Namespace', name: 'ingress' }]);
    expect(findObject(objects, { kind: 'AuthorizationPolicy', name: 'api-http' }).spec).toMatchObject({ targetRef: { name: 'api-http' } });
  });

  test('a public entry point admits any network, IPv4 and IPv6, on every Server', () => {
    const objects = synthObjects(meshedShop(linkerd()).chart);
    expect(findObject(objects, { kind: 'NetworkAuthentication', name: 'frontend-anywhere' }).spec).toEqual({
      networks: [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }],
    });
    expect(findObject(objects, { kind: 'AuthorizationPolicy', name: 'frontend-http-anywhere' }).spec).toEqual({
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'frontend-http' },
      requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'frontend-anywhere' }],
    });
  });

  test('a UDP-only service gets no Linkerd object (the proxy handles TCP only)', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: linkerd() });
    const dns = new Microservice(chart, 'dns', { ...web, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }], mesh });
    new Microservice(chart, 'client', { ...web, mesh, dependencies: [dns] });
    expect(synthObjects(chart).filter((o) => o.apiVersion.startsWith('policy.linkerd.io/') && o.metadata.name!.startsWith('dns'))).toEqual([]);
  });

  test('fails when an allowIngressFrom namespace is not a DNS label', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: linkerd() });
    const error = validationErrorOf(() => new Microservice(chart, 'api', { ...web, mesh, networkPolicy: false, allowIngressFrom: [IngressPeer.namespace('Bad_NS')] }));
    expect(error.message).toMatch(/allowIngressFrom namespace must be .* got 'Bad_NS'/);
    expect(error.path).toBe('test/api');
  });

  test('the same stack code synthesizes with Istio and with Linkerd, deterministically', () => {
    const stack = (provider: () => ReturnType<typeof linkerd>) => synthYaml(meshedShop(provider()).chart);
    expect(stack(linkerd)).toBe(stack(linkerd));
    expect(stack(() => MeshProvider.istio())).toContain('kind: Sidecar');
    expect(stack(linkerd)).toContain('kind: Server');
    expect(stack(linkerd)).not.toContain('kind: Sidecar');
  });
});

describe('Mesh with the Linkerd provider: routing tables', () => {
  test('a Service per revision a route sends to, a revision object selecting only that revision, with the stable Service\'s ports', () => {
    const { chart, reviews, v1, v2, routes } = routedService({}, { ports: [{ port: 80, containerPort: 8080 }, { name: 'grpc', port: 9090 }] });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'Service', name: v2.name })).toEqual([]);
    for (const revision of [v1]) {
      const backend = findObject(objects, { kind: 'Service', name: revision.name });
      expect(backend.metadata.labels).toEqual({ ...reviews.labels, [LabelKeys.REVISION]: revision.revisionId });
      expect(spec(backend)).toEqual({
        type: 'ClusterIP',
        selector: { [LabelKeys.NAME]: 'reviews', [LabelKeys.REVISION]: revision.revisionId },
        ports: [
          { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
          { name: 'grpc', port: 9090, targetPort: 'grpc', protocol: 'TCP' },
        ],
      });
      expect(objectRole(backend)).toBe('revision');
    }
    expect(findObjects(objects, { kind: 'HTTPRoute' }).map((o) => [o.metadata.name, spec(o).parentRefs])).toEqual([
      ['reviews-http', [{ group: 'core', kind: 'Service', name: 'reviews', port: 80 }]],
      ['reviews-grpc', [{ group: 'core', kind: 'Service', name: 'reviews', port: 9090 }]],
    ]);
  });

  test('one rule per route in the declared order: matches, weighted backends, header changes, timeouts', () => {
    const objects = synthObjects(everyFeature());
    const route = findObject(objects, { kind: 'HTTPRoute', name: 'ratings-http' });
    expect(route.apiVersion).toBe('policy.linkerd.io/v1beta3');
    expect(route.metadata.namespace).toBe('backend');
    const [v1, v2] = findObjects(objects, { kind: 'Deployment', labels: { [LabelKeys.NAME]: 'ratings' } }).map((d) => d.metadata.name!);
    const backend = (name: string, weight: number, filters?: unknown) => ({ kind: 'Service', name, port: 80, weight, ...(filters ? { filters } : {}) });
    expect(spec(route).rules).toEqual([
      { matches: [{ path: { type: 'Exact', value: '/ratings/special/one' }, method: 'GET' }], backendRefs: [backend(v2, 1)] },
      {
        matches: [{
          path: { type: 'RegularExpression', value: '/ratings/[0-9]+' },
          queryParams: [{ name: 'debug', type: 'Exact', value: '1' }, { name: 'v', type: 'RegularExpression', value: '[0-9]+' }],
        }],
        backendRefs: [backend(v2, 1)],
      },
      {
        matches: [{ headers: [{ name: 'end-user', type: 'Exact', value: 'jason' }, { name: 'x-group', type: 'RegularExpression', value: 'qa|dev' }] }],
        filters: [{
          type: 'RequestHeaderModifier',
          requestHeaderModifier: { set: [{ name: 'x-tester', value: 'yes' }], add: [{ name: 'x-via', value: 'mesh' }], remove: ['x-debug'] },
        }],
        backendRefs: [backend(v2, 1, [{
          type: 'ResponseHeaderModifier',
          responseHeaderModifier: { set: [{ name: 'cache-control', value: 'no-store' }], remove: ['server'] },
        }])],
        timeouts: { request: '3s' },
      },
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [backend(v1, 90), backend(v2, 10)], timeouts: { request: '2500ms' } },
    ]);
    expect(spec(findObject(objects, { kind: 'HTTPRoute', name: 'ratings-admin' })).rules[3].backendRefs.map((b: any) => b.port)).toEqual([9090, 9090]);
    expect(findObjects(objects, { kind: 'HTTPRoute' }).map((o) => o.metadata.name)).toEqual(['ratings-http', 'ratings-admin']);
  });

  test('retries are the HTTPRoute\'s retry.linkerd.io annotations; without retries there are none', () => {
    const route = findObject(synthObjects(everyFeature()), { kind: 'HTTPRoute', name: 'ratings-http' });
    expect(route.metadata.annotations).toEqual({ 'retry.linkerd.io/http': 'gateway-error,5xx', 'retry.linkerd.io/limit': '3', 'retry.linkerd.io/timeout': '500ms' });

    const { chart, v1, routes } = routedService();
    routes.addRoute('default', { backends: [{ revision: v1 }], retries: { attempts: 2 } });
    expect(findObject(synthObjects(chart), { kind: 'HTTPRoute' }).metadata.annotations).toEqual({ 'retry.linkerd.io/http': 'gateway-error', 'retry.linkerd.io/limit': '2' });

    const plain = routedService();
    plain.routes.addRoute('default', { backends: [{ revision: plain.v1 }] });
    expect(findObject(synthObjects(plain.chart), { kind: 'HTTPRoute' }).metadata.annotations).toBeUndefined();
  });

  test('ejection of failing pods is failure accrual on the stable Service, which Linkerd applies to every backend of its routes', () => {
    const stable = findObject(synthObjects(everyFeature()), { kind: 'Service', name: 'ratings' });
    expect(stable.metadata.annotations).toEqual({
      'balancer.linkerd.io/failure-accrual': 'consecutive',
      'balancer.linkerd.io/failure-accrual-consecutive-max-failures': '3',
      'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '120s',
      'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': '120s',
    });

    const { chart, reviews, v1, routes } = routedService({ circuitBreaker: { outlierDetection: { consecutiveErrors: 7 } } });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(findObject(synthObjects(chart), { kind: 'Service', name: reviews.serviceName }).metadata.annotations).toEqual({
      'balancer.linkerd.io/failure-accrual': 'consecutive',
      'balancer.linkerd.io/failure-accrual-consecutive-max-failures': '7',
    });
  });

  test('routes Linkerd evaluates in the declared order pass: more specific first, disjoint, or tied (the earlier rule wins ties)', () => {
    const { chart, v1, v2, routes } = routedService();
    routes.addRoute('exact', { matches: [{ path: PathMatch.exact('/api/users/me') }], backends: [{ revision: v2 }] });
    routes.addRoute('users', { matches: [{ path: PathMatch.prefix('/api/users') }], backends: [{ revision: v2 }] });
    routes.addRoute('other', { matches: [{ path: PathMatch.prefix('/other/deeper/path') }], backends: [{ revision: v2 }] });
    routes.addRoute('regex', { matches: [{ path: PathMatch.regex('/v[0-9]+/items') }], backends: [{ revision: v2 }] });
    routes.addRoute('jason', { matches: [{ headers: [HeaderMatch.exact('end-user', 'jason')] }], backends: [{ revision: v2 }] });
    routes.addRoute('beta', { matches: [{ headers: [HeaderMatch.exact('x-beta', '1')] }], backends: [{ revision: v2 }] });
    routes.addRoute('get', { matches: [{ method: 'GET' }], backends: [{ revision: v2 }] });
    routes.addRoute('post', { matches: [{ method: 'POST' }], backends: [{ revision: v2 }] });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(synthProblemMessages(chart)).toEqual([]);
  });
});

describe('Mesh with the Linkerd provider: what it refuses', () => {
  const v2Route = (extra: Partial<RouteProps>, v2: any): RouteProps => ({ backends: [{ revision: v2 }], ...extra });

  test.each<[string, (v2: any) => RouteProps, RegExp]>([
    ['a route injects faults', (v2) => v2Route({ fault: { abort: { httpStatus: 500, percentage: 10 } } }, v2), /route 'r' of reviews uses fault injection, which linkerd cannot express .*/],
    ['a route retries on connection failures', (v2) => v2Route({ retries: { attempts: 2, retryOn: [RetryOn.CONNECT_FAILURE, RetryOn.RESET] } }, v2), /route 'r' of reviews retries on 'connect-failure', 'reset', which linkerd cannot express \(retry\.linkerd\.io\/http lists response statuses only, .*\); retry on RetryOn\.SERVER_ERROR/],
    ['a route retries on a gRPC status', (v2) => v2Route({ retries: { attempts: 2, retryOn: [RetryOn.GRPC_UNAVAILABLE] } }, v2), /retries on 'unavailable', which linkerd cannot express .*retry\.linkerd\.io\/grpc is not read on the HTTPRoutes/],
    ['a route retries on refused streams', (v2) => v2Route({ retries: { attempts: 2, retryOn: [RetryOn.REFUSED_STREAM] } }, v2), /retries on 'refused-stream', which linkerd cannot express/],
    ['a route has more than 8 matches', (v2) => v2Route({ matches: Array.from({ length: 9 }, (_, i) => ({ path: PathMatch.exact(`/p${i}`) })) }, v2), /route 'r' of reviews has 9 matches, more than the 8 a linkerd HTTPRoute rule allows/],
  ])('fails when %s', (_, route, message) => {
    const { chart, v1, v2, routes } = routedService();
    const props = route(v2);
    routes.addRoute('r', { matches: [{ path: PathMatch.prefix('/x') }], ...props });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    const problem = synthProblemMessages(chart).find((p) => message.test(p));
    expect(problem).toBeDefined();
    expect(problem).toContain('linkerd');
  });

  test('fails when a route mirrors requests', () => {
    const { chart, v1, v2, routes } = routedService();
    routes.addRoute('r', { matches: [{ path: PathMatch.prefix('/x') }], backends: [{ revision: v2 }], mirror: { revision: v1, percentage: 10 } });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(synthProblemMessages(chart)).toEqual([
      expect.stringMatching(/^route 'r' of reviews mirrors requests to revision 'v1', which linkerd cannot express \(its policy controller refuses the RequestMirror filter\); .*$/),
    ]);
  });

  test('fails when routes retry differently (retries are per HTTPRoute)', () => {
    const { chart, v1, v2, routes } = routedService();
    routes.addRoute('reads', { matches: [{ method: 'GET' }], backends: [{ revision: v2 }], retries: { attempts: 3 } });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(synthProblemMessages(chart)).toEqual([
      expect.stringMatching(/^routes 'reads' \(.*"attempts":3.*\) and 'default' \(no retries\) of reviews retry differently, and linkerd sets retries per HTTPRoute .*give every route of reviews the same retries, or none$/),
    ]);
  });

  test.each<[string, (r: { v1: any; v2: any; routes: ServiceRoutes }) => void, RegExp]>([
    [
      'a longer path is declared after a shorter prefix',
      ({ v2, routes }) => {
        routes.addRoute('api', { matches: [{ path: PathMatch.prefix('/api') }], backends: [{ revision: v2 }] });
        routes.addRoute('users', { matches: [{ path: PathMatch.exact('/api/users') }], backends: [{ revision: v2 }] });
      },
      /route 'users' of reviews is declared after route 'api', but linkerd prefers its match .*"\/api\/users".* over .*"\/api".* declare 'users' first, or give 'api' a more specific match/,
    ],
    [
      'a header route is declared after a method route (linkerd ranks headers above methods)',
      ({ v2, routes }) => {
        routes.addRoute('reads', { matches: [{ method: 'GET' }], backends: [{ revision: v2 }] });
        routes.addRoute('tester', { matches: [{ headers: [HeaderMatch.exact('end-user', 'jason')] }], backends: [{ revision: v2 }] });
      },
      /route 'tester' of reviews is declared after route 'reads', but linkerd prefers/,
    ],
    [
      'a regex path is declared after an overlapping prefix (a regex scores the whole path length)',
      ({ v2, routes }) => {
        routes.addRoute('api', { matches: [{ path: PathMatch.prefix('/api') }], backends: [{ revision: v2 }] });
        routes.addRoute('versioned', { matches: [{ path: PathMatch.regex('/api/v[0-9]+') }], backends: [{ revision: v2 }] });
      },
      /route 'versioned' of reviews is declared after route 'api'/,
    ],
    [
      'a path route is declared after a header route',
      ({ v2, routes }) => {
        routes.addRoute('tester', { matches: [{ headers: [HeaderMatch.exact('end-user', 'jason')] }], backends: [{ revision: v2 }] });
        routes.addRoute('api', { matches: [{ path: PathMatch.prefix('/api') }], backends: [{ revision: v2 }] });
      },
      /route 'api' of reviews is declared after route 'tester'/,
    ],
  ])('fails when %s', (_, build, message) => {
    const { chart, v1, v2, routes } = routedService();
    build({ v1, v2, routes });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    const problems = synthProblemMessages(chart);
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  test('a revision added after the routing table gets its Service when a route sends to it', () => {
    const { chart, reviews, v1, routes } = routedService();
    const v3 = reviews.addRevision('v3', { image: digestImage('ghcr.io/acme/app', 'c') });
    routes.addRoute('default', { backends: [{ revision: v1, weight: 9 }, { revision: v3, weight: 1 }] });
    const objects = synthObjects(chart);
    expect(objectRole(findObject(objects, { kind: 'Service', name: v3.name }))).toBe('revision');
    const rule = spec(findObject(objects, { kind: 'HTTPRoute', name: 'reviews-http' })).rules[0];
    expect(rule.backendRefs.map((b: any) => [b.name, b.weight])).toEqual([[v1.name, 9], [v3.name, 1]]);
  });

  test('fails when a service has more than 16 routes', () => {
    const { chart, v1, routes } = routedService();
    for (let i = 0; i < 16; i++) {
      routes.addRoute(`r${i}`, { matches: [{ path: PathMatch.exact(`/p${i}`) }], backends: [{ revision: v1 }] });
    }
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(/^reviews has 17 routes, more than the 16 rules of a linkerd HTTPRoute; merge routes/)]);
  });

  test('fails when a service with routes has no TCP port', () => {
    const { chart, v1, routes } = routedService({}, { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(/^reviews has no TCP port, so linkerd has no Service port to attach its routes to/)]);
  });

  test.each<[string, ServiceRoutesProps['circuitBreaker'], RegExp]>([
    ['maxConnections', { maxConnections: 10 }, /circuitBreaker\.maxConnections \(10\) of reviews is a connection pool limit, which linkerd cannot express/],
    ['maxPendingRequests', { maxPendingRequests: 5 }, /circuitBreaker\.maxPendingRequests \(5\) of reviews is a connection pool limit, which linkerd cannot express/],
    ['maxRequestsPerConnection', { maxRequestsPerConnection: 1 }, /circuitBreaker\.maxRequestsPerConnection \(1\) of reviews is a connection pool limit/],
    ['an ejection interval', { outlierDetection: { consecutiveErrors: 5, interval: Duration.seconds(10) } }, /circuitBreaker\.outlierDetection\.interval \(10000ms\) of reviews cannot be expressed in linkerd/],
    ['an ejection cap below 100%', { outlierDetection: { consecutiveErrors: 5, maxEjectionPercent: 50 } }, /circuitBreaker\.outlierDetection\.maxEjectionPercent \(50\) of reviews cannot be expressed in linkerd.*set it to 100/],
  ])('fails when the circuit breaker sets %s', (_, circuitBreaker, message) => {
    const { chart, v1, routes } = routedService({ circuitBreaker });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    const problems = synthProblemMessages(chart);
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  test('reports every problem of one synth together', () => {
    const { chart, v1, v2, routes } = routedService({ circuitBreaker: { maxConnections: 1 } });
    routes.addRoute('r', { matches: [{ path: PathMatch.prefix('/x') }], backends: [{ revision: v2 }], fault: { delay: { delay: Duration.seconds(1), percentage: 5 } } });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(synthProblemMessages(chart)).toHaveLength(2);
  });
});
