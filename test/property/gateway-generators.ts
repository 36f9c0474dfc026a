import { Duration } from 'cdk8s';
import fc from 'fast-check';
import {
  CertificateIssuer,
  EndUserAuthentication,
  GatewayRendering,
  GrpcMatch,
  HeaderMatch,
  HeaderModifier,
  HeaderRewrite,
  HttpMatch,
  HttpMethod,
  HttpRedirect,
  ListenerProtocol,
  ListenerTls,
  LocalRateLimit,
  PathMatch,
  PathRewrite,
  QueryParamMatch,
  RetryOn,
  RetryPolicy,
  UrlRewrite,
} from '../../lib';
import { Case, caseArray, caseRecord, combine, Defect, optional, planted, Sites, sites, sound, valid } from './planted-defects';

/**
 * Generators over every prop of a Gateway: the gateway itself, its
 * listeners (HTTP, HTTPS, gRPC; hostnames with wildcards; TLS from a Secret
 * or cert-manager; the HTTPS redirect) and its HTTP and gRPC routes (matches,
 * header changes, rewrites, redirects, timeouts, retries, mirrors) to every
 * kind of backend: a service, a weighted split of its revisions, an external
 * service, a function, and a service or function in another namespace
 * (which needs a ReferenceGrant); end-user authentication of routes or of
 * whole listeners, local rate limits of routes, and TCP and TLS passthrough
 * listeners with their routes.
 *
 * A scenario is generated strict (every value valid; combinations may still
 * be refused) or loose (some values invalid, each planted as a defect).
 */

/** The gateway's construct path. */
export const GATEWAY_PATH = 'test/edge';

/** Hostnames that overlap in every way a listener and a route can: exact, wildcard, nested. */
const HOSTS = ['shop.example.com', '*.example.com', 'api.example.org', 'grpc.example.com', 'a.b.example.com', '*.b.example.com'] as const;
const BAD_HOSTS = ['Shop.example.com', '10.0.0.1', '*', 'a.*.example.com', 'bad_host.example.com', '', `${'x'.repeat(250)}.com`];

/** Which backend a route sends to; the scenario builder makes what it names. */
export type BackendChoice =
  /** `orders` (one port, 80 'http'), optionally naming the port. */
  | { readonly kind: 'service'; readonly port?: string | number }
  /** A weighted split of `orders` revisions; `foreign` adds a revision of another service. */
  | { readonly kind: 'revisions'; readonly tracks: readonly Track[]; readonly weights: readonly number[]; readonly foreign: boolean }
  /** `rpc` (ports 'grpc' 9090 and 'web' 80), optionally naming the port. */
  | { readonly kind: 'grpc-service'; readonly port?: string | number }
  | { readonly kind: 'external'; readonly name: string; readonly hostname: string; readonly port?: number }
  /** The function `thumbs` in the gateway's namespace. */
  | { readonly kind: 'function' }
  /** `catalog` in namespace 'apps', admitting the gateway's namespace or not. */
  | { readonly kind: 'remote-service'; readonly admitted: boolean }
  /** The function `resize` in namespace 'apps'. */
  | { readonly kind: 'remote-function' };

/** The revisions of `orders`. */
export type Track = 'stable' | 'canary' | 'preview';

/** A mirror to a revision of `orders`. */
export interface MirrorChoice {
  readonly track: Track;
  readonly percentage?: number;
}

/** What every route has. */
interface RouteCommon {
  readonly name: string;
  readonly hostnames?: string[];
  readonly headers?: HeaderRewrite;
  readonly timeout?: Duration;
  readonly retries?: RetryPolicy;
  readonly mirror?: MirrorChoice;
  readonly rateLimit?: LocalRateLimit;
}

/** An HTTP route. */
export interface HttpRouteSpec extends RouteCommon {
  readonly kind: 'http';
  readonly matches?: HttpMatch[];
  readonly backend?: BackendChoice;
  readonly redirect?: HttpRedirect;
  readonly rewrite?: UrlRewrite;
  readonly authentication?: EndUserAuthentication;
}

/** A gRPC route. */
export interface GrpcRouteSpec extends RouteCommon {
  readonly kind: 'grpc';
  readonly matches?: GrpcMatch[];
  readonly backend: BackendChoice;
}

export type RouteSpec = HttpRouteSpec | GrpcRouteSpec;

/** A listener by name. */
export interface ListenerSpec {
  readonly name: string;
  readonly protocol: ListenerProtocol;
  readonly port?: number;
  readonly hostnames?: string[];
  readonly tls?: ListenerTls;
  readonly redirectToHttps?: boolean;
  readonly authentication?: EndUserAuthentication;
}

/** A gateway, its listeners (in props or added after) and its routes. */
export interface GatewayScenario {
  readonly gateway: {
    readonly name?: string;
    readonly rendering: GatewayRendering;
    readonly gatewayClassName?: string;
    readonly istioSelector?: Record<string, string>;
  };
  readonly listeners: ListenerSpec[];
  /** Listeners in the gateway's props, or added with addListener. */
  readonly listenersInProps: boolean;
  /** A listener added after the routes, which is refused when there is a route. */
  readonly lateListener?: ListenerSpec;
  readonly routes: RouteSpec[];
  /**
   * A TCP listener `db` (5432) and a TLS passthrough listener `sni` (6443,
   * `*.db.example.com`), with a TCP route `postgres` and a TLS route
   * `orders-db` (SNI `orders.db.example.com`) to the database `orders-db`.
   */
  readonly streams: boolean;
}

