import { Chart, Duration } from 'cdk8s';
import {
  EndUserAuthentication,
  LocalRateLimit,
  Mesh,
  MESH_DEFAULT_RETRIES,
  MeshProvider,
  Microservice,
  PathMatch,
  ServiceRoutes,
  ServiceRoutesProps,
  ValidationError,
} from '../../../lib';
import { findObject, findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, synthProblemMessages, validationErrorOf } from '../../fixtures';

const ISSUER = 'https://accounts.example.com';
const JWKS_URI = 'https://accounts.example.com/.well-known/jwks.json';
const AUTH: EndUserAuthentication = { issuers: [{ issuer: ISSUER, jwksUri: JWKS_URI, audiences: ['shop'] }] };
const LIMIT: LocalRateLimit = { requests: 100, interval: Duration.seconds(1) };

/** `orders` in a mesh of `provider` with a routing table of these props and a catch-all route (keeping the mesh's retries). */
function ordersWith(props: Omit<ServiceRoutesProps, 'service'>, provider = MeshProvider.istio()) {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider });
  const orders = new Microservice(chart, 'orders', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], mesh });
  const routes = new ServiceRoutes(chart, 'routes', { service: orders, ...props });
  routes.addRoute('default', { backends: [{ revision: orders.revisions[0] }], retries: provider.name === 'linkerd' ? undefined : MESH_DEFAULT_RETRIES });
  return { chart, orders, routes };
}

const spec = (chart: Chart, kind: string, name: string): any => findObject(synthObjects(chart), { kind, name }).spec;

