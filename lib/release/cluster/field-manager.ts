/**
 * The server-side apply field manager of `immutable-infra deploy`: it owns
 * the fields it applies, and its entries in `metadata.managedFields` mark the
 * objects it may prune.
 */
export const FIELD_MANAGER = 'immutable-infra';
