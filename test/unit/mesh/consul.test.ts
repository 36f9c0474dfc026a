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
import { ConsulAnnotations, schemaErrors } from '../../../lib/internal';
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
  routes.addRoute('default', { backends: [{ revision: ratings.revisions[0], weight: 90 }, { revision: v2, weight: 10 }], timeout: Duration.millis(2500) });
  new ServiceRoutes(backend, 'db-routes', { service: db, loadBalancing: { sessionAffinity: { sourceIp: true } } })
    .addTcpRoute('postgres', { backends: [{ revision: db.revisions[0] }] });
  return backend;
}

const ALL_KINDS = ['ProxyDefaults', 'Mesh', 'ServiceDefaults', 'ServiceIntentions', 'ServiceResolver', 'ServiceRouter', 'ServiceSplitter'];

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
    const objects = [...synthObjects(everyFeature()), ...synthObjects(shop)].filter(isConsul);
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

describe('Mesh with the Consul provider: what it refuses, at synth, naming the feature and consul', () => {
  type Case = [string, (r: ReturnType<typeof routedService>) => void, RegExp];
  const matched = { matches: [{ path: PathMatch.prefix('/x') }] };
  test.each<Case>([
    ['a route injects faults', ({ v2, routes }) => routes.addRoute('r', { ...matched, backends: [{ revision: v2 }], fault: { abort: { httpStatus: 500, percentage: 10 } } }),
      /^route 'r' of reviews uses fault injection, which consul cannot express/],
    ['a route mirrors requests', ({ v1, v2, routes }) => routes.addRoute('r', { ...matched, backends: [{ revision: v2 }], mirror: { revision: v1 } }),
      /^route 'r' of reviews mirrors requests to revision 'v1', which consul cannot express/],
    ['a matched route splits by weight', ({ v1, v2, routes }) => routes.addRoute('r', { ...matched, backends: [{ revision: v1 }, { revision: v2 }] }),
      /^route 'r' of reviews splits matched requests between 2 revisions, which consul cannot express.*put the weights on the catch-all route$/],
    ['a route sets a per-try timeout', ({ v2, routes }) => routes.addRoute('r', { ...matched, backends: [{ revision: v2 }], retries: { attempts: 2, perTryTimeout: Duration.seconds(1) } }),
      /^route 'r' of reviews sets retries\.perTryTimeout \(1s\), which consul cannot express/],
    ['a route retries on a condition consul lacks', ({ v2, routes }) => routes.addRoute('r', { ...matched, backends: [{ revision: v2 }], retries: { attempts: 2, retryOn: [RetryOn.RESET_BEFORE_REQUEST, RetryOn.RETRIABLE_HEADERS] } }),
      /^route 'r' of reviews retries on 'reset-before-request', 'retriable-headers', which consul cannot express/],
    ['end-user authentication is asked for', () => undefined, /^authentication of reviews asks for JWT validation, which the consul provider does not render/],
  ])('fails when %s', (what, build, message) => {
    const authentication = what.startsWith('end-user')
      ? { issuers: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks.json', audiences: ['shop'] }] }
      : undefined;
    const r = routedService({ authentication });
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
    ['locality failover', { localityFailover: { failover: [{ from: 'us-east1', to: 'us-west1' }] }, circuitBreaker: { outlierDetection: { consecutiveErrors: 5 } } },
      /^localityFailover of reviews cannot be expressed in consul: a ServiceResolver fails over between datacenters/],
    ['a limit of requests per connection', { circuitBreaker: { maxRequestsPerConnection: 1 } },
      /^circuitBreaker\.maxRequestsPerConnection \(1\) of reviews cannot be expressed in consul/],
  ])('fails when the service asks for %s', (_, routesProps, message, enterprise = false) => {
    const { chart, v1, routes } = routedService(routesProps, {}, MeshProvider.consul({ enterprise }));
    routes.addRoute('default', { backends: [{ revision: v1 }] });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(message)]);
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
