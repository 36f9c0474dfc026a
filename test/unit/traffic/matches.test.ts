import { Construct } from 'constructs';
import { HeaderMatch, HttpMatch, HttpMethod, MatchType, Mesh, MeshProvider, Microservice, PathMatch, QueryParamMatch, ServiceRoutes } from '../../../lib';
import { isCatchAll, validateMatch } from '../../../lib/internal';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';

/** A routing table of a meshed service `reviews`, at path test/routes, and its first revision. */
function reviewsRoutes() {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
  const reviews = new Microservice(chart, 'reviews', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], mesh });
  const routes = new ServiceRoutes(chart, 'routes', { service: reviews });
  return { routes, stable: reviews.revisions[0] };
}

/** Adds a route 'r' with these matches. */
function routeWith(...matches: HttpMatch[]) {
  const { routes, stable } = reviewsRoutes();
  return routes.addRoute('r', { matches, backends: [{ revision: stable }] });
}

describe('match factories', () => {
  test('PathMatch keeps the path and says how it compares', () => {
    expect(PathMatch.exact('/a')).toMatchObject({ type: MatchType.EXACT, value: '/a' });
    expect(PathMatch.prefix('/a')).toMatchObject({ type: MatchType.PREFIX, value: '/a' });
    expect(PathMatch.regex('/a/[0-9]+')).toMatchObject({ type: MatchType.REGEX, value: '/a/[0-9]+' });
  });

  test('header names are case-insensitive (lower-cased), values are kept', () => {
    expect(HeaderMatch.exact('End-User', 'Jason')).toMatchObject({ name: 'end-user', type: MatchType.EXACT, value: 'Jason' });
    expect(HeaderMatch.regex('User-Agent', '.*Chrome.*')).toMatchObject({ name: 'user-agent', type: MatchType.REGEX, value: '.*Chrome.*' });
  });

  test('query parameter names are case-sensitive (kept)', () => {
    expect(QueryParamMatch.exact('Version', 'V2')).toMatchObject({ name: 'Version', type: MatchType.EXACT, value: 'V2' });
    expect(QueryParamMatch.regex('Id', '[0-9]+')).toMatchObject({ name: 'Id', type: MatchType.REGEX, value: '[0-9]+' });
  });

  test('a match without conditions is a catch-all; any condition makes it specific', () => {
    expect(isCatchAll({})).toBe(true);
    expect(isCatchAll({ headers: [], queryParams: [] })).toBe(true);
    expect(isCatchAll({ method: 'GET' })).toBe(false);
    expect(isCatchAll({ path: PathMatch.prefix('/') })).toBe(false);
    expect(isCatchAll({ headers: [HeaderMatch.exact('a', 'b')] })).toBe(false);
    expect(isCatchAll({ queryParams: [QueryParamMatch.exact('a', 'b')] })).toBe(false);
  });
});

