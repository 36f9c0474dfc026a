import { IConstruct } from 'constructs';
import { canonicalJson } from '../core/content-hash';
import { ValidationError } from '../core/validation-error';
import { HEADER_NAME, HTTP_METHODS, HttpMethod, PathMatch, validateMatch } from './http-match';

/** Where a request carries its token: a header, with the text before the token. */
export interface JwtHeaderLocation {
  /** The header's name, e.g. `authorization`. */
  readonly name: string;
  /**
   * The text before the token in the header's value, e.g. `Bearer `.
   * @default - none: the whole value is the token
   */
  readonly prefix?: string;
}

/** A claim of a verified token copied into a request header for the workload. */
export interface ClaimToHeader {
  /** The header to set, e.g. `x-user-id`. */
  readonly header: string;
  /** The claim whose value it gets, e.g. `sub`. */
  readonly claim: string;
}

/** An issuer of tokens the workload accepts (an OpenID Connect provider). */
export interface JwtIssuer {
  /** The issuer, as the tokens' `iss` claim names it: an `https://` URL. */
  readonly issuer: string;
  /**
   * Where the issuer's public keys are (an `https://` URL); give this or `jwks`.
   * @default - none: `jwks` holds the keys
   */
  readonly jwksUri?: string;
  /**
   * The issuer's public keys inline, as a JSON Web Key Set (`{"keys": [...]}`); give this or `jwksUri`.
   * @default - none: fetched from `jwksUri`
   */
  readonly jwks?: string;
  /** The audiences a token must be for (its `aud` claim holds one); at least one, so tokens the issuer made for other applications are refused. */
  readonly audiences: readonly string[];
  /**
   * Headers the token is read from.
   * @default - `Authorization: Bearer <token>`, unless cookies or query parameters are given
   */
  readonly fromHeaders?: readonly JwtHeaderLocation[];
  /**
   * Cookies the token is read from.
   * @default - none
   */
  readonly fromCookies?: readonly string[];
  /**
   * Query parameters the token is read from.
   * @default - none
   */
  readonly fromParams?: readonly string[];
  /**
   * Claims copied into request headers once the token is verified.
   * @default - none
   */
  readonly outputClaimToHeaders?: readonly ClaimToHeader[];
}

/** A claim a token must carry: the claim holds one of the values (a list claim, such as `groups`, contains one). */
export interface ClaimRequirement {
  /** The claim's name, e.g. `groups`. */
  readonly claim: string;
  /** The values accepted; at least one. */
  readonly values: readonly string[];
}

/** Which requests must present a valid token, and what it must claim. */
export interface TokenRequirement {
  /**
   * The paths the requirement covers (exact or prefix), any one of them.
   * @default - every path
   */
  readonly paths?: readonly PathMatch[];
  /**
   * The methods the requirement covers.
   * @default - every method
   */
  readonly methods?: readonly HttpMethod[];
  /**
   * Claims the token must carry, all of them.
   * @default - none: any valid token of the issuers
   */
  readonly claims?: readonly ClaimRequirement[];
}

/**
 * End-user authentication: the JSON Web Tokens a workload accepts, and which
 * requests must present one. A request with an invalid token is always
 * refused (401); a request without one is refused (403) where a requirement
 * covers it. It adds to the mesh's deny-by-default authorization: a caller
 * must still be admitted, and must also present the token.
 */
export interface EndUserAuthentication {
  /** The issuers whose tokens are accepted; at least one. */
  readonly issuers: readonly JwtIssuer[];
  /**
   * Which requests must present a valid token (any one requirement that
   * covers a request applies). `[]` validates the tokens presented but lets
   * requests without one through.
   * @default [{}]: every request, any valid token
   */
  readonly require?: readonly TokenRequirement[];
}

/** A validated token requirement, paths and methods without duplicates. */
export interface ResolvedTokenRequirement {
  readonly paths: readonly PathMatch[];
  readonly methods: readonly HttpMethod[];
  readonly claims: readonly ClaimRequirement[];
}

/** A validated end-user authentication. */
export interface ResolvedEndUserAuthentication {
  readonly issuers: readonly JwtIssuer[];
  readonly require: readonly ResolvedTokenRequirement[];
}