/** The shop's identity provider: every authenticating listener and route of a scenario accepts it, so no two define it differently. */
export const SHOP_LOGIN: EndUserAuthentication = {
  issuers: [{ issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks.json', audiences: ['shop'] }],
};

/** End-user authentication: {@link SHOP_LOGIN}, with claims or not; in a loose scenario sometimes a malformed one. */
function authentication(s: Sites): fc.Arbitrary<Case<EndUserAuthentication>> {
  const issuer = SHOP_LOGIN.issuers[0];
  return s.wrongOr(
    valid(fc.constantFrom<EndUserAuthentication>(SHOP_LOGIN, { ...SHOP_LOGIN, require: [{ claims: [{ claim: 'groups', values: ['admin'] }] }] }, { ...SHOP_LOGIN, require: [] })),
    fc.constantFrom<[EndUserAuthentication, string]>(
      [{ issuers: [{ ...issuer, issuer: 'http://login.example.com' }] }, 'an issuer that is not https'],
      [{ issuers: [{ ...issuer, audiences: [] }] }, 'an issuer without audiences'],
      [{ issuers: [{ ...issuer, jwks: '{"keys": []}' }] }, 'an issuer with both jwksUri and jwks'],
      [{ ...SHOP_LOGIN, require: [{ claims: [{ claim: 'a b', values: ['x'] }] }] }, 'a claim name with a space'],
    ).map(([auth, what]) => planted(auth, `authentication with ${what}`)),
  );
}

/** A local rate limit; in a loose scenario sometimes an invalid rate, interval or status. */
function rateLimit(s: Sites): fc.Arbitrary<Case<LocalRateLimit>> {
  return caseRecord({
    requests: s.validOr(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, 1.5, -3), 'rateLimit requests'),
    interval: s.validOr(fc.constantFrom(Duration.seconds(1), Duration.millis(250), Duration.minutes(1)), fc.constantFrom(Duration.millis(10), Duration.millis(0)), 'rateLimit interval'),
    burst: optional(valid(fc.constant(200)), 1),
    statusCode: optional(s.validOr(fc.constantFrom(429, 503), fc.constantFrom(418, 200), 'rateLimit statusCode'), 1),
  });
}

/** Mostly nothing, sometimes `arbitrary`. */
const sometimes = <T>(arbitrary: fc.Arbitrary<Case<T>>, freq = 4) =>
  fc.oneof(
    { weight: freq, arbitrary: fc.constant(sound<T | undefined>(undefined)) },
    { weight: 1, arbitrary: arbitrary as fc.Arbitrary<Case<T | undefined>> },
  );

/** The stream listeners of a scenario with `streams`. */
export const STREAM_LISTENERS: readonly ListenerSpec[] = [
  { name: 'db', protocol: ListenerProtocol.TCP, port: 5432 },
  { name: 'sni', protocol: ListenerProtocol.TLS_PASSTHROUGH, port: 6443, hostnames: ['*.db.example.com'] },
];

const hostList = (s: Sites, what: string, minLength = 0) =>
  s.wrongOr(
    valid(fc.subarray([...HOSTS], { minLength })),
    fc.oneof(
      fc.tuple(fc.subarray([...HOSTS]), fc.constantFrom(...BAD_HOSTS)).map(([hosts, bad]) => planted([...hosts, bad], `${what} hostname ${JSON.stringify(bad)}`)),
      fc.constantFrom(...HOSTS).map((h) => planted([h, h], `${what} lists ${h} twice`)),
      // wrong JavaScript types: one string for the list (which would be split into characters), a number
      fc.constantFrom(...HOSTS).map((h) => planted(h as unknown as string[], `${what} hostnames as one string ${h}`)),
      fc.constant(planted([42] as unknown as string[], `${what} hostname 42`)),
    ),
  );

function listener(s: Sites): fc.Arbitrary<Case<ListenerSpec>> {
  const port = optional(s.validOr(fc.constantFrom(80, 443, 8080, 8443), fc.constantFrom(0, 65536, 1.5, -80), 'listener port'), 1);
  const secret = s.validOr(fc.constantFrom('edge-tls', 'shop-cert'), fc.constantFrom('Edge_TLS', '', 'x'.repeat(254)), 'tls secret name');
  const issuer = s.validOr(fc.constantFrom('letsencrypt', 'internal-ca'), fc.constantFrom("Let's Encrypt", 'CA'), 'issuer name');
  const tls = fc.oneof(
    secret.map((c) => ({ value: ListenerTls.fromSecret(c.value), defects: c.defects })),
    fc.tuple(fc.boolean(), issuer).map(([cluster, c]) => ({
      value: ListenerTls.fromCertManager(cluster ? CertificateIssuer.clusterIssuer(c.value) : CertificateIssuer.issuer(c.value)),
      defects: c.defects,
    })),
  );
  const name = s.validOr(fc.constantFrom('web', 'https', 'grpc', 'alt', 'admin'), fc.constantFrom('Web', '', 'l'.repeat(41), 'web_1'), 'listener name');
  const protocol = s.validOr(fc.constantFrom(ListenerProtocol.HTTP, ListenerProtocol.HTTPS, ListenerProtocol.GRPC), fc.constant('TCP' as ListenerProtocol), 'listener protocol');
  return fc.record({ name, protocol, port, hostnames: optional(hostList(s, 'listener'), 4), tls: optional(tls), redirect: fc.boolean() }).map((r) => {
    const protocolValue = r.protocol.value;
    const defects: Defect[] = [...r.name.defects, ...r.protocol.defects, ...r.port.defects, ...r.hostnames.defects];
    // TLS as the protocol wants it: required for HTTPS, none for HTTP, either for gRPC; a loose scenario sometimes gets it wrong
    let tlsCase = r.tls;
    const wantsTls = protocolValue === ListenerProtocol.HTTPS;
    const refusesTls = protocolValue === ListenerProtocol.HTTP;
    if (wantsTls && tlsCase.value === undefined) {
      tlsCase = { value: ListenerTls.fromSecret('edge-tls'), defects: [] };
    }
    if (refusesTls && tlsCase.value !== undefined && tlsCase.defects.length === 0) {
      tlsCase = sound(undefined);
    }
    if (!s.loose && tlsCase.value?.issuer !== undefined && (r.hostnames.value ?? []).length === 0) {
      tlsCase = sound(ListenerTls.fromSecret('edge-tls'));
    }
    defects.push(...tlsCase.defects);
    const redirectToHttps = protocolValue === ListenerProtocol.HTTP && r.redirect ? true : undefined;
    return {
      value: { name: r.name.value, protocol: protocolValue, port: r.port.value, hostnames: r.hostnames.value, tls: tlsCase.value, redirectToHttps },
      defects,
    };
  });
}

/** Listener mistakes only a loose scenario makes: TLS against the protocol, a redirect off plain HTTP. */
function listenerMistake(): fc.Arbitrary<(l: ListenerSpec) => ListenerSpec> {
  return fc.constantFrom(
    (l: ListenerSpec) => ({ ...l, protocol: ListenerProtocol.HTTPS, tls: undefined, redirectToHttps: undefined }),
    (l: ListenerSpec) => ({ ...l, protocol: ListenerProtocol.HTTP, tls: ListenerTls.fromSecret('edge-tls'), redirectToHttps: undefined }),
    (l: ListenerSpec) => ({ ...l, protocol: ListenerProtocol.GRPC, redirectToHttps: true }),
    (l: ListenerSpec) => ({ ...l, protocol: ListenerProtocol.HTTPS, hostnames: undefined, tls: ListenerTls.fromCertManager(CertificateIssuer.clusterIssuer('letsencrypt')) }),
  );
}

const pathValue = (s: Sites) =>
  s.validOr(fc.constantFrom('/', '/api', '/api/orders', '/v1/x', '/a%20b', '/a-b_c~d', '/api/'), fc.constantFrom('api', '/a//b', '/a/../b', '/a b', '/./x', ''), 'match path');

function httpMatch(s: Sites): fc.Arbitrary<Case<HttpMatch>> {
  const path = fc.oneof(
    pathValue(s).map((c) => ({ value: PathMatch.prefix(c.value), defects: c.defects })),
    pathValue(s).map((c) => ({ value: PathMatch.exact(c.value), defects: c.defects })),
    s.validOr(fc.constantFrom('/r/[0-9]+', '/v[12]/.*', '(?i)/img/.*'), fc.constantFrom('(?=x)', '[', '(a', '/(x)\\1', ''), 'match regex').map((c) => ({
      value: PathMatch.regex(c.value),
      defects: c.defects,
    })),
  );
  const headerName = s.validOr(fc.constantFrom('x-beta', 'User-Agent', 'x-env'), fc.constantFrom('bad header', '', 'x:y'), 'match header name');
  const header = fc.oneof(
    fc.tuple(headerName, s.validOr(fc.constantFrom('1', 'yes', 'a b'), fc.constantFrom('', 'a\nb'), 'match header value'))
      .map(([n, v]) => ({ value: HeaderMatch.exact(n.value, v.value), defects: [...n.defects, ...v.defects] })),
    fc.tuple(headerName, s.validOr(fc.constantFrom('.*bot.*', '(?i)mobile'), fc.constantFrom('(?!x)', '('), 'match header regex'))
      .map(([n, v]) => ({ value: HeaderMatch.regex(n.value, v.value), defects: [...n.defects, ...v.defects] })),
  );
  const queryName = s.validOr(fc.constantFrom('page', 'q', 'Lang'), fc.constantFrom('a b', ''), 'query name');
  const query = fc.oneof(
    fc.tuple(queryName, s.validOr(fc.constantFrom('1', 'shoes'), fc.constantFrom('', 'x'.repeat(1025)), 'query value'))
      .map(([n, v]) => ({ value: QueryParamMatch.exact(n.value, v.value), defects: [...n.defects, ...v.defects] })),
    fc.tuple(queryName, s.validOr(fc.constantFrom('[0-9]+', '(?i)shoe.*'), fc.constantFrom('(?<=x)', '*'), 'query regex'))
      .map(([n, v]) => ({ value: QueryParamMatch.regex(n.value, v.value), defects: [...n.defects, ...v.defects] })),
  );
  return caseRecord({
    path: optional(path),
    headers: optional(fc.uniqueArray(header, { minLength: 1, maxLength: 2, selector: (h) => h.value.name }).map(combine), 1),
    method: optional(s.validOr(fc.constantFrom<HttpMethod>('GET', 'POST', 'DELETE'), fc.constantFrom('FETCH', 'get') as fc.Arbitrary<string> as fc.Arbitrary<HttpMethod>, 'method'), 1),
    queryParams: optional(fc.uniqueArray(query, { minLength: 1, maxLength: 2, selector: (q) => q.value.name }).map(combine), 1),
  });
}

function grpcMatch(s: Sites): fc.Arbitrary<Case<GrpcMatch>> {
  return caseRecord({
    service: optional(s.validOr(fc.constantFrom('shop.cart.v1.Cart', 'Greeter', 'a_b.C2'), fc.constantFrom('shop..Cart', '1abc', 'shop/cart', ''), 'gRPC service')),
    method: optional(s.validOr(fc.constantFrom('AddItem', 'Get_1', 'list'), fc.constantFrom('Add-Item', '1x', ''), 'gRPC method')),
    headers: optional(
      s.validOr(fc.constantFrom([HeaderMatch.exact('x-tenant', 'a')]), fc.constantFrom([HeaderMatch.exact('x tenant', 'a')]), 'gRPC header').map((c) => c),
      1,
    ),
  });
}

function modifier(s: Sites): fc.Arbitrary<Case<HeaderModifier>> {
  const value = s.validOr(fc.constantFrom('yes', 'edge 1', 'DENY'), fc.constantFrom('', 'a\r\nb', 'x'.repeat(4097)), 'header value');
  const dict = (names: readonly string[]) =>
    fc.uniqueArray(fc.tuple(s.validOr(fc.constantFrom(...names), fc.constantFrom('bad header', 'x:y'), 'header name'), value), {
      minLength: 1,
      maxLength: 2,
      selector: ([n]) => n.value.toLowerCase(),
    }).map((entries) => ({
      value: Object.fromEntries(entries.map(([n, v]) => [n.value, v.value])),
      defects: entries.flatMap(([n, v]) => [...n.defects, ...v.defects]),
    }));
  return caseRecord({
    set: optional(dict(['X-Edge', 'x-frame-options'])),
    add: optional(dict(['via', 'x-trace'])),
    remove: optional(s.wrongOr(
      fc.uniqueArray(s.validOr(fc.constantFrom<string>('cookie', 'Server', 'x-debug'), fc.constantFrom('bad header', ''), 'removed header'), { minLength: 1, maxLength: 2, selector: (c) => c.value.toLowerCase() }).map(combine),
      fc.constantFrom(['cookie', 'Cookie'], ['server', 'server']).map((names) => planted([...names], `removes ${names[1]} twice`)),
    )),
  });
}

const headerRewrite = (s: Sites) => caseRecord({ request: optional(modifier(s)), response: optional(modifier(s), 1) });

const timeout = (s: Sites) =>
  s.validOr(
    fc.oneof(fc.integer({ min: 1, max: 30 }).map((n) => Duration.seconds(n)), fc.constantFrom(250, 1500).map((n) => Duration.millis(n))),
    fc.constantFrom(Duration.millis(0), Duration.millis(0.5), Duration.seconds(100_000)),
    'timeout',
  );

function retries(s: Sites): fc.Arbitrary<Case<RetryPolicy>> {
  return caseRecord({
    attempts: s.validOr(fc.integer({ min: 1, max: 10 }), fc.constantFrom(0, 11, 2.5), 'retries.attempts'),
    perTryTimeout: optional(s.validOr(fc.integer({ min: 1, max: 10 }).map((n) => Duration.seconds(n)), fc.constant(Duration.millis(0)), 'perTryTimeout'), 1),
    retryOn: optional(s.validOr(fc.subarray(Object.values(RetryOn), { minLength: 1 }), fc.constantFrom<RetryOn[]>([], ['timeout' as RetryOn]), 'retryOn'), 1),
  });
}

function mirror(s: Sites): fc.Arbitrary<Case<MirrorChoice>> {
  return caseRecord({
    track: valid(fc.constantFrom<Track>('stable', 'canary', 'preview')),
    // 33.3333333 needs seven decimals, which a Gateway API fraction cannot hold (Istio takes it)
    percentage: optional(s.validOr(fc.constantFrom(100, 50, 10, 12.5, 0.1, 0.000001, 33.3333333), fc.constantFrom(0, 101, -5, Number.NaN), 'mirror percentage')),
  });
}

function backend(s: Sites): fc.Arbitrary<Case<BackendChoice>> {
  const weight = s.validOr(fc.integer({ min: 0, max: 100 }), fc.constantFrom(-1, 1.5, 1_000_001), 'weight');
  const revisions = fc.tuple(fc.subarray<Track>(['stable', 'canary', 'preview'], { minLength: 1 }), fc.array(weight, { minLength: 3, maxLength: 3 }), s.wrongOr(valid(fc.constant(false)), fc.constant(planted(true, 'a revision of another service'))))
    .map(([tracks, weights, foreign]) => ({
      value: { kind: 'revisions' as const, tracks, weights: weights.slice(0, tracks.length).map((w) => w.value), foreign: foreign.value },
      defects: [...weights.slice(0, tracks.length).flatMap((w) => w.defects), ...foreign.defects],
    }));
  const externalName = s.validOr(fc.constantFrom('partner', 'legacy-api'), fc.constantFrom('Partner', '9lives', 'a'.repeat(64)), 'external name');
  const externalHost = s.validOr(fc.constantFrom('partner.example.net', 'legacy.internal'), fc.constantFrom('Partner.Example', '10.1.2.3', '*.x.net'), 'external hostname');
  const externalPort = optional(s.validOr(fc.constantFrom(80, 8080), fc.constantFrom(0, 65536), 'external port'), 1);
  const external = fc.tuple(externalName, externalHost, externalPort).map(([n, h, p]) => ({
    value: { kind: 'external' as const, name: n.value, hostname: h.value, port: p.value },
    defects: [...n.defects, ...h.defects, ...p.defects],
  }));
  const servicePort = optional(s.validOr(fc.constantFrom<string | number>(80, 'http'), fc.constantFrom<string | number>(81, 'grpc', 'nope'), 'service port'), 1);
  return fc.oneof(
    { weight: 3, arbitrary: servicePort.map((p) => ({ value: { kind: 'service' as const, port: p.value }, defects: p.defects })) },
    { weight: 3, arbitrary: revisions },
    { weight: 2, arbitrary: external },
    { weight: 2, arbitrary: valid(fc.constant({ kind: 'function' as const })) },
    { weight: 1, arbitrary: fc.constantFrom<string | number>(80, 'web').map((port) => sound({ kind: 'grpc-service' as const, port })) },
    {
      weight: 2,
      arbitrary: s.wrongOr(valid(fc.constant(true)), fc.constant(planted(false, 'a remote backend that does not admit the gateway namespace')))
        .map((c) => ({ value: { kind: 'remote-service' as const, admitted: c.value }, defects: c.defects })),
    },
    { weight: 1, arbitrary: valid(fc.constant({ kind: 'remote-function' as const })) },
  );
}

const routeName = (s: Sites) =>
  s.validOr(fc.constantFrom('orders', 'cart', 'web', 'api', 'old', 'thumbs', 'partner'), fc.constantFrom('Orders', '', 'r'.repeat(64), 'a_b'), 'route name');

function redirect(s: Sites): fc.Arbitrary<Case<HttpRedirect>> {
  return caseRecord({
    scheme: optional(s.validOr(fc.constantFrom<'http' | 'https'>('http', 'https'), fc.constant('ftp' as 'http'), 'redirect scheme')),
    hostname: optional(s.validOr(fc.constantFrom('www.example.com', 'shop.example.org'), fc.constantFrom('*.example.com', 'Bad.Host', '10.0.0.2'), 'redirect hostname'), 1),
    port: optional(s.validOr(fc.constantFrom(443, 8443, 80), fc.constantFrom(0, 70000, 1.5), 'redirect port'), 1),
    path: optional(
      fc.oneof(
        s.validOr(fc.constantFrom('/moved', '/index.html'), fc.constantFrom('moved', '/a b'), 'redirect path').map((c) => ({ value: PathRewrite.full(c.value), defects: c.defects })),
        s.validOr(fc.constantFrom('/v2', '/'), fc.constantFrom('v2'), 'redirect prefix').map((c) => ({ value: PathRewrite.prefix(c.value), defects: c.defects })),
      ),
    ),
    statusCode: optional(s.validOr(fc.constantFrom<301 | 302>(301, 302), fc.constant(307 as 301), 'redirect statusCode'), 1),
  });
}

function rewrite(s: Sites): fc.Arbitrary<Case<UrlRewrite>> {
  return caseRecord({
    path: optional(
      fc.oneof(
        s.validOr(fc.constantFrom('/', '/v2', '/internal/api'), fc.constantFrom('v2', '/a b'), 'rewrite prefix').map((c) => ({ value: PathRewrite.prefix(c.value), defects: c.defects })),
        s.validOr(fc.constantFrom('/index.html'), fc.constantFrom('index.html'), 'rewrite path').map((c) => ({ value: PathRewrite.full(c.value), defects: c.defects })),
      ),
    ),
    hostname: optional(s.validOr(fc.constantFrom('internal.example.com'), fc.constantFrom('*.example.com', 'Internal'), 'rewrite hostname'), 1),
  });
}

function httpRoute(s: Sites): fc.Arbitrary<Case<HttpRouteSpec>> {
  const forwards = caseRecord({
    kind: valid(fc.constant('http' as const)),
    name: routeName(s),
    hostnames: optional(hostList(s, 'route', 1), 1),
    matches: optional(caseArray(httpMatch(s), { minLength: 1, maxLength: 3 })),
    backend: backend(s),
    rewrite: optional(rewrite(s), 1),
    headers: optional(headerRewrite(s), 1),
    timeout: optional(timeout(s), 1),
    retries: optional(retries(s), 1),
    mirror: optional(mirror(s), 1),
    rateLimit: sometimes(rateLimit(s)),
    authentication: sometimes(authentication(s), 3),
  });
  const redirects = caseRecord({
    kind: valid(fc.constant('http' as const)),
    name: routeName(s),
    hostnames: optional(hostList(s, 'route', 1), 1),
    matches: optional(caseArray(httpMatch(s), { minLength: 1, maxLength: 2 })),
    redirect: redirect(s),
    headers: optional(headerRewrite(s), 2),
  });
  return fc.oneof({ weight: 4, arbitrary: forwards }, { weight: 1, arbitrary: redirects });
}

function grpcRoute(s: Sites): fc.Arbitrary<Case<GrpcRouteSpec>> {
  const grpcBackend = s.wrongOr(
    valid(fc.constantFrom<BackendChoice>({ kind: 'grpc-service', port: 'grpc' }, { kind: 'grpc-service', port: 9090 })),
    fc.constantFrom<BackendChoice>(
      { kind: 'grpc-service', port: 'web' },
      { kind: 'grpc-service' },
      { kind: 'service' },
      { kind: 'function' },
      { kind: 'external', name: 'partner', hostname: 'partner.example.net' },
    ).map((b) => planted(b, `a gRPC route to ${JSON.stringify(b)}`)),
  );
  return caseRecord({
    kind: valid(fc.constant('grpc' as const)),
    name: routeName(s),
    hostnames: optional(hostList(s, 'route', 1), 1),
    matches: optional(caseArray(grpcMatch(s), { minLength: 1, maxLength: 2 })),
    backend: grpcBackend,
    headers: optional(headerRewrite(s), 1),
    timeout: optional(timeout(s), 1),
    retries: optional(retries(s), 1),
    rateLimit: sometimes(rateLimit(s)),
  });
}

function scenario(loose: boolean): fc.Arbitrary<Case<GatewayScenario>> {
  const s = sites(loose);
  const rendering = s.validOr(fc.constantFrom(GatewayRendering.GATEWAY_API, GatewayRendering.ISTIO), fc.constant('nginx' as GatewayRendering), 'rendering');
  const className = optional(s.validOr(fc.constantFrom('istio', 'envoy-gateway'), fc.constantFrom<string>('Istio', 'bad_class', ['istio'] as unknown as string), 'gatewayClassName'), 1);
  const selector = optional(s.validOr(fc.constantFrom<Record<string, string>>({ istio: 'ingressgateway' }, { app: 'edge-gw' }), fc.constantFrom<Record<string, string>>({}, 'istio=ingressgateway' as unknown as Record<string, string>), 'istioSelector'), 1);
  const absent = valid(fc.constant(undefined));
  // the other rendering's prop only in a loose scenario (planted by combinationDefects)
  const gateway = rendering.chain((r) => caseRecord({
    name: optional(s.validOr(fc.constantFrom('edge', 'shop-edge', 'g'.repeat(50)), fc.constantFrom<string>('Edge', 'g'.repeat(51), 'edge_1', '-edge', 7 as unknown as string), 'gateway name'), 1),
    rendering: fc.constant(r),
    gatewayClassName: r.value === GatewayRendering.ISTIO ? s.wrongOr(absent, className) : className,
    istioSelector: r.value === GatewayRendering.ISTIO ? selector : s.wrongOr(absent, selector),
  }));
  const listeners = loose ? fc.uniqueArray(listener(s), { maxLength: 3, selector: (l) => l.value.name }) : strictListeners();
  const mistakes = loose ? fc.option(fc.tuple(fc.nat(), listenerMistake()), { freq: 5 }) : fc.constant(null);
  const route = fc.oneof({ weight: 4, arbitrary: httpRoute(s) as fc.Arbitrary<Case<RouteSpec>> }, { weight: 1, arbitrary: grpcRoute(s) });
  const routes = fc.uniqueArray(route, { maxLength: 4, selector: (c) => c.value.name }).map(combine);
  const repeat = loose ? fc.option(fc.nat(), { freq: 8 }) : fc.constant(null);
  const late = loose ? fc.option(fc.constant<ListenerSpec>({ name: 'late', protocol: ListenerProtocol.HTTP, port: 8090 }), { freq: 10, nil: undefined }) : fc.constant(undefined);
  const listenerAuth = sometimes(authentication(s), 3);
  // a strict scenario now and then keeps the authentication and rate limits its rendering refuses (combination defects)
  const keepClashes = loose ? fc.constant(true) : fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  const streams = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  const parts = { gateway, listeners, mistakes, listenersInProps: fc.boolean(), routes, repeat, late, listenerAuth, streams, keepClashes };
  return fc.record(parts).map((r) => {
    const auth = r.listenerAuth.value;
    // every HTTP, HTTPS and gRPC listener that does not redirect takes the listener authentication; its routes then have none of their own
    const listenerCases = r.listeners.map((l) => (auth !== undefined && !l.value.redirectToHttps ? { ...l.value, authentication: auth } : l.value));
    if (r.mistakes !== null && listenerCases.length > 0) {
      const [index, mistake] = r.mistakes;
      listenerCases[index % listenerCases.length] = mistake(listenerCases[index % listenerCases.length]);
    }
    const routeCases = auth === undefined ? r.routes.value : r.routes.value.map((route) => (route.kind === 'http' ? { ...route, authentication: undefined } : route));
    const repeated: Defect[] = [];
    if (r.repeat !== null && routeCases.length > 0) {
      const again = routeCases[r.repeat % routeCases.length];
      routeCases.push(again);
      repeated.push({ owner: '', what: `route ${again.name} added twice` });
    }
    const draft: GatewayScenario = {
      gateway: r.gateway.value,
      listeners: r.streams ? [...listenerCases, ...STREAM_LISTENERS] : listenerCases,
      listenersInProps: r.listenersInProps,
      routes: routeCases,
      lateListener: r.late,
      streams: r.streams,
    };
    if (r.late !== undefined && routeCases.length > 0) {
      repeated.push({ owner: '', what: 'a listener added after a route' });
    }
    const value = loose ? draft : repaired(draft, r.keepClashes);
    const authDefects = r.listenerAuth.defects.length > 0 && listenerCases.some((l) => l.authentication !== undefined) ? r.listenerAuth.defects : [];
    const routeDefects = auth === undefined ? r.routes.defects : r.routes.defects.filter((d) => !d.what.startsWith('authentication with '));
    const listenerDefects = r.listeners.flatMap((l) => l.defects);
    const defects = [...r.gateway.defects, ...listenerDefects, ...routeDefects, ...authDefects, ...repeated, ...combinationDefects(value)];
    return { value, defects };
  });
}

/** Hostnames that no wildcard of the pool takes together with grpc.example.com. */
const HTTP_ONLY_HOSTS = ['shop.example.com', 'api.example.org', 'a.b.example.com', '*.b.example.com'];

/**
 * Listeners that get along: each role on its own port (so no two share a
 * port, which Istio allows one protocol), HTTP hostnames apart from the gRPC
 * listener's when there is one (Istio binds hostnames, not ports), a
 * redirect only to an HTTPS listener on 443 for the same hostnames.
 */
function strictListeners(): fc.Arbitrary<Case<ListenerSpec>[]> {
  return fc.record({
    roles: fc.subarray(['web', 'https', 'grpc', 'alt'] as const, { minLength: 1 }),
    webHosts: fc.subarray([...HOSTS]),
    httpOnlyHosts: fc.subarray(HTTP_ONLY_HOSTS, { minLength: 1 }),
    httpsHosts: fc.subarray([...HOSTS], { minLength: 1 }),
    altHosts: fc.subarray(HTTP_ONLY_HOSTS, { minLength: 1 }),
    grpcHosts: fc.constantFrom<string[]>(['grpc.example.com'], []),
    redirect: fc.boolean(),
    httpsPort: fc.constantFrom(undefined, 443, 8443),
    webPort: fc.constantFrom(undefined, 80, 8081),
    grpcTls: fc.boolean(),
    certManager: fc.boolean(),
    clusterIssuer: fc.boolean(),
    secret: fc.constantFrom('edge-tls', 'shop-cert'),
  }).map((r) => {
    const grpc = r.roles.includes('grpc');
    const https = r.roles.includes('https');
    const apart = (hosts: string[]) => (grpc ? r.httpOnlyHosts : hosts);
    const tls = (hostnames: readonly string[]) => (r.certManager && hostnames.length > 0
      ? ListenerTls.fromCertManager(r.clusterIssuer ? CertificateIssuer.clusterIssuer('letsencrypt') : CertificateIssuer.issuer('internal-ca'))
      : ListenerTls.fromSecret(r.secret));
    const httpsHosts = apart(r.httpsHosts);
    const redirect = r.redirect && https;
    const listeners: ListenerSpec[] = r.roles.map((role) => {
      switch (role) {
        case 'web':
          return redirect
            ? { name: 'web', protocol: ListenerProtocol.HTTP, port: r.webPort, hostnames: httpsHosts, redirectToHttps: true }
            : { name: 'web', protocol: ListenerProtocol.HTTP, port: r.webPort, hostnames: apart(r.webHosts) };
        case 'https':
          return { name: 'https', protocol: ListenerProtocol.HTTPS, port: redirect ? 443 : r.httpsPort, hostnames: httpsHosts, tls: tls(httpsHosts) };
        case 'grpc': {
          // without hostnames it would take every host, the HTTP listeners' too
          const hostnames = r.roles.length > 1 ? ['grpc.example.com'] : r.grpcHosts;
          return r.grpcTls
            ? { name: 'grpc', protocol: ListenerProtocol.GRPC, port: 9443, hostnames, tls: tls(hostnames) }
            : { name: 'grpc', protocol: ListenerProtocol.GRPC, port: 50051, hostnames };
        }
        case 'alt':
          return { name: 'alt', protocol: ListenerProtocol.HTTP, port: 8080, hostnames: r.altHosts };
      }
    });
    return listeners.map(sound);
  });
}

/**
 * A strict scenario made valid where its independent parts clash: routes
 * only of kinds some listener takes, on hostnames a listener takes, each
 * route's paths under its own name (no two routes claim one request), a
 * prefix replaced only after one prefix match, retries and gRPC timeouts
 * only where the rendering has them, no mirror to a revision the route
 * serves, some weight above 0; unless `keepClashes`, rate limits and
 * authentication only where the rendering has them.
 */
function repaired(scenario: GatewayScenario, keepClashes: boolean): GatewayScenario {
  const s = keepClashes ? scenario : authenticationRepaired(scenario);
  const gatewayApi = s.gateway.rendering === GatewayRendering.GATEWAY_API;
  const protocols = { http: [ListenerProtocol.HTTP, ListenerProtocol.HTTPS], grpc: [ListenerProtocol.GRPC] };
  const taking = (kind: 'http' | 'grpc') => s.listeners.filter((l) => !l.redirectToHttps && protocols[kind].includes(l.protocol));
  const routes = s.routes.filter((route) => taking(route.kind).length > 0).map((route): RouteSpec => {
    const listeners = taking(route.kind);
    const anyHost = listeners.some((l) => (l.hostnames ?? []).length === 0);
    const covered = (h: string) => listeners.some((l) => (l.hostnames ?? []).some((lh) => lh === h || coveredBy(lh, h)));
    const hostnames = route.hostnames?.filter((h) => anyHost || covered(h));
    const common = {
      hostnames: hostnames !== undefined && hostnames.length > 0 ? hostnames : undefined,
      retries: gatewayApi ? undefined : perTryWithin(route.retries, route.timeout),
      rateLimit: gatewayApi && !keepClashes ? undefined : route.rateLimit,
    };
    if (route.kind === 'grpc') {
      // each route's services under its own name (route names here have no '-')
      const matches = (route.matches ?? [{}]).map((m) => ({ ...m, service: `${route.name}.${m.service ?? 'Api'}` }));
      return { ...route, ...common, matches, timeout: gatewayApi ? undefined : route.timeout };
    }
    // an authenticated route matches by path and method only, exact or prefix
    const scoped = (m: HttpMatch): HttpMatch => (route.authentication === undefined ? m : {
      method: m.method,
      path: m.path?.type === 'RegularExpression' ? PathMatch.prefix('/') : m.path,
    });
    const matches = (route.matches ?? [{}]).map((m) => ({ ...scoped(m), path: under(route.name, scoped(m).path) }));
    const onePrefix = matches.length === 1 && matches[0].path.type === 'PathPrefix';
    const path = (p: PathRewrite | undefined) => (p?.type === 'ReplacePrefixMatch' && !onePrefix ? PathRewrite.full(p.value) : p);
    const b = route.backend;
    const fn = b?.kind === 'function' || b?.kind === 'remote-function';
    const rewrite = route.rewrite && { path: path(route.rewrite.path), hostname: fn ? undefined : route.rewrite.hostname };
    const backend = b?.kind === 'grpc-service' && b.port === undefined ? { ...b, port: 80 } : b?.kind === 'revisions' && b.weights.every((w) => w === 0) ? { ...b, weights: b.weights.map(() => 1) } : b;
    const mirror = b?.kind === 'revisions' && route.mirror !== undefined && b.tracks.includes(route.mirror.track) ? undefined : route.mirror;
    return {
      ...route,
      ...common,
      matches,
      backend,
      mirror,
      rewrite: rewrite?.path === undefined && rewrite?.hostname === undefined ? undefined : rewrite,
      redirect: route.redirect && { ...route.redirect, path: path(route.redirect.path) },
    };
  });
  return { ...s, routes };
}

/**
 * A strict scenario's authentication where it can be rendered: none unless
 * Istio runs the gateway (the `istio` class on the Gateway API), no listener
 * authentication on an Istio Gateway beside a redirecting listener (its
 * policy would cover it), no token requirement on an Istio Gateway with TCP
 * and TLS listeners (it would refuse their connections).
 */
function authenticationRepaired(s: GatewayScenario): GatewayScenario {
  const istio = s.gateway.rendering === GatewayRendering.ISTIO;
  const istioRun = istio || (s.gateway.gatewayClassName ?? 'istio') === 'istio';
  const requires = (a: EndUserAuthentication | undefined) => a !== undefined && (a.require ?? [{}]).length > 0;
  const keepListener = istioRun && !(istio && s.listeners.some((l) => l.redirectToHttps)) &&
    !(istio && s.streams && s.listeners.some((l) => requires(l.authentication)));
  const keepRoute = (a: EndUserAuthentication | undefined) => istioRun && !(istio && s.streams && requires(a));
  return {
    ...s,
    listeners: s.listeners.map((l) => (keepListener ? l : { ...l, authentication: undefined })),
    routes: s.routes.map((r) => (r.kind === 'http' && !keepRoute(r.authentication) ? { ...r, authentication: undefined } : r)),
  };
}

/** Whether wildcard `pattern` takes `host`. */
function coveredBy(pattern: string, host: string): boolean {
  return pattern.startsWith('*.') && host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
}

/** A path under `/<name>`, of the same kind; a prefix `/<name>` when there is none. */
function under(name: string, path: PathMatch | undefined): PathMatch {
  if (path === undefined) {
    return PathMatch.prefix(`/${name}`);
  }
  const value = path.value === '/' ? `/${name}` : `/${name}${path.value}`;
  return path.type === 'PathPrefix' ? PathMatch.prefix(value) : path.type === 'Exact' ? PathMatch.exact(value) : PathMatch.regex(value);
}

/** Retries whose per-try timeout fits the route's timeout. */
function perTryWithin(retries: RetryPolicy | undefined, timeout: Duration | undefined): RetryPolicy | undefined {
  if (retries?.perTryTimeout === undefined || timeout === undefined) {
    return retries;
  }
  const tooLong = retries.perTryTimeout.toMilliseconds({ integral: false }) > timeout.toMilliseconds({ integral: false });
  return tooLong ? { ...retries, perTryTimeout: undefined } : retries;
}

/** Scenarios two thirds strict, one third loose. */
export const gatewayScenarios: fc.Arbitrary<Case<GatewayScenario>> = fc.oneof(
  { weight: 2, arbitrary: scenario(false) },
  { weight: 1, arbitrary: scenario(true) },
);

/**
 * Combinations that are wrong whatever else the scenario holds (the
 * library's documented rules, reasoned here independently of its code).
 */
export function combinationDefects(s: GatewayScenario): Defect[] {
  const defects: string[] = [];
  const { rendering, gatewayClassName, istioSelector } = s.gateway;
  if (rendering === GatewayRendering.ISTIO && gatewayClassName !== undefined) {
    defects.push('gatewayClassName with the Istio rendering');
  }
  if (rendering === GatewayRendering.GATEWAY_API && istioSelector !== undefined) {
    defects.push('istioSelector with the Gateway API rendering');
  }
  if (s.listeners.length === 0 && s.lateListener === undefined) {
    defects.push('no listeners');
  }
  for (const l of s.listeners) {
    if (l.protocol === ListenerProtocol.HTTPS && l.tls === undefined) {
      defects.push(`HTTPS listener ${l.name} without tls`);
    }
    if (l.protocol === ListenerProtocol.HTTP && l.tls !== undefined) {
      defects.push(`HTTP listener ${l.name} with tls`);
    }
    if (l.redirectToHttps && l.protocol !== ListenerProtocol.HTTP) {
      defects.push(`${l.protocol} listener ${l.name} redirecting to HTTPS`);
    }
    if (l.tls?.issuer !== undefined && (l.hostnames ?? []).length === 0) {
      defects.push(`cert-manager listener ${l.name} without hostnames`);
    }
  }
  const externals = new Map<string, string>();
  for (const route of s.routes) {
    const b = route.backend;
    if (b?.kind === 'external' && route.kind === 'http') {
      const destination = `${b.hostname}:${b.port ?? 80}`;
      if ((externals.get(b.name) ?? destination) !== destination) {
        defects.push(`external backend ${b.name} to two destinations`);
      }
      externals.set(b.name, externals.get(b.name) ?? destination);
    }
  }
  defects.push(...authenticationDefects(s));
  for (const route of s.routes) {
    const what = `route ${route.name}`;
    const timeoutMillis = route.timeout?.toMilliseconds({ integral: false });
    const perTry = route.retries?.perTryTimeout?.toMilliseconds({ integral: false });
    if (timeoutMillis !== undefined && perTry !== undefined && perTry > timeoutMillis && timeoutMillis >= 1 && Number.isInteger(timeoutMillis)) {
      defects.push(`${what} perTryTimeout above its timeout`);
    }
    if (route.retries !== undefined && rendering === GatewayRendering.GATEWAY_API) {
      defects.push(`${what} retries on the Gateway API`);
    }
    if (route.rateLimit !== undefined && rendering === GatewayRendering.GATEWAY_API) {
      defects.push(`${what} rate limit on the Gateway API`);
    }
    if (route.mirror?.percentage === 33.3333333 && rendering === GatewayRendering.GATEWAY_API) {
      defects.push(`${what} mirror share of seven decimals on the Gateway API`);
    }
    if (route.kind === 'grpc') {
      if (route.timeout !== undefined && rendering === GatewayRendering.GATEWAY_API) {
        defects.push(`${what} gRPC timeout on the Gateway API`);
      }
      continue;
    }
    const matches = route.matches ?? [];
    if (route.redirect !== undefined) {
      const { scheme, hostname, port, path } = route.redirect;
      if (scheme === undefined && hostname === undefined && port === undefined && path === undefined) {
        defects.push(`${what} redirect to the same URL`);
      }
    }
    const prefixReplaced = route.rewrite?.path?.type === 'ReplacePrefixMatch' || route.redirect?.path?.type === 'ReplacePrefixMatch';
    if (prefixReplaced && !(matches.length === 1 && matches[0].path?.type === 'PathPrefix')) {
      defects.push(`${what} replaces a prefix without exactly one prefix match`);
    }
    if (route.rewrite !== undefined && route.rewrite.path === undefined && route.rewrite.hostname === undefined) {
      defects.push(`${what} rewrite that changes nothing`);
    }
    const b = route.backend;
    if (b === undefined) {
      continue;
    }
    const functionTarget = b.kind === 'function' || b.kind === 'remote-function';
    if (functionTarget && route.rewrite?.hostname !== undefined) {
      defects.push(`${what} rewrites the Host of a function`);
    }
    if (b.kind === 'grpc-service' && b.port === undefined) {
      defects.push(`${what} to a service of several ports without a port`);
    }
    if (b.kind === 'revisions') {
      if (b.weights.every((w) => w === 0)) {
        defects.push(`${what} with every weight 0`);
      }
      if (route.mirror !== undefined && b.tracks.includes(route.mirror.track)) {
        defects.push(`${what} mirrors to a revision it serves`);
      }
    }
  }
  return defects.map((what) => ({ owner: '', what }));
}

/** The port a listener takes when it names none. */
function listenerPort(l: ListenerSpec): number {
  return l.port ?? (l.protocol === ListenerProtocol.HTTPS || (l.protocol === ListenerProtocol.GRPC && l.tls !== undefined) ? 443 : 80);
}

/**
 * What end-user authentication cannot be, whatever else the scenario holds:
 * on the Gateway API, only the `istio` GatewayClass reads the policies; an
 * authenticated route matches by path and method only; a redirecting
 * listener cannot require a token; an Istio Gateway's token requirement
 * names no ports, so it covers every HTTP listener (which must all have the
 * listener authentication) and refuses TCP and TLS traffic; on a Gateway API
 * Gateway a listener's requirement covers its port, which no listener without
 * it may share.
 */
function authenticationDefects(s: GatewayScenario): string[] {
  const defects: string[] = [];
  const { rendering } = s.gateway;
  const istioClass = (s.gateway.gatewayClassName ?? 'istio') === 'istio';
  const routes = s.routes.filter((r): r is HttpRouteSpec => r.kind === 'http' && r.authentication !== undefined);
  const listeners = s.listeners.filter((l) => l.authentication !== undefined);
  if (rendering === GatewayRendering.GATEWAY_API && !istioClass) {
    defects.push(...routes.map((r) => `route ${r.name} authenticates under GatewayClass ${s.gateway.gatewayClassName}`));
    defects.push(...listeners.map((l) => `listener ${l.name} authenticates under GatewayClass ${s.gateway.gatewayClassName}`));
  }
  for (const route of routes) {
    if ((route.matches ?? []).some((m) => (m.headers ?? []).length > 0 || (m.queryParams ?? []).length > 0 || m.path?.type === 'RegularExpression')) {
      defects.push(`route ${route.name} authenticates and matches by header, query or regex path`);
    }
  }
  defects.push(...listeners.filter((l) => l.redirectToHttps).map((l) => `redirecting listener ${l.name} authenticates`));
  const requires = [...routes, ...listeners].some((x) => (x.authentication!.require ?? [{}]).length > 0);
  if (rendering === GatewayRendering.ISTIO && requires && s.streams) {
    defects.push("an Istio Gateway's token requirement beside TCP and TLS listeners");
  }
  if (listeners.length === 0) {
    return defects;
  }
  const same = (l: ListenerSpec) => JSON.stringify(l.authentication ?? null) === JSON.stringify(listeners[0].authentication);
  if (rendering === GatewayRendering.ISTIO) {
    const requestProtocols: readonly ListenerProtocol[] = [ListenerProtocol.HTTP, ListenerProtocol.HTTPS, ListenerProtocol.GRPC];
    const httpListeners = s.listeners.filter((l) => requestProtocols.includes(l.protocol));
    defects.push(...httpListeners.filter((l) => !same(l)).map((l) => `listener ${l.name} without the Istio Gateway's listener authentication`));
  } else {
    for (const l of listeners) {
      defects.push(...s.listeners.filter((o) => o !== l && listenerPort(o) === listenerPort(l) && !same(o)).map((o) => `listener ${o.name} shares port ${listenerPort(l)} with authenticated listener ${l.name}`));
    }
  }
  return defects;
}