describe('validateMatch', () => {
  test.each<[string, HttpMatch]>([
    ['a root prefix', { path: PathMatch.prefix('/') }],
    ['a path with every RFC 3986 path character', { path: PathMatch.exact("/a-b_c.d~e/!$&'()*+,;=:@%20/x") }],
    ['a prefix with a trailing slash', { path: PathMatch.prefix('/api/') }],
    ['a dot inside a segment', { path: PathMatch.exact('/v1.2/file.txt') }],
    ['an RE2 regex with a non-capturing group', { path: PathMatch.regex('/(?:a|b)/[0-9]{1,4}') }],
    ['an RE2 case-insensitive flag', { headers: [HeaderMatch.regex('user-agent', '(?i).*chrome.*')] }],
    ['an RE2 flag group', { headers: [HeaderMatch.regex('user-agent', '(?i:chrome|firefox)/[0-9]+')] }],
    ['an RE2 named group', { path: PathMatch.regex('/items/(?P<id>[0-9]+)') }],
    ['an escaped digit that is not a backreference', { queryParams: [QueryParamMatch.regex('v', '\\d+')] }],
    ['an escaped backslash before a digit', { queryParams: [QueryParamMatch.regex('v', 'a\\\\1')] }],
    ['all methods', { method: 'PATCH' }],
    ['the same name as header and as query parameter', { headers: [HeaderMatch.exact('v', '1')], queryParams: [QueryParamMatch.exact('v', '1')] }],
    ['query parameters differing only in case', { queryParams: [QueryParamMatch.exact('v', '1'), QueryParamMatch.exact('V', '1')] }],
  ])('accepts %s', (_, match) => {
    const chart = newChart();
    expect(() => validateMatch('m', match, chart)).not.toThrow();
    expect(routeWith(match).matches).toEqual([match]);
  });

  test('names the failing match by its position in the route', () => {
    const error = validationErrorOf(() => routeWith({ method: 'GET' }, { path: PathMatch.exact('nope') }));
    expect(error.message).toContain("route 'r' match 2 path must start with '/'");
  });

  test.each<{ method: string; parts: string[] }>([
    { method: 'FETCH', parts: ["route 'r' matches[0].method must be one of 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', got 'FETCH'"] },
    { method: 'get', parts: ["route 'r' matches[0].method must be one of 'GET', 'HEAD'", "got 'get' (a string); write 'GET'"] },
  ])('fails when the method is $method, naming the allowed ones', ({ method, parts }) => {
    const error = validationErrorOf(() => routeWith({ method: method as HttpMethod }));
    for (const part of parts) {
      expect(error.message).toContain(part);
    }
  });

  test('validateMatch reports the scope it is given', () => {
    const scope = new Construct(newChart(), 'somewhere');
    const error = validationErrorOf(() => validateMatch('listener', { method: 'get' as HttpMethod }, scope));
    expect(error.path).toBe('test/somewhere');
    expect(error.message).toBe("listener method must be one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, got 'get' (at test/somewhere)");
  });

  const BAD_PATH = "path must start with '/' and hold no '//', '.' or '..' segment or characters outside RFC 3986";
  const LOOKAROUND = 'uses lookaround or a backreference, which RE2 (the proxies\' regex engine) does not support; rewrite it without them';

  test.each<{ when: string; match: HttpMatch; parts: string[] }>([
    // paths
    { when: 'a path does not start with /', match: { path: PathMatch.exact('api') }, parts: [`match 1 ${BAD_PATH}, got 'api'`] },
    { when: 'a prefix does not start with /', match: { path: PathMatch.prefix('api/') }, parts: [`match 1 ${BAD_PATH}, got 'api/'`] },
    { when: 'a path is empty', match: { path: PathMatch.prefix('') }, parts: [`${BAD_PATH}, got ''`] },
    { when: 'a path holds a .. segment', match: { path: PathMatch.prefix('/a/../b') }, parts: [`${BAD_PATH}, got '/a/../b'`] },
    { when: 'a path ends with a .. segment', match: { path: PathMatch.exact('/a/..') }, parts: [`${BAD_PATH}, got '/a/..'`] },
    { when: 'a path holds a . segment', match: { path: PathMatch.exact('/a/./b') }, parts: [`${BAD_PATH}, got '/a/./b'`] },
    { when: 'a path holds //', match: { path: PathMatch.prefix('//a') }, parts: [`${BAD_PATH}, got '//a'`] },
    { when: 'a path holds a space', match: { path: PathMatch.exact('/a b') }, parts: [`${BAD_PATH}, got '/a b'`] },
    { when: 'a path holds a query', match: { path: PathMatch.exact('/a?b=c') }, parts: [`${BAD_PATH}, got '/a?b=c'`] },
    // regexes
    { when: 'a path regex uses lookahead', match: { path: PathMatch.regex('/api/(?!internal).*') }, parts: ["match 1 path regex '/api/(?!internal).*' " + LOOKAROUND] },
    { when: 'a path regex uses positive lookahead', match: { path: PathMatch.regex('/(?=a)a') }, parts: ["path regex '/(?=a)a' uses lookaround"] },
    { when: 'a header regex uses lookbehind', match: { headers: [HeaderMatch.regex('x-user', '(?<=a)b')] }, parts: ["match 1 header 'x-user' regex uses lookaround"] },
    { when: 'a header regex uses negative lookbehind', match: { headers: [HeaderMatch.regex('x-user', '(?<!a)b')] }, parts: ["header 'x-user' regex uses lookaround"] },
    { when: 'a query regex uses a backreference', match: { queryParams: [QueryParamMatch.regex('q', '(a)\\1')] }, parts: ["match 1 query parameter 'q' regex '(a)\\1' uses lookaround or a backreference"] },
    { when: 'a path regex does not compile', match: { path: PathMatch.regex('/api/(v1') }, parts: ["match 1 path regex '/api/(v1' does not compile; fix its syntax"] },
    { when: 'a header regex does not compile', match: { headers: [HeaderMatch.regex('x-a', '[a-')] }, parts: ["header 'x-a' regex does not compile; fix its syntax"] },
    { when: 'a regex is empty', match: { path: PathMatch.regex('') }, parts: ["path regex must be 1-1024 characters, got ''"] },
    { when: 'a regex is longer than 1024', match: { headers: [HeaderMatch.regex('x-a', 'a'.repeat(1025))] }, parts: ["header 'x-a' regex must be 1-1024 characters, got 1025 characters (not shown: header values may be secret)"] },
    // headers
    { when: 'a header name is not an HTTP token', match: { headers: [HeaderMatch.exact('bad header', 'v')] }, parts: ["match 1 header name must be an HTTP token, got 'bad header'"] },
    { when: 'a header name is empty', match: { headers: [HeaderMatch.exact('', 'v')] }, parts: ["header name must be an HTTP token, got ''"] },
    {
      when: 'one match tests a header twice',
      match: { headers: [HeaderMatch.exact('X-User', 'jason'), HeaderMatch.regex('x-user', 'j.*')] },
      parts: ["match 1 matches header 'x-user' twice; combine the conditions into one"],
    },
    { when: 'a header value is empty', match: { headers: [HeaderMatch.exact('x-a', '')] }, parts: ["match 1 header 'x-a' must be 1-4096 characters without CR, LF or NUL, got 0 characters (not shown"] },
    { when: 'a header value holds CR', match: { headers: [HeaderMatch.exact('x-a', 'a\rb')] }, parts: ["header 'x-a' must be 1-4096 characters without CR, LF or NUL, got 3 characters (not shown: header values may be secret)"] },
    { when: 'a header value is longer than 4096', match: { headers: [HeaderMatch.exact('x-a', 'v'.repeat(4097))] }, parts: ["header 'x-a' must be 1-4096 characters"] },
    // query parameters
    { when: 'a query parameter name is not a token', match: { queryParams: [QueryParamMatch.exact('a b', '1')] }, parts: ["match 1 query parameter name must be a token, got 'a b'"] },
    {
      when: 'one match tests a query parameter twice',
      match: { queryParams: [QueryParamMatch.exact('v', '1'), QueryParamMatch.regex('v', '[0-9]')] },
      parts: ["match 1 matches query parameter 'v' twice; combine the conditions into one"],
    },
    { when: 'a query parameter value is empty', match: { queryParams: [QueryParamMatch.exact('v', '')] }, parts: ["match 1 query parameter 'v' must be 1-1024 characters without CR, LF or NUL, got ''"] },
    { when: 'a query parameter value is longer than 1024', match: { queryParams: [QueryParamMatch.exact('v', 'v'.repeat(1025))] }, parts: ["query parameter 'v' must be 1-1024 characters"] },
    { when: 'a query parameter value holds NUL', match: { queryParams: [QueryParamMatch.exact('v', 'a\0')] }, parts: ["query parameter 'v' must be 1-1024 characters without CR, LF or NUL"] },
  ])('fails when $when', ({ match, parts }) => {
    const error = validationErrorOf(() => routeWith(match));
    expect(error.path).toBe('test/routes');
    expect(error.message).toContain("route 'r' match 1 ");
    for (const part of parts) {
      expect(error.message).toContain(part);
    }
    expect(error.message).toMatch(/\(at test\/routes\)$/);
  });

  test('fails when an empty match stands beside others', () => {
    const error = validationErrorOf(() => routeWith({ method: 'GET' }, {}));
    expect(error.path).toBe('test/routes');
    expect(error.message).toBe(
      "route 'r' has an empty match beside others, so the others never matter; drop the matches or the empty one (at test/routes)",
    );
  });

  test('an empty match alone is a catch-all route', () => {
    expect(routeWith({}).isCatchAll).toBe(true);
    expect(routeWith({ method: 'GET' }).isCatchAll).toBe(false);
  });
});