describe('end-user authentication in Istio', () => {
  test('a RequestAuthentication on the service pods with one jwtRule per issuer, token locations and claims to headers', () => {
    const { chart, orders } = ordersWith({
      authentication: {
        issuers: [
          {
            issuer: ISSUER,
            jwksUri: JWKS_URI,
            audiences: ['shop', 'shop-admin'],
            fromHeaders: [{ name: 'x-token', prefix: 'Bearer ' }],
            fromCookies: ['session'],
            fromParams: ['access_token'],
            outputClaimToHeaders: [{ header: 'x-user-id', claim: 'sub' }],
          },
          { issuer: 'https://login.partner.example', jwks: '{"keys":[{"kty":"RSA","n":"abc","e":"AQAB"}]}', audiences: ['shop'] },
        ],
      },
    });
    const ra = findObject(synthObjects(chart), { kind: 'RequestAuthentication', name: 'orders' });
    expect(ra.apiVersion).toBe('security.istio.io/v1beta1');
    expect(ra.metadata).toEqual({ name: 'orders', namespace: 'test', labels: orders.labels });
    expect(ra.spec).toEqual({
      selector: { matchLabels: orders.labels },
      jwtRules: [
        {
          issuer: ISSUER,
          jwksUri: JWKS_URI,
          audiences: ['shop', 'shop-admin'],
          fromHeaders: [{ name: 'x-token', prefix: 'Bearer ' }],
          fromCookies: ['session'],
          fromParams: ['access_token'],
          outputClaimToHeaders: [{ header: 'x-user-id', claim: 'sub' }],
        },
        { issuer: 'https://login.partner.example', jwks: '{"keys":[{"kty":"RSA","n":"abc","e":"AQAB"}]}', audiences: ['shop'] },
      ],
    });
  });

  test('by default every request needs a token of the issuers: a DENY policy beside the callers\' ALLOW policy', () => {
    const { chart, orders } = ordersWith({ authentication: AUTH });
    expect(spec(chart, 'AuthorizationPolicy', 'orders-require-token')).toEqual({
      selector: { matchLabels: orders.labels },
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: [`${ISSUER}/*`] } }], to: [{ operation: { ports: ['8080'] } }] }],
    });
    // the callers' ALLOW policy is untouched: both must hold
    expect(spec(chart, 'AuthorizationPolicy', 'orders').action).toBe('ALLOW');
  });

  test('requirements on paths and methods, with claims: a rule for the token and one per claim, each in that scope', () => {
    const { chart } = ordersWith({
      authentication: {
        ...AUTH,
        require: [
          { paths: [PathMatch.prefix('/admin/'), PathMatch.exact('/metrics')], methods: ['POST', 'DELETE'], claims: [{ claim: 'groups', values: ['admin'] }] },
          { paths: [PathMatch.prefix('/')], claims: [{ claim: 'https://shop.example.com/tier', values: ['gold', 'silver'] }] },
        ],
      },
    });
    const to = [{ operation: { ports: ['8080'], paths: ['/admin', '/admin/*', '/metrics'], methods: ['POST', 'DELETE'] } }];
    const anyPath = [{ operation: { ports: ['8080'] } }];
    const principals = { from: [{ source: { notRequestPrincipals: [`${ISSUER}/*`] } }] };
    expect(spec(chart, 'AuthorizationPolicy', 'orders-require-token').rules).toEqual([
      { ...principals, to },
      { to, when: [{ key: 'request.auth.claims[groups]', notValues: ['admin'] }] },
      { ...principals, to: anyPath },
      { to: anyPath, when: [{ key: 'request.auth.claims[https://shop.example.com/tier]', notValues: ['gold', 'silver'] }] },
    ]);
  });

  test('only the HTTP ports: a TCP port (by name or by TCP route) is left to the callers\' policy, since a DENY rule of HTTP attributes would refuse every connection to it', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
    const orders = new Microservice(chart, 'orders', {
      image: digestImage(),
      ports: [{ name: 'http', port: 80, containerPort: 8080 }, { name: 'tcp-db', port: 5432 }, { name: 'admin', port: 9000 }],
      mesh,
    });
    const routes = new ServiceRoutes(chart, 'routes', { service: orders, authentication: AUTH, rateLimit: LIMIT });
    routes.addRoute('default', { backends: [{ revision: orders.revisions[0] }] });
    expect(spec(chart, 'AuthorizationPolicy', 'orders-require-token').rules[0].to).toEqual([{ operation: { ports: ['8080', '9000'] } }]);
    expect(spec(chart, 'EnvoyFilter', 'orders-local-rate-limit').configPatches.map((p: any) => p.match.listener.portNumber)).toEqual([8080, 9000]);
  });

  test('require: [] validates the tokens presented and requires none: no AuthorizationPolicy', () => {
    const { chart } = ordersWith({ authentication: { ...AUTH, require: [] } });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'RequestAuthentication' })).toHaveLength(1);
    expect(findObjects(objects, { kind: 'AuthorizationPolicy' }).map((o) => o.metadata.name)).not.toContain('orders-require-token');
  });

  test('fails when a requirement covers a regular-expression path (istio)', () => {
    const { chart } = ordersWith({ authentication: { ...AUTH, require: [{ paths: [PathMatch.regex('/v[0-9]+/admin')] }] } });
    expect(synthProblemMessages(chart)).toEqual([expect.stringMatching(/^authentication require 1 of orders covers the regular-expression path '\/v\[0-9\]\+\/admin', which an Istio AuthorizationPolicy cannot scope by \(istio/)]);
  });

  const issuer = AUTH.issuers[0];
  test.each<[string, EndUserAuthentication, RegExp]>([
    ['there are no issuers', { issuers: [] }, /authentication has no issuers/],
    ['the issuer is not a URL', { issuers: [{ ...issuer, issuer: 'accounts' }] }, /authentication issuer 1 issuer must be an https:\/\/ URL .*got "accounts"/],
    ['the issuer is plain http', { issuers: [{ ...issuer, issuer: 'http://accounts.example.com' }] }, /issuer must be an https:\/\/ URL/],
    ['the JWKS URI is malformed', { issuers: [{ ...issuer, jwksUri: 'https:// bad' }] }, /authentication issuer 1 jwksUri must be an https:\/\/ URL/],
    ['neither jwksUri nor jwks is given', { issuers: [{ issuer: ISSUER, audiences: ['shop'] }] }, /needs exactly one of jwksUri .* and jwks .*, got neither/],
    ['both jwksUri and jwks are given', { issuers: [{ ...issuer, jwks: '{"keys":[{"kty":"RSA"}]}' }] }, /got both/],
    ['the inline JWKS is not a key set', { issuers: [{ issuer: ISSUER, jwks: '{"kty":"RSA"}', audiences: ['shop'] }] }, /jwks must be a JSON Web Key Set/],
    ['there are no audiences', { issuers: [{ ...issuer, audiences: [] }] }, /has no audiences, so a token the issuer made for any other application would pass/],
    ['an audience is empty', { issuers: [{ ...issuer, audiences: [''] }] }, /audience must be 1-2048 characters/],
    ['an issuer is listed twice', { issuers: [issuer, issuer] }, /lists issuer 'https:\/\/accounts.example.com' twice/],
    ['a token header is not a header name', { issuers: [{ ...issuer, fromHeaders: [{ name: 'x token' }] }] }, /fromHeaders name must be an HTTP header name, got 'x token'/],
    ['a cookie name is not a token', { issuers: [{ ...issuer, fromCookies: ['a;b'] }] }, /fromCookies name must be a token/],
    ['a claim header has a dot', { issuers: [{ ...issuer, outputClaimToHeaders: [{ header: 'x.user', claim: 'sub' }] }] }, /outputClaimToHeaders header must be letters, digits/],
    ['a claim to a header is malformed', { issuers: [{ ...issuer, outputClaimToHeaders: [{ header: 'x-user', claim: 'a[b]' }] }] }, /outputClaimToHeaders claim must be a claim name/],
    ['a required claim name is empty', { ...AUTH, require: [{ claims: [{ claim: '', values: ['x'] }] }] }, /require 1 claim must be a claim name of 1-256 characters .*got ""/],
    ['a required claim has no values', { ...AUTH, require: [{ claims: [{ claim: 'groups', values: [] }] }] }, /claim 'groups' lists no values, so no token could pass/],
    ['a requirement path is malformed', { ...AUTH, require: [{ paths: [PathMatch.prefix('admin')] }] }, /require 1 path 1 path must start with '\/'/],
    ['a requirement is listed twice', { ...AUTH, require: [{}, {}] }, /require 2 is listed twice/],
  ])('fails when %s', (_, authentication, message) => {
    const error = validationErrorOf(() => ordersWith({ authentication }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/test\/routes/);
  });
});

