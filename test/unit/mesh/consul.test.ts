import { App, Chart, Duration } from 'cdk8s';
import {
  HeaderMatch,
  IngressPeer,
  LabelKeys,
  LoadBalancingAlgorithm,
  Manifest,
  Mesh,
  MeshProvider,
  Microservice,
  MicroserviceProps,
  MESH_DEFAULT_RETRIES,
  PathMatch,
  QueryParamMatch,
  RetryOn,
  ServerlessFunction,
  ServiceRoutes,
  ServiceRoutesProps,
} from '../../../lib';
import { ConsulAnnotations, consulJwtProviderName, schemaErrors } from '../../../lib/internal';
import { findObject, findObjects, synthObjects, synthYaml } from '../../../lib/testing';
import { ShopChart } from '../../../stacks/shop/shop-chart';
import { crdProblems, CRD_ROOT, crdSchemas, crdSchemasAvailable } from '../../crd-schema';
import { digestImage, newChart, synthProblemMessages } from '../../fixtures';
import { meshedShop, web } from './meshed-shop';

const consul = () => MeshProvider.consul();
const spec = (o: Manifest) => o.spec as any;
const isConsul = (o: Manifest) => o.apiVersion === 'consul.hashicorp.com/v1alpha1';

/** A meshed service with a second revision, a caller and a routing table, for route tests. */
function routedService(routesProps: Partial<ServiceRoutesProps> = {}, serviceProps: Partial<MicroserviceProps> = {}, provider = consul()) {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider });
  const reviews = new Microservice(chart, 'reviews', { ...web, mesh, track: 'v1', ...serviceProps });
  const v1 = reviews.revisions[0];
  const v2 = reviews.addRevision('v2', { image: digestImage('ghcr.io/acme/app', 'b') });
  const productpage = new Microservice(chart, 'productpage', { ...web, mesh, dependencies: [reviews] });
  const routes = new ServiceRoutes(chart, 'routes', { service: reviews, ...routesProps });
  return { chart, mesh, reviews, v1, v2, productpage, routes };
}

/** An issuer whose keys are fetched, with the token in a header of its own and a cookie. */
const REMOTE_ISSUER = {
  issuer: 'https://auth.example.com',
  jwksUri: 'https://auth.example.com/.well-known/jwks.json',
  audiences: ['shop', 'ratings'],
  fromHeaders: [{ name: 'x-token', prefix: 'Bearer ' }],
  fromCookies: ['session-token'],
};
/** An issuer whose keys are inline, with the token in a query parameter. */
const INLINE_JWKS = '{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}';
const INLINE_ISSUER = { issuer: 'https://tokens.internal.example.org/realm', jwks: INLINE_JWKS, audiences: ['ratings'], fromParams: ['token'] };

/** A stack using every Consul object and every route feature the provider renders. */
function everyFeature(): Chart {
  const app = new App();
  const backend = new Chart(app, 'backend', { namespace: 'backend' });
  const edge = new Chart(app, 'edge', { namespace: 'edge' });
  const mesh = new Mesh(backend, 'mesh', { provider: MeshProvider.consul({ enterprise: true }) });
  const ratings = new Microservice(backend, 'ratings', { ...web, mesh, allowIngressFrom: [IngressPeer.anywhere()] });
  const v2 = ratings.addRevision('v2', { image: digestImage('ghcr.io/acme/app', 'b') });
  const db = new Microservice(backend, 'ratings-db', { image: digestImage('ghcr.io/acme/db'), ports: [{ name: 'tcp-postgres', port: 5432 }], mesh });
  new Microservice(edge, 'frontend', { ...web, mesh, dependencies: [ratings, db] });
  const routes = new ServiceRoutes(backend, 'ratings-routes', {
    service: ratings,
    circuitBreaker: {
      maxConnections: 100,
      maxPendingRequests: 10,
      outlierDetection: { consecutiveErrors: 3, interval: Duration.seconds(5), baseEjectionTime: Duration.minutes(2), maxEjectionPercent: 50 },
    },
    loadBalancing: { sessionAffinity: { cookie: { name: 'session', ttl: Duration.minutes(30), path: '/' } } },
    rateLimit: { requests: 50, interval: Duration.seconds(1), burst: 100 },
    localityFailover: { failoverPriority: ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'] },
    authentication: {
      issuers: [REMOTE_ISSUER, INLINE_ISSUER],
      require: [{ paths: [PathMatch.prefix('/ratings')] }, { methods: ['DELETE'], claims: [{ claim: 'role', values: ['admin'] }] }],
    },
  });
  const retries = { attempts: 3, retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE], statusCodes: [503] };
  routes.addRoute('exact', { matches: [{ path: PathMatch.exact('/ratings/special/one'), method: 'GET' }], backends: [{ revision: v2 }], retries });
  routes.addRoute('regex', {
    matches: [{ path: PathMatch.regex('/ratings/[0-9]+'), queryParams: [QueryParamMatch.exact('debug', '1'), QueryParamMatch.regex('v', '[0-9]+')] }],
    backends: [{ revision: v2 }],
  });
  routes.addRoute('testers', {
    matches: [{ path: PathMatch.prefix('/api'), headers: [HeaderMatch.exact('end-user', 'jason'), HeaderMatch.regex('x-group', 'qa|dev')] }],
    backends: [{ revision: v2 }],
    headers: { request: { set: { 'x-tester': 'yes' }, add: { 'x-via': 'mesh' }, remove: ['x-debug'] }, response: { set: { 'cache-control': 'no-store' } } },
    timeout: Duration.seconds(3),
  });
  routes.addRoute('canary', { matches: [{ headers: [HeaderMatch.exact('x-canary', 'yes')] }], backends: [{ revision: ratings.revisions[0], weight: 70 }, { revision: v2, weight: 30 }] });
  routes.addRoute('default', { backends: [{ revision: ratings.revisions[0], weight: 90 }, { revision: v2, weight: 10 }], timeout: Duration.millis(2500) });
  new ServiceRoutes(backend, 'db-routes', { service: db, loadBalancing: { sessionAffinity: { sourceIp: true } } })
    .addTcpRoute('postgres', { backends: [{ revision: db.revisions[0] }] });
  return backend;
}

