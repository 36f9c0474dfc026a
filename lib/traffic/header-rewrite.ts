/** Changes to one direction's headers. */
export interface HeaderModifier {
  /**
   * Headers set, replacing any value present.
   * @default - none
   */
  readonly set?: Readonly<Record<string, string>>;
  /**
   * Headers added beside any value present.
   * @default - none
   */
  readonly add?: Readonly<Record<string, string>>;
  /**
   * Headers removed.
   * @default - none
   */
  readonly remove?: readonly string[];
}

/** Header changes a route makes. */
export interface HeaderRewrite {
  /**
   * Changes to the request before it is forwarded.
   * @default - none
   */
  readonly request?: HeaderModifier;
  /**
   * Changes to the response before it is returned.
   * @default - none
   */
  readonly response?: HeaderModifier;
}