describe('local rate limit in Istio', () => {
  test('an EnvoyFilter puts the local rate limit filter first in the inbound chain of each port, pinned to the Istio version', () => {
    const { chart, orders } = ordersWith({ rateLimit: { requests: 50, interval: Duration.millis(500), burst: 80, statusCode: 503 } });
    const filter = findObject(synthObjects(chart), { kind: 'EnvoyFilter', name: 'orders-local-rate-limit' });
    expect(filter.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(filter.spec).toEqual({
      workloadSelector: { labels: orders.labels },
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: {
          context: 'SIDECAR_INBOUND',
          proxy: { proxyVersion: '^1\\.31\\..*' },
          listener: { portNumber: 8080, filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } },
        },
        patch: {
          operation: 'INSERT_FIRST',
          value: {
            name: 'envoy.filters.http.local_ratelimit',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
              stat_prefix: 'http_local_rate_limiter',
              token_bucket: { max_tokens: 80, tokens_per_fill: 50, fill_interval: '0.5s' },
              filter_enabled: { runtime_key: 'local_rate_limit_enabled', default_value: { numerator: 100, denominator: 'HUNDRED' } },
              filter_enforced: { runtime_key: 'local_rate_limit_enforced', default_value: { numerator: 100, denominator: 'HUNDRED' } },
              status: { code: 'ServiceUnavailable' },
            },
          },
        },
      }],
    });
  });

  test('by default the burst is the rate and refusals are 429', () => {
    const { chart } = ordersWith({ rateLimit: LIMIT });
    const config = spec(chart, 'EnvoyFilter', 'orders-local-rate-limit').configPatches[0].patch.value.typed_config;
    expect(config.token_bucket).toEqual({ max_tokens: 100, tokens_per_fill: 100, fill_interval: '1s' });
    expect(config.status).toEqual({ code: 'TooManyRequests' });
  });

  test.each<[string, LocalRateLimit, RegExp]>([
    ['requests is 0', { ...LIMIT, requests: 0 }, /rateLimit requests must be a whole number ≥ 1, got 0/],
    ['requests is fractional', { ...LIMIT, requests: 1.5 }, /rateLimit requests must be a whole number ≥ 1, got 1.5/],
    ['the burst is below the rate', { ...LIMIT, burst: 10 }, /rateLimit burst \(10\) is below requests \(100\)/],
    ['the interval is below 50ms', { ...LIMIT, interval: Duration.millis(10) }, /rateLimit interval must be at least 50ms/],
    ['the status is not an error Envoy names', { ...LIMIT, statusCode: 200 }, /rateLimit statusCode must be one of 400, 403, 429, 500, 502, 503, 504, got 200/],
  ])('fails when %s', (_, rateLimit, message) => {
    const error = validationErrorOf(() => ordersWith({ rateLimit }));
    expect(error.message).toMatch(message);
  });
});

describe('Istio with routes in the Gateway API form', () => {
  test('the same RequestAuthentication, token requirement and rate limit', () => {
    const { chart } = ordersWith({ authentication: AUTH, rateLimit: LIMIT }, MeshProvider.istio({ routes: 'gateway-api' }));
    const kinds = synthObjects(chart).filter((o) => ['RequestAuthentication', 'EnvoyFilter'].includes(o.kind) || o.metadata.name === 'orders-require-token');
    expect(kinds.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual([
      'AuthorizationPolicy orders-require-token',
      'EnvoyFilter orders-local-rate-limit',
      'RequestAuthentication orders',
    ]);
  });
});

describe('what Linkerd refuses', () => {
  test('fails when a service asks for end-user authentication or a rate limit (linkerd)', () => {
    const { chart } = ordersWith({ authentication: AUTH, rateLimit: LIMIT }, MeshProvider.linkerd());
    expect(synthProblemMessages(chart)).toEqual([
      expect.stringMatching(/^authentication of orders asks for JWT validation, which linkerd cannot express/),
      expect.stringMatching(/^rateLimit of orders asks for a local rate limit, which linkerd cannot express/),
    ]);
  });
});