const ALL_KINDS = ['ProxyDefaults', 'Mesh', 'ServiceDefaults', 'ServiceIntentions', 'ServiceResolver', 'ServiceRouter', 'ServiceSplitter', 'JWTProvider'];

describe('Mesh with the Consul provider: security', () => {
  test('every emitted object passes its schema (Kubernetes models; Consul objects see the CRD test)', () => {
    for (const object of synthObjects(everyFeature())) {
      expect({ object: `${object.kind}/${object.metadata.name}`, problem: schemaErrors(object) }).toEqual({ object: `${object.kind}/${object.metadata.name}`, problem: undefined });
    }
  });

  const crdTest = crdSchemasAvailable ? test : test.skip;
  crdTest(`every Consul object of every kind passes its CRD schema from ${CRD_ROOT}`, () => {
    const schemas = crdSchemas();
    const shop = new ShopChart(new App(), 'shop-prod', { environment: 'prod', meshProvider: consul() });
    // a token required on every request is the intentions' top-level jwt (everyFeature's are permissions)
    const everyRequest = routedService({ authentication: { issuers: [INLINE_ISSUER], require: [{ claims: [{ claim: 'tier', values: ['gold'] }] }] } });
    everyRequest.routes.addRoute('default', { backends: [{ revision: everyRequest.v1 }] });
    const objects = [...synthObjects(everyFeature()), ...synthObjects(shop), ...synthObjects(everyRequest.chart)].filter(isConsul);
    expect(objects.some((o) => o.kind === 'ServiceIntentions' && (o.spec as any).jwt !== undefined)).toBe(true);
    expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(ALL_KINDS));
    for (const object of objects) {
      const schema = schemas.get(`${object.apiVersion}/${object.kind}`);
      const id = `${object.kind}/${object.metadata.name}`;
      expect({ id, known: schema !== undefined }).toEqual({ id, known: true });
      expect({ id, problems: crdProblems(schema!, object) }).toEqual({ id, problems: [] });
    }
  });

  test('pods get the injection annotations (part of the revision id) and their revision id as Consul service metadata', () => {
    const plain = new Microservice(newChart(), 'orders', web);
    const { orders } = meshedShop(consul());
    const revision = orders.revisions[0];
    const template = spec(orders.revisions[0].apiObject.toJson()).template.metadata;
    expect(template.annotations).toEqual({
      'consul.hashicorp.com/connect-inject': 'true',
      'consul.hashicorp.com/transparent-proxy': 'true',
      [ConsulAnnotations.REVISION_META]: revision.revisionId,
    });
    expect(template.labels[LabelKeys.REVISION]).toBe(revision.revisionId);
    expect(revision.revisionId).not.toBe(plain.revisions[0].revisionId);
  });

  test('strict mTLS for the datacenter: ProxyDefaults and Mesh, once per app even across namespaces', () => {
    const objects = synthObjects(everyFeature());
    expect(findObjects(objects, { kind: 'ProxyDefaults' }).map((o) => [o.metadata.name, o.metadata.namespace, o.spec])).toEqual([
      ['global', 'backend', { mutualTLSMode: 'strict' }],
    ]);
    expect(findObjects(objects, { kind: 'Mesh' }).map((o) => [o.metadata.name, o.spec])).toEqual([['mesh', { allowEnablingPermissiveMutualTLS: false }]]);
  });

  test('each service allows exactly its declared callers by Consul service name and denies every other source', () => {
    const objects = synthObjects(meshedShop(consul()).chart);
    const sources = (name: string) => spec(findObject(objects, { kind: 'ServiceIntentions', name })).sources;
    expect(spec(findObject(objects, { kind: 'ServiceIntentions', name: 'payments' })).destination).toEqual({ name: 'payments' });
    expect(sources('payments')).toEqual([{ name: 'orders', action: 'allow' }, { name: '*', action: 'deny' }]);
    expect(sources('orders')).toEqual([{ name: 'frontend', action: 'allow' }, { name: '*', action: 'deny' }]);
    expect(sources('frontend')).toEqual([{ name: '*', action: 'allow' }]);
  });

  test('a service nobody calls denies every source', () => {
    const chart = newChart();
    new Microservice(chart, 'lonely', { ...web, mesh: new Mesh(chart, 'mesh', { provider: consul() }) });
    expect(spec(findObject(synthObjects(chart), { kind: 'ServiceIntentions', name: 'lonely' })).sources).toEqual([{ name: '*', action: 'deny' }]);
  });

  test.each([
    ['http', 'http'],
    ['http-web', 'http'],
    ['http2', 'http2'],
    ['grpc', 'grpc'],
    ['tcp-postgres', 'tcp'],
    ['web', 'tcp'],
  ])('a port named %s makes ServiceDefaults protocol %s, with strict mTLS', (portName, protocol) => {
    const chart = newChart();
    new Microservice(chart, 'api', { ...web, ports: [{ name: portName, port: 80 }], mesh: new Mesh(chart, 'mesh', { provider: consul() }) });
    expect(spec(findObject(synthObjects(chart), { kind: 'ServiceDefaults', name: 'api' }))).toEqual({ protocol, mutualTLSMode: 'strict' });
  });

  test('nothing per namespace and no Istio or Linkerd object; deterministic output', () => {
    const { chart, mesh } = meshedShop(consul());
    expect(mesh.namespaceMetadata).toEqual({ labels: {}, annotations: {} });
    expect(synthObjects(chart).filter((o) => /istio|linkerd/.test(o.apiVersion))).toEqual([]);
    expect(synthYaml(meshedShop(consul()).chart)).toBe(synthYaml(meshedShop(consul()).chart));
  });
});

