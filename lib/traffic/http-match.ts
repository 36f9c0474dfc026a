import { IConstruct } from 'constructs';
import { unrenderableKeyProblem } from '../core/map-keys';
import { ValidationError } from '../core/validation-error';

/** How a path, header or query value is compared. */
export enum MatchType {
  /** The whole value equals. */
  EXACT = 'Exact',
  /** The path starts with the value, at a segment boundary (paths only). */
  PREFIX = 'PathPrefix',
  /** The value matches an RE2 regular expression. */
  REGEX = 'RegularExpression',
}

/** A request path condition. Make one with `PathMatch.exact|prefix|regex`. */
export class PathMatch {
  /** The path equals `path`. */
  public static exact(path: string): PathMatch {
    return new PathMatch(MatchType.EXACT, path);
  }

  /** The path is `path` or below it (`/api` matches `/api` and `/api/x`, not `/apix`). */
  public static prefix(path: string): PathMatch {
    return new PathMatch(MatchType.PREFIX, path);
  }

  /** The whole path matches the RE2 expression `pattern`. */
  public static regex(pattern: string): PathMatch {
    return new PathMatch(MatchType.REGEX, pattern);
  }

  private constructor(public readonly type: MatchType, public readonly value: string) {}
}

/** A request header condition. Make one with `HeaderMatch.exact|regex`. */
export class HeaderMatch {
  /** Header `name` (case-insensitive) equals `value`. */
  public static exact(name: string, value: string): HeaderMatch {
    return new HeaderMatch(lowerCased(name), MatchType.EXACT, value);
  }

  /** Header `name` (case-insensitive) matches the RE2 expression `pattern`. */
  public static regex(name: string, pattern: string): HeaderMatch {
    return new HeaderMatch(lowerCased(name), MatchType.REGEX, pattern);
  }

  private constructor(public readonly name: string, public readonly type: MatchType, public readonly value: string) {}
}

/** A header name in lower case; a value of another type is kept for the route's check to name. */
function lowerCased(name: string): string {
  return typeof name === 'string' ? name.toLowerCase() : name;
}

/** A query parameter condition. Make one with `QueryParamMatch.exact|regex`. */
export class QueryParamMatch {
  /** Query parameter `name` (case-sensitive) equals `value`. */
  public static exact(name: string, value: string): QueryParamMatch {
    return new QueryParamMatch(name, MatchType.EXACT, value);
  }

  /** Query parameter `name` (case-sensitive) matches the RE2 expression `pattern`. */
  public static regex(name: string, pattern: string): QueryParamMatch {
    return new QueryParamMatch(name, MatchType.REGEX, pattern);
  }

  private constructor(public readonly name: string, public readonly type: MatchType, public readonly value: string) {}
}

/** HTTP methods a route can match. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'CONNECT' | 'OPTIONS' | 'TRACE' | 'PATCH';

/**
 * Every method a route can match, in the order messages list them.
 *
 * @internal
 */
export const HTTP_METHODS: readonly [HttpMethod, ...HttpMethod[]] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

/**
 * Conditions a request must all meet to take a route. An empty match
 * matches every request.
 */
export interface HttpMatch {
  /**
   * The request path.
   * @default - any path
   */
  readonly path?: PathMatch;
  /**
   * Headers that must all match.
   * @default - any headers
   */
  readonly headers?: readonly HeaderMatch[];
  /**
   * The request method.
   * @default - any method
   */
  readonly method?: HttpMethod;
  /**
   * Query parameters that must all match.
   * @default - any query
   */
  readonly queryParams?: readonly QueryParamMatch[];
}

/** RFC 7230 token: what a header name may be. */
/**
 * An HTTP header name: a token of 1-256 characters (RFC 9110).
 *
 * @internal
 */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,256}$/;