const MAX_LENGTH = 2048;
/** A claim name: no brackets (Istio writes `request.auth.claims[<name>]`), no spaces or control characters. */
const CLAIM_NAME = /^[^\s[\]\u0000-\u001f]{1,256}$/;
/** Istio's pattern for the header of `outputClaimToHeaders`. */
const OUTPUT_HEADER = /^[-_A-Za-z0-9]{1,256}$/;
/** A cookie or query parameter name: an HTTP token. */
const TOKEN_NAME = HEADER_NAME;

/**
 * Validates an end-user authentication.
 *
 * @throws ValidationError naming `what` for a missing or malformed issuer,
 *   key set, audience, token location, claim or requirement
 */
export function resolveEndUserAuthentication(what: string, auth: EndUserAuthentication, scope: IConstruct): ResolvedEndUserAuthentication {
  if (auth.issuers.length === 0) {
    throw new ValidationError(`${what} has no issuers; give at least one, e.g. { issuer: 'https://accounts.example.com', jwksUri: …, audiences: [...] }`, scope);
  }
  auth.issuers.forEach((issuer, index) => checkIssuer(`${what} issuer ${index + 1}`, issuer, scope));
  const names = auth.issuers.map((i) => i.issuer);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) {
    throw new ValidationError(`${what} lists issuer '${twice}' twice; list each issuer once with all its audiences`, scope);
  }
  const require = (auth.require ?? [{}]).map((r, index) => resolveRequirement(`${what} require ${index + 1}`, r, scope));
  const keys = require.map((r) => canonicalJson(r));
  const repeated = keys.findIndex((key, index) => keys.indexOf(key) !== index);
  if (repeated !== -1) {
    throw new ValidationError(`${what} require ${repeated + 1} is listed twice; keep one`, scope);
  }
  return { issuers: auth.issuers.map((i) => ({ ...i })), require };
}

/** The `iss/*` request principals of a token from one of the issuers, as Istio writes them. */
export function issuerPrincipals(auth: ResolvedEndUserAuthentication): string[] {
  return auth.issuers.map((i) => `${i.issuer}/*`);
}

function checkIssuer(what: string, issuer: JwtIssuer, scope: IConstruct): void {
  assertHttpsUrl(`${what} issuer`, issuer.issuer, scope);
  if ((issuer.jwksUri === undefined) === (issuer.jwks === undefined)) {
    throw new ValidationError(
      `${what} (${issuer.issuer}) needs exactly one of jwksUri (where its public keys are) and jwks (the keys inline), got ${issuer.jwksUri === undefined ? 'neither' : 'both'}`,
      scope,
    );
  }
  if (issuer.jwksUri !== undefined) {
    assertHttpsUrl(`${what} jwksUri`, issuer.jwksUri, scope);
  }
  if (issuer.jwks !== undefined) {
    assertKeySet(`${what} jwks`, issuer.jwks, scope);
  }
  if (issuer.audiences.length === 0) {
    throw new ValidationError(
      `${what} (${issuer.issuer}) has no audiences, so a token the issuer made for any other application would pass; list the audiences of this one`,
      scope,
    );
  }
  for (const audience of issuer.audiences) {
    if (audience.length === 0 || audience.length > MAX_LENGTH || /[\s\u0000-\u001f]/.test(audience)) {
      throw new ValidationError(`${what} audience must be 1-${MAX_LENGTH} characters without spaces or control characters, got ${JSON.stringify(audience)}`, scope);
    }
  }
  assertUnique(`${what} audiences`, issuer.audiences, scope);
  for (const header of issuer.fromHeaders ?? []) {
    if (!HEADER_NAME.test(header.name)) {
      throw new ValidationError(`${what} fromHeaders name must be an HTTP header name, got '${header.name}'`, scope);
    }
    if (header.prefix !== undefined && (header.prefix.length > 256 || /[\r\n\0]/.test(header.prefix))) {
      throw new ValidationError(`${what} fromHeaders prefix must be ≤ 256 characters without CR, LF or NUL, got ${JSON.stringify(header.prefix)}`, scope);
    }
  }
  assertUnique(`${what} fromHeaders`, (issuer.fromHeaders ?? []).map((h) => h.name.toLowerCase()), scope);
  for (const [field, names] of [['fromCookies', issuer.fromCookies], ['fromParams', issuer.fromParams]] as const) {
    for (const name of names ?? []) {
      if (!TOKEN_NAME.test(name)) {
        throw new ValidationError(`${what} ${field} name must be a token of 1-256 letters, digits or !#$%&'*+-.^_\`|~, got '${name}'`, scope);
      }
    }
    assertUnique(`${what} ${field}`, names ?? [], scope);
  }
  for (const output of issuer.outputClaimToHeaders ?? []) {
    if (!OUTPUT_HEADER.test(output.header)) {
      throw new ValidationError(`${what} outputClaimToHeaders header must be letters, digits, '-' and '_', got '${output.header}'`, scope);
    }
    assertClaimName(`${what} outputClaimToHeaders claim`, output.claim, scope);
  }
  assertUnique(`${what} outputClaimToHeaders headers`, (issuer.outputClaimToHeaders ?? []).map((o) => o.header.toLowerCase()), scope);
}