describe('Mesh with the Consul provider: routing tables', () => {
  test('a ServiceResolver subset per live revision, named by its track, filtered on the revision metadata', () => {
    const { chart, v1, v2, routes } = routedService();
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(spec(findObject(synthObjects(chart), { kind: 'ServiceResolver', name: 'reviews' }))).toEqual({
      subsets: {
        v1: { filter: `Service.Meta.revision == "${v1.revisionId}"` },
        v2: { filter: `Service.Meta.revision == "${v2.revisionId}"` },
      },
    });
  });

  test('a ServiceRouter route per match in the declared order, each to its subset; the catch-all to the weighted ServiceSplitter', () => {
    const objects = synthObjects(everyFeature());
    const router = spec(findObject(objects, { kind: 'ServiceRouter', name: 'ratings' })).routes;
    const retries = { numRetries: 3, retryOn: ['gateway-error', 'connect-failure'], retryOnStatusCodes: [503] };
    const testers = {
      serviceSubset: 'v2',
      requestTimeout: '3s',
      requestHeaders: { set: { 'x-tester': 'yes' }, add: { 'x-via': 'mesh' }, remove: ['x-debug'] },
      responseHeaders: { set: { 'cache-control': 'no-store' } },
    };
    const headers = [{ name: 'end-user', exact: 'jason' }, { name: 'x-group', regex: 'qa|dev' }];
    expect(router).toEqual([
      { match: { http: { pathExact: '/ratings/special/one', methods: ['GET'] } }, destination: { serviceSubset: 'v2', ...retries } },
      { match: { http: { pathRegex: '/ratings/[0-9]+', queryParam: [{ name: 'debug', exact: '1' }, { name: 'v', regex: '[0-9]+' }] } }, destination: { serviceSubset: 'v2' } },
      { match: { http: { pathExact: '/api', header: headers } }, destination: testers },
      { match: { http: { pathPrefix: '/api/', header: headers } }, destination: testers },
      { match: { http: { header: [{ name: 'x-canary', exact: 'yes' }] } }, destination: { service: 'ratings-split-canary' } },
      { destination: { requestTimeout: '2500ms' } },
    ]);
    expect(spec(findObject(objects, { kind: 'ServiceSplitter', name: 'ratings' })).splits).toEqual([
      { weight: 90, serviceSubset: 'stable' },
      { weight: 10, serviceSubset: 'v2' },
    ]);
  });

  test("no retries and the mesh's default retries are both no retry fields (Consul retries nothing by default)", () => {
    const { chart, v1, v2, routes } = routedService();
    routes.addRoute('canary', { matches: [{ method: 'POST' }], backends: [{ revision: v2 }], retries: MESH_DEFAULT_RETRIES });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(spec(findObject(synthObjects(chart), { kind: 'ServiceRouter', name: 'reviews' })).routes.map((r: any) => r.destination)).toEqual([
      { serviceSubset: 'v2' },
      {},
    ]);
  });

  test('a TCP route is the resolver\'s default subset, with no router or splitter', () => {
    const objects = synthObjects(everyFeature());
    expect(spec(findObject(objects, { kind: 'ServiceResolver', name: 'ratings-db' }))).toMatchObject({
      defaultSubset: 'stable',
      loadBalancer: { policy: 'ring_hash', hashPolicies: [{ sourceIP: true }] },
    });
    expect(findObjects(objects, { kind: 'ServiceRouter', name: 'ratings-db' })).toEqual([]);
    expect(spec(findObject(objects, { kind: 'ServiceDefaults', name: 'ratings-db' })).protocol).toBe('tcp');
  });

  test('a table of policies alone is a resolver alone', () => {
    const { chart } = routedService({ loadBalancing: { algorithm: LoadBalancingAlgorithm.LEAST_REQUEST } });
    const objects = synthObjects(chart).filter(isConsul);
    expect(objects.filter((o) => o.metadata.name === 'reviews').map((o) => o.kind).sort()).toEqual(['ServiceDefaults', 'ServiceIntentions', 'ServiceResolver']);
    expect(spec(findObject(objects, { kind: 'ServiceResolver', name: 'reviews' })).loadBalancer).toEqual({ policy: 'least_request' });
  });

  test.each<[string, ServiceRoutesProps['loadBalancing'], unknown]>([
    ['round robin', { algorithm: LoadBalancingAlgorithm.ROUND_ROBIN }, { policy: 'round_robin' }],
    ['random', { algorithm: LoadBalancingAlgorithm.RANDOM }, { policy: 'random' }],
    ['a header', { sessionAffinity: { header: 'X-User' } }, { policy: 'ring_hash', hashPolicies: [{ field: 'header', fieldValue: 'x-user' }] }],
    ['a query parameter', { sessionAffinity: { queryParameter: 'user' } }, { policy: 'ring_hash', hashPolicies: [{ field: 'query_parameter', fieldValue: 'user' }] }],
    ['a cookie the proxy sets', { sessionAffinity: { cookie: { name: 'cart', ttl: Duration.hours(2), path: '/' } } },
      { policy: 'ring_hash', hashPolicies: [{ field: 'cookie', fieldValue: 'cart', cookieConfig: { ttl: '7200s', path: '/' } }] }],
    ['a session cookie', { sessionAffinity: { cookie: { name: 'cart', ttl: Duration.seconds(0) } } },
      { policy: 'ring_hash', hashPolicies: [{ field: 'cookie', fieldValue: 'cart', cookieConfig: { session: true } }] }],
    ['a cookie the client brings', { sessionAffinity: { cookie: { name: 'cart' } } }, { policy: 'ring_hash', hashPolicies: [{ field: 'cookie', fieldValue: 'cart' }] }],
  ])('load balancing by %s is the resolver\'s loadBalancer', (_, loadBalancing, expected) => {
    const { chart, v1, routes } = routedService({ loadBalancing });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(spec(findObject(synthObjects(chart), { kind: 'ServiceResolver', name: 'reviews' })).loadBalancer).toEqual(expected);
  });

  test('a circuit breaker is each declared caller\'s upstream config for the service', () => {
    const objects = synthObjects(everyFeature());
    expect(spec(findObject(objects, { kind: 'ServiceDefaults', name: 'frontend' })).upstreamConfig).toEqual({
      overrides: [{
        name: 'ratings',
        limits: { maxConnections: 100, maxPendingRequests: 10 },
        passiveHealthCheck: { maxFailures: 3, interval: '5s', baseEjectionTime: '120s', maxEjectionPercent: 50 },
      }],
    });
    expect(spec(findObject(objects, { kind: 'ServiceDefaults', name: 'ratings' })).upstreamConfig).toBeUndefined();
  });

  test('on Consul Enterprise a rate limit is the ServiceDefaults rateLimits, in requests per second', () => {
    const rateLimit = { requests: 50, interval: Duration.seconds(1), burst: 100 };
    const { chart, v1, routes } = routedService({ rateLimit }, {}, MeshProvider.consul({ enterprise: true }));
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(spec(findObject(synthObjects(chart), { kind: 'ServiceDefaults', name: 'reviews' })).rateLimits).toEqual({
      instanceLevel: { requestsPerSecond: 50, requestsMaxBurst: 100 },
    });
  });

  test('moving weights updates the splitter only; the revisions stay as they are', () => {
    const build = (canaryWeight: number) => {
      const { chart, v1, v2, routes } = routedService();
      routes.addRoute('default', { backends: [{ revision: v1, weight: 100 - canaryWeight }, { revision: v2, weight: canaryWeight }] });
      return new Map(synthObjects(chart).map((o) => [`${o.kind}/${o.metadata.name}`, JSON.stringify(o)]));
    };
    const before = build(10);
    const after = build(50);
    expect([...after.keys()].filter((key) => after.get(key) !== before.get(key))).toEqual(['ServiceSplitter/reviews']);
  });
});

