/** How a path is rewritten. Make one with `PathRewrite.prefix|full`. */
export class PathRewrite {
  /**
   * Replace the matched path prefix, segment-wise: with a route matching
   * `PathMatch.prefix('/api/orders')`, `prefix('/v2')` turns `/api/orders/42`
   * into `/v2/42` and `prefix('/')` into `/42`. Needs a route with exactly
   * one match, on a path prefix.
   */
  public static prefix(replacement: string): PathRewrite {
    return new PathRewrite('ReplacePrefixMatch', replacement);
  }

  /** Replace the whole path (the query stays). */
  public static full(path: string): PathRewrite {
    return new PathRewrite('ReplaceFullPath', path);
  }

  private constructor(
    /** The Gateway API name of the rewrite. */
    public readonly type: 'ReplacePrefixMatch' | 'ReplaceFullPath',
    /** The new prefix or path. */
    public readonly value: string,
  ) {}
}

/** Changes to a request's URL before it is forwarded. */
export interface UrlRewrite {
  /**
   * The new path.
   * @default - the path is kept
   */
  readonly path?: PathRewrite;
  /**
   * The new Host header (no wildcard).
   * @default - the host is kept
   */
  readonly hostname?: string;
}

/** An answer that sends the client elsewhere instead of forwarding the request. */
export interface HttpRedirect {
  /**
   * The scheme of the new location.
   * @default - the request's scheme
   */
  readonly scheme?: 'http' | 'https';
  /**
   * The host of the new location (no wildcard).
   * @default - the request's host
   */
  readonly hostname?: string;
  /**
   * The port of the new location.
   * @default - the well-known port of `scheme` when it is set, else the request's port
   */
  readonly port?: number;
  /**
   * The path of the new location.
   * @default - the request's path
   */
  readonly path?: PathRewrite;
  /**
   * The status: 301 (moved permanently) or 302 (found).
   * @default 302
   */
  readonly statusCode?: 301 | 302;
}