function resolveRequirement(what: string, requirement: TokenRequirement, scope: IConstruct): ResolvedTokenRequirement {
  const paths = requirement.paths ?? [];
  paths.forEach((path, index) => {
    validateMatch(`${what} path ${index + 1}`, { path }, scope);
  });
  assertUnique(`${what} paths`, paths.map((p) => `${p.type} ${p.value}`), scope);
  const methods = requirement.methods ?? [];
  for (const method of methods) {
    if (!HTTP_METHODS.includes(method)) {
      throw new ValidationError(`${what} method must be one of ${HTTP_METHODS.join(', ')}, got '${method}'`, scope);
    }
  }
  assertUnique(`${what} methods`, methods, scope);
  const claims = requirement.claims ?? [];
  for (const claim of claims) {
    assertClaimName(`${what} claim`, claim.claim, scope);
    if (claim.values.length === 0) {
      throw new ValidationError(`${what} claim '${claim.claim}' lists no values, so no token could pass; list the values accepted`, scope);
    }
    for (const value of claim.values) {
      if (value.length === 0 || value.length > MAX_LENGTH || /[\u0000-\u001f]/.test(value)) {
        throw new ValidationError(`${what} claim '${claim.claim}' value must be 1-${MAX_LENGTH} characters without control characters, got ${JSON.stringify(value)}`, scope);
      }
    }
    assertUnique(`${what} claim '${claim.claim}' values`, claim.values, scope);
  }
  assertUnique(`${what} claims`, claims.map((c) => c.claim), scope);
  return { paths, methods, claims };
}

function assertHttpsUrl(what: string, value: string, scope: IConstruct): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'https:' || url.hostname === '' || value.length > MAX_LENGTH || /\s/.test(value) || url.username !== '' || url.password !== '') {
    throw new ValidationError(`${what} must be an https:// URL without credentials (≤ ${MAX_LENGTH} characters), got ${JSON.stringify(value)}`, scope);
  }
}

function assertKeySet(what: string, value: string, scope: IConstruct): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const keys = (parsed as { keys?: unknown } | undefined)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'object' && k !== null && typeof (k as { kty?: unknown }).kty === 'string')) {
    throw new ValidationError(`${what} must be a JSON Web Key Set, '{"keys": [{"kty": …}, …]}' with at least one key; check the JSON`, scope);
  }
}

function assertClaimName(what: string, claim: string, scope: IConstruct): void {
  if (!CLAIM_NAME.test(claim)) {
    throw new ValidationError(`${what} must be a claim name of 1-256 characters without spaces or brackets, got ${JSON.stringify(claim)}`, scope);
  }
}

function assertUnique(what: string, values: readonly string[], scope: IConstruct): void {
  const twice = values.find((value, index) => values.indexOf(value) !== index);
  if (twice !== undefined) {
    throw new ValidationError(`${what} lists '${twice}' twice; list it once`, scope);
  }
}