describe('Mesh with the Consul provider: end-user authentication', () => {
  const jwtProvider = (objects: Manifest[], issuer: string) => findObject(objects, { kind: 'JWTProvider', name: consulJwtProviderName(issuer) });
  const intentions = (objects: Manifest[], name = 'reviews') => spec(findObject(objects, { kind: 'ServiceIntentions', name }));

  test('a JWTProvider per issuer, named after it: remote keys fetched with SNI and a checked certificate, inline keys base64, the token locations', () => {
    const { chart, v1, routes } = routedService({ authentication: { issuers: [REMOTE_ISSUER, INLINE_ISSUER] } });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    const objects = synthObjects(chart);
    expect(consulJwtProviderName(REMOTE_ISSUER.issuer)).toMatch(/^jwt-auth-example-com-[0-9a-f]{10}$/);
    expect(consulJwtProviderName(INLINE_ISSUER.issuer)).toMatch(/^jwt-tokens-internal-example-org-[0-9a-f]{10}$/);
    expect(jwtProvider(objects, REMOTE_ISSUER.issuer).spec).toEqual({
      issuer: 'https://auth.example.com',
      jsonWebKeySet: {
        remote: {
          uri: 'https://auth.example.com/.well-known/jwks.json',
          useSNI: true,
          jwksCluster: { tlsCertificates: { trustedCA: { filename: '/etc/ssl/certs/ca-certificates.crt' } } },
        },
      },
      audiences: ['shop', 'ratings'],
      locations: [{ header: { name: 'x-token', valuePrefix: 'Bearer ' } }, { cookie: { name: 'session-token' } }],
    });
    const inline = jwtProvider(objects, INLINE_ISSUER.issuer);
    expect(inline.spec).toEqual({
      issuer: 'https://tokens.internal.example.org/realm',
      jsonWebKeySet: { local: { jwks: Buffer.from(INLINE_JWKS).toString('base64') } },
      audiences: ['ratings'],
      locations: [{ queryParam: { name: 'token' } }],
    });
    expect(Buffer.from((inline.spec as any).jsonWebKeySet.local.jwks, 'base64').toString()).toBe(INLINE_JWKS);
  });

  test('a token required on every request is the intentions\' top-level jwt: an admitted caller must present one, anyone else stays denied', () => {
    const { chart, v1, routes } = routedService({ authentication: { issuers: [REMOTE_ISSUER, INLINE_ISSUER], require: [{ claims: [{ claim: 'tier', values: ['gold', 'silver'] }] }] } });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    const { jwt, sources } = intentions(synthObjects(chart));
    const [remote, inline] = [REMOTE_ISSUER, INLINE_ISSUER].map((i) => consulJwtProviderName(i.issuer));
    const tier = (value: string) => [{ path: ['tier'], value }];
    expect(jwt).toEqual({
      providers: [
        { name: remote, verifyClaims: tier('gold') },
        { name: remote, verifyClaims: tier('silver') },
        { name: inline, verifyClaims: tier('gold') },
        { name: inline, verifyClaims: tier('silver') },
      ],
    });
    expect(sources).toEqual([{ name: 'productpage', action: 'allow' }, { name: '*', action: 'deny' }]);
  });

  test('requirements by path and method are permissions of each admitted source, most specific first, each with every covering requirement', () => {
    const authentication = {
      issuers: [REMOTE_ISSUER],
      require: [
        { paths: [PathMatch.prefix('/api')] },
        { paths: [PathMatch.prefix('/api/admin')], methods: ['DELETE' as const], claims: [{ claim: 'role', values: ['admin'] }] },
      ],
    };
    const { chart, v1, routes } = routedService({ authentication }, { allowIngressFrom: [IngressPeer.anywhere()] });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    const { jwt, sources } = intentions(synthObjects(chart));
    const name = consulJwtProviderName(REMOTE_ISSUER.issuer);
    const token = { providers: [{ name }] };
    const admin = { providers: [{ name, verifyClaims: [{ path: ['role'], value: 'admin' }] }] };
    const permissions = [
      { action: 'allow', http: { pathExact: '/api' }, jwt: token },
      { action: 'allow', http: { pathExact: '/api/admin', methods: ['DELETE'] }, jwt: admin },
      { action: 'allow', http: { pathExact: '/api/admin' }, jwt: token },
      { action: 'allow', http: { pathPrefix: '/api/admin/', methods: ['DELETE'] }, jwt: admin },
      { action: 'allow', http: { pathPrefix: '/api/admin/' }, jwt: token },
      { action: 'allow', http: { pathPrefix: '/api/' }, jwt: token },
      { action: 'allow', http: { pathPrefix: '/' } },
    ];
    expect(jwt).toBeUndefined();
    expect(sources).toEqual([{ name: 'productpage', permissions }, { name: '*', permissions }]);
  });

  test('requirements accepting no common value of a claim deny the requests both cover', () => {
    const authentication = {
      issuers: [REMOTE_ISSUER],
      require: [{ claims: [{ claim: 'role', values: ['reader'] }] }, { methods: ['POST' as const], claims: [{ claim: 'role', values: ['writer'] }] }],
    };
    const { chart, v1, routes } = routedService({ authentication });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    const name = consulJwtProviderName(REMOTE_ISSUER.issuer);
    expect(intentions(synthObjects(chart)).sources[0].permissions).toEqual([
      { action: 'deny', http: { pathPrefix: '/', methods: ['POST'] } },
      { action: 'allow', http: { pathPrefix: '/' }, jwt: { providers: [{ name, verifyClaims: [{ path: ['role'], value: 'reader' }] }] } },
    ]);
  });

  test('services accepting one issuer with the same settings share its one JWTProvider, written with the first', () => {
    const { chart, v1, routes, productpage } = routedService({ authentication: { issuers: [REMOTE_ISSUER] } });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    new ServiceRoutes(chart, 'productpage-routes', { service: productpage, authentication: { issuers: [REMOTE_ISSUER], require: [{ methods: ['POST'] }] } });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'JWTProvider' }).map((o) => o.metadata.name)).toEqual([consulJwtProviderName(REMOTE_ISSUER.issuer)]);
    expect(intentions(objects, 'productpage').sources).toEqual([{ name: '*', action: 'deny' }]);
  });
});

