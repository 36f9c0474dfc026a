/** One rule of a mesh route of a service: what it matches and how it splits. */
export interface MeshRule {
  /** The rule's name or match, shown when the service has several rules. */
  readonly label: string;
  /** Each revision's share of the rule's requests. */
  readonly shares: ReadonlyMap<string, number>;
  /** Revisions that get a copy of the requests, with the percentage copied. */
  readonly mirrors: ReadonlyMap<string, number>;
}