/** Characters allowed in a path by the Gateway API (and accepted by Istio). */
const PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const QUERY_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,256}$/;
/** The Gateway API's limits, which every backend accepts. */
const HEADER_VALUE_MAX_LENGTH = 4096;
const QUERY_VALUE_MAX_LENGTH = 1024;
/** RE2 has no lookaround and no backreferences. */
const NOT_RE2 = /(^|[^\\])(\\\\)*(\(\?<?[=!]|\\[1-9])/;
/** RE2 flag settings: `(?i)`, `(?s-m)`, and the same opening a group, `(?i:`. */
const RE2_FLAGS = /\(\?(?:[imsU]+(?:-[imsU]+)?|-[imsU]+)\)/g;
const RE2_FLAG_GROUP = /\(\?(?:[imsU]+(?:-[imsU]+)?|-[imsU]+):/g;

/**
 * @throws ValidationError for a malformed path, header, method or query condition
 * @internal
 */
export function validateMatch(what: string, match: HttpMatch, scope: IConstruct): void {
  if (match.path !== undefined) {
    const { type, value } = match.path;
    if (type === MatchType.REGEX) {
      assertRe2(`${what} path`, value, scope);
    } else if (!PATH.test(value) || value.includes('//') || /(^|\/)\.\.?(\/|$)/.test(value)) {
      throw new ValidationError(
        `${what} path must start with '/' and hold no '//', '.' or '..' segment or characters outside RFC 3986, got '${value}'`,
        scope,
      );
    }
  }
  const headerNames = new Set<string>();
  for (const header of match.headers ?? []) {
    if (!HEADER_NAME.test(header.name)) {
      throw new ValidationError(`${what} header name must be an HTTP token, got '${header.name}'`, scope);
    }
    assertRenderableName(`${what} header name`, header.name, scope);
    if (headerNames.has(header.name)) {
      throw new ValidationError(`${what} matches header '${header.name}' twice; combine the conditions into one`, scope);
    }
    headerNames.add(header.name);
    assertValue(`${what} header '${header.name}'`, header.type, header.value, HEADER_VALUE_MAX_LENGTH, scope, { secret: true });
  }
  if (match.method !== undefined && !HTTP_METHODS.includes(match.method)) {
    throw new ValidationError(`${what} method must be one of ${HTTP_METHODS.join(', ')}, got '${match.method}'`, scope);
  }
  const queryNames = new Set<string>();
  for (const query of match.queryParams ?? []) {
    if (!QUERY_NAME.test(query.name)) {
      throw new ValidationError(`${what} query parameter name must be a token, got '${query.name}'`, scope);
    }
    assertRenderableName(`${what} query parameter name`, query.name, scope);
    if (queryNames.has(query.name)) {
      throw new ValidationError(`${what} matches query parameter '${query.name}' twice; combine the conditions into one`, scope);
    }
    queryNames.add(query.name);
    assertValue(`${what} query parameter '${query.name}'`, query.type, query.value, QUERY_VALUE_MAX_LENGTH, scope, { secret: false });
  }
}

/**
 * @throws ValidationError for a name that cannot be a key of the maps some
 *   backends render conditions as (Istio: header and query name → value)
 */
function assertRenderableName(what: string, name: string, scope: IConstruct): void {
  const problem = unrenderableKeyProblem(name);
  if (problem !== undefined) {
    throw new ValidationError(`${what} ${problem}; match another name`, scope);
  }
}

/**
 * The match as messages may show it: each header condition keeps its name
 * and type, its value is replaced (a header value may be a credential).
 *
 * @internal
 */
export function withoutHeaderValues<M extends { readonly headers?: readonly HeaderMatch[] }>(match: M): M {
  if (match.headers === undefined) {
    return match;
  }
  return { ...match, headers: match.headers.map((h) => ({ name: h.name, type: h.type, value: '(not shown)' })) };
}

/**
 * True when the match has no condition at all (matches every request).
 *
 * @internal
 */
export function isCatchAll(match: HttpMatch): boolean {
  return match.path === undefined && (match.headers ?? []).length === 0 && match.method === undefined && (match.queryParams ?? []).length === 0;
}

/** Whether a compared value may be secret (a header's: Authorization, a tester's token), so a message names it without showing it. */
interface Shown {
  readonly secret: boolean;
}

/** A compared value as a message shows it: quoted, or for a secret one its length only. */
function shownValue(value: string, shown: Shown): string {
  return shown.secret ? `${value.length} characters (not shown: header values may be secret)` : `'${value}'`;
}

function assertValue(what: string, type: MatchType, value: string, maxLength: number, scope: IConstruct, shown: Shown): void {
  if (type === MatchType.REGEX) {
    assertRe2(what, value, scope, shown);
  } else if (value.length === 0 || value.length > maxLength || /[\r\n\0]/.test(value)) {
    throw new ValidationError(`${what} must be 1-${maxLength} characters without CR, LF or NUL, got ${shownValue(value, shown)}`, scope);
  }
}

function assertRe2(what: string, pattern: string, scope: IConstruct, shown: Shown = { secret: false }): void {
  if (pattern.length === 0 || pattern.length > 1024) {
    throw new ValidationError(`${what} regex must be 1-1024 characters, got ${shownValue(pattern, shown)}`, scope);
  }
  const regex = shown.secret ? 'regex' : `regex '${pattern}'`;
  if (NOT_RE2.test(pattern)) {
    throw new ValidationError(
      `${what} ${regex} uses lookaround or a backreference, which RE2 (the proxies' regex engine) does not support; rewrite it without them`,
      scope,
    );
  }
  try {
    // RE2's flag groups `(?i)`, `(?i:…)` and `(?P<name>…)` groups are valid RE2 that JavaScript spells differently
    new RegExp(pattern.replace(RE2_FLAGS, '').replace(RE2_FLAG_GROUP, '(?:').replace(/\(\?P</g, '(?<'));
  } catch {
    throw new ValidationError(`${what} ${regex} does not compile; fix its syntax`, scope);
  }
}