describe('Mesh with the Consul provider: weighted matched routes and locality failover', () => {
  test('a matched route to several revisions goes to its split service: a ServiceSplitter of subsets of the service, with its protocol', () => {
    const objects = synthObjects(everyFeature());
    const split = findObjects(objects, { name: 'ratings-split-canary' });
    expect(split.map((o) => [o.kind, o.metadata.namespace, o.spec])).toEqual([
      ['ServiceDefaults', 'backend', { protocol: 'http' }],
      ['ServiceSplitter', 'backend', {
        splits: [{ weight: 70, service: 'ratings', serviceSubset: 'stable' }, { weight: 30, service: 'ratings', serviceSubset: 'v2' }],
      }],
    ]);
    // no intentions of its own: the chain ends at the ratings subsets, which admit ratings' callers
    expect(findObjects(objects, { kind: 'ServiceIntentions', name: 'ratings-split-canary' })).toEqual([]);
  });

  test('moving the weights of a matched route updates its split service\'s splitter only', () => {
    const build = (weight: number) => {
      const { chart, v1, v2, routes } = routedService();
      routes.addRoute('testers', { matches: [{ headers: [HeaderMatch.exact('x-tester', 'yes')] }], backends: [{ revision: v1, weight: 100 - weight }, { revision: v2, weight }] });
      routes.addRoute('default', { backends: [{ revision: v1 }] });
      return new Map(synthObjects(chart).map((o) => [`${o.kind}/${o.metadata.name}`, JSON.stringify(o)]));
    };
    const before = build(20);
    const after = build(60);
    expect([...after.keys()].filter((key) => after.get(key) !== before.get(key))).toEqual(['ServiceSplitter/reviews-split-testers']);
  });

  test('on Consul Enterprise a failover priority of region then zone is the resolver\'s prioritizeByLocality failover', () => {
    const objects = synthObjects(everyFeature());
    expect(spec(findObject(objects, { kind: 'ServiceResolver', name: 'ratings' })).prioritizeByLocality).toEqual({ mode: 'failover' });
    expect(spec(findObject(objects, { kind: 'ServiceResolver', name: 'ratings-db' })).prioritizeByLocality).toBeUndefined();
  });
});

describe('Mesh with the Consul provider: what it refuses, at synth, naming the feature and consul', () => {
  type Case = [string, (r: ReturnType<typeof routedService>) => void, RegExp];
  const matched = { matches: [{ path: PathMatch.prefix('/x') }] };
  test.each<Case>([
    ['a route injects faults', ({ v2, routes }) => routes.addRoute('r', { ...matched, backends: [{ revision: v2 }], fault: { abort: { httpStatus: 500, percentage: 10 } } }),
      /^route 'r' of reviews uses fault injection, which consul cannot express/],
    ['a route mirrors requests', ({ v1, v2, routes }) => routes.addRoute('r', { ...matched, backends: [{ revision: v2 }], mirror: { revision: v1 } }),
      /^route 'r' of reviews mirrors requests to revision 'v1', which consul cannot express/],
    ['a route sets a per-try timeout', ({ v2, routes }) => routes.addRoute('r', { ...matched, backends: [{ revision: v2 }], retries: { attempts: 2, perTryTimeout: Duration.seconds(1) } }),
      /^route 'r' of reviews sets retries\.perTryTimeout \(1s\), which consul cannot express/],
    ['a route retries on a condition consul lacks', ({ v2, routes }) => routes.addRoute('r', { ...matched, backends: [{ revision: v2 }], retries: { attempts: 2, retryOn: [RetryOn.RESET_BEFORE_REQUEST, RetryOn.RETRIABLE_HEADERS] } }),
      /^route 'r' of reviews retries on 'reset-before-request', 'retriable-headers', which consul cannot express/],
  ])('fails when %s', (_, build, message) => {
    const r = routedService();
    build(r);
    r.routes.addRoute('default', { backends: [{ revision: r.v1 }] });
    expect(synthProblemMessages(r.chart)).toEqual([expect.stringMatching(message)]);
  });

  test.each<[string, Partial<ServiceRoutesProps>, RegExp, boolean?]>([
    ['a rate limit outside Consul Enterprise', { rateLimit: { requests: 10, interval: Duration.seconds(1) } },
      /^rateLimit of reviews asks for a local rate limit, which consul has in Consul Enterprise only.*MeshProvider\.consul\(\{ enterprise: true \}\)/],
    ['a rate limit refilled every 2s', { rateLimit: { requests: 3, interval: Duration.seconds(2) } },
      /^rateLimit of reviews admits 3 requests per 2s, which consul cannot express \(its bucket is refilled every second: requestsPerSecond\)/, true],
    ['a rate limit answering 503', { rateLimit: { requests: 10, interval: Duration.seconds(1), statusCode: 503 } },
      /^rateLimit of reviews answers 503, which consul cannot express \(its rate limit answers 429\)/, true],
    ['slow start', { loadBalancing: { slowStart: Duration.seconds(30) } }, /^loadBalancing\.slowStart of reviews cannot be expressed in consul/],
    ['locality failover outside Consul Enterprise', { localityFailover: { failoverPriority: ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'] } },
      /^localityFailover of reviews cannot be expressed in consul outside Consul Enterprise .*MeshProvider\.consul\(\{ enterprise: true \}\)/],
    ['failover to a named region', { localityFailover: { failover: [{ from: 'us-east1', to: 'us-west1' }] }, circuitBreaker: { outlierDetection: { consecutiveErrors: 5 } } },
      /^localityFailover\.failover of reviews \(us-east1 → us-west1\) cannot be expressed in consul, .*never to a named region/, true],
    ['fixed weights between localities', { localityFailover: { distribute: [{ from: 'us-east1/*', to: { 'us-east1/*': 80, 'us-west1/*': 20 } }] } },
      /^localityFailover\.distribute of reviews cannot be expressed in consul, .*no weights between localities/, true],
    ['a failover priority of other labels', { localityFailover: { failoverPriority: ['topology.kubernetes.io/zone'] } },
      /^localityFailover\.failoverPriority of reviews \('topology\.kubernetes\.io\/zone'\) cannot be expressed in consul, which prefers instances by the region and zone/, true],
    ['claims copied into headers', { authentication: { issuers: [{ ...REMOTE_ISSUER, outputClaimToHeaders: [{ header: 'x-user', claim: 'sub' }] }] } },
      /^authentication issuer 'https:\/\/auth\.example\.com' of reviews copies claims into headers \(outputClaimToHeaders\), which consul cannot express/],
    ['tokens validated but never required', { authentication: { issuers: [REMOTE_ISSUER], require: [] } },
      /^authentication of reviews requires no token \(require: \[\]\), which consul cannot express/],
    ['a token required on a regular-expression path', { authentication: { issuers: [REMOTE_ISSUER], require: [{ paths: [PathMatch.regex('/v[0-9]+/admin')] }] } },
      /^authentication require 1 of reviews covers the regular-expression path '\/v\[0-9\]\+\/admin', which consul cannot express/],
    ['a limit of requests per connection', { circuitBreaker: { maxRequestsPerConnection: 1 } },
      /^circuitBreaker\.maxRequestsPerConnection \(1\) of reviews cannot be expressed in consul/],
  ])('fails when the service asks for %s', (_, routesProps, message, enterprise = false) => {
    const { chart, v1, routes } = routedService(routesProps, {}, MeshProvider.consul({ enterprise }));
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(message)]);
  });

  test('fails when a service proxied as tcp asks for JWT validation', () => {
    const { chart } = routedService({ authentication: { issuers: [REMOTE_ISSUER] } }, { ports: [{ name: 'tcp-db', port: 5432 }] });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(/^authentication of reviews cannot be expressed in consul on port 'tcp-db', which it proxies as tcp/)]);
  });

  test('fails when two services accept one issuer with other settings, naming both', () => {
    const { chart, productpage } = routedService({ authentication: { issuers: [REMOTE_ISSUER] } });
    new ServiceRoutes(chart, 'productpage-routes', { service: productpage, authentication: { issuers: [{ ...REMOTE_ISSUER, audiences: ['shop'] }] } });
    expect(synthProblemMessages(chart)).toEqual([
      expect.stringMatching(/^authentication of productpage accepts issuer 'https:\/\/auth\.example\.com' with other audiences than reviews does, which consul cannot express: it keeps one JWTProvider per issuer for the datacenter \(jwt-auth-example-com-[0-9a-f]{10}\)/),
    ]);
  });

  test('fails when a route weight rounds to 0%', () => {
    const { chart, v1, v2, routes } = routedService();
    routes.addRoute('default', { backends: [{ revision: v1, weight: 999 }, { revision: v2, weight: 1 }] });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(/route 'default' of reviews.*\(consul splits are written as whole percentages\)$/)]);
  });

  test('fails when a circuit breaker has no declared caller to apply it', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: consul() });
    const lonely = new Microservice(chart, 'lonely', { ...web, mesh });
    new ServiceRoutes(chart, 'routes', { service: lonely, circuitBreaker: { maxConnections: 5 } });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(/^circuitBreaker of lonely reaches no caller: consul sets circuit breaking in each caller's ServiceDefaults/)]);
  });

  test.each<[string, Partial<MicroserviceProps>, (r: ReturnType<typeof routedService>) => void, RegExp]>([
    ['HTTP routes on a port consul proxies as tcp', { ports: [{ name: 'web', port: 80 }] }, ({ v1, routes }) => routes.addRoute('default', { backends: [{ revision: v1 }] }),
      /^route 'default' of reviews routes HTTP requests on port 'web', which consul proxies as tcp/],
    ['a weighted TCP route', { ports: [{ name: 'tcp-db', port: 5432 }] }, ({ v1, v2, routes }) => routes.addTcpRoute('db', { backends: [{ revision: v1 }, { revision: v2 }] }),
      /^TCP route 'db' of reviews splits connections between 2 revisions, which consul cannot express/],
    ['a TCP route on a port consul proxies as http', {}, ({ v1, routes }) => routes.addTcpRoute('db', { backends: [{ revision: v1 }] }),
      /^TCP route 'db' of reviews takes port 'http', which consul proxies as http .*name the port for TCP, e.g. 'tcp-http'/],
    ['affinity on a header of a tcp service', { ports: [{ name: 'tcp-db', port: 5432 }] }, () => undefined,
      /^loadBalancing\.sessionAffinity of reviews hashes a header, which consul reads only on an HTTP service/],
  ])('fails when %s', (what, serviceProps, build, message) => {
    const loadBalancing = what.startsWith('affinity') ? { sessionAffinity: { header: 'x-user' } } : undefined;
    const r = routedService({ loadBalancing }, serviceProps);
    build(r);
    expect(synthProblemMessages(r.chart)).toEqual([expect.stringMatching(message)]);
  });

  test.each<[string, Partial<MicroserviceProps>, RegExp]>([
    ['two ports', { ports: [{ port: 80 }, { name: 'admin', port: 9090 }] }, /^api has ports http \(TCP\), admin \(TCP\), but consul registers a pod through a Service with one TCP port/],
    ['a UDP port only', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }, /^api has ports dns \(UDP\), but consul registers/],
    ['no port', { ports: [] }, /^api has ports none, but consul registers/],
    ['a namespace peer', { allowIngressFrom: [IngressPeer.namespace('ingress')] }, /^allowIngressFrom namespace 'ingress' of api cannot be expressed in consul/],
    ['TLS origination to an external host', { externalHosts: [{ host: 'api.example.com', tlsOrigination: {} }] },
      /^externalHosts 'api\.example\.com:80' of api asks for tlsOrigination, which consul cannot do/],
    ['a timeout to an external host', { externalHosts: [{ host: 'api.example.com', port: 80, protocol: 'HTTP', timeout: Duration.seconds(2) }] },
      /^externalHosts 'api\.example\.com:80' of api sets a timeout, which consul cannot apply/],
  ])('fails when a service in the mesh has %s', (_, props, message) => {
    const chart = newChart();
    new Microservice(chart, 'api', { ...web, ...props, mesh: new Mesh(chart, 'mesh', { provider: consul() }) });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(message)]);
  });

  test('fails when a serverless function joins the mesh', () => {
    const chart = newChart();
    new ServerlessFunction(chart, 'resize', { image: digestImage(), mesh: new Mesh(chart, 'mesh', { provider: consul() }) });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(/^function resize cannot join a consul mesh: .*keep the function out of the mesh/)]);
  });

  test('the example scenarios consul cannot express are refused, every problem of one synth together', () => {
    const { chart, v1, v2, routes } = routedService({ circuitBreaker: { maxRequestsPerConnection: 1 } });
    routes.addRoute('r', { ...matched, backends: [{ revision: v2 }], fault: { delay: { delay: Duration.seconds(1), percentage: 5 } } });
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(synthProblemMessages(chart)).toHaveLength(2);
  });
});
