/**
 * What `immutable-infra promote` writes (`promotion.<environment>.json`) and a
 * stack of the next environment reads through {@link Promotion}: the exact
 * revisions that passed in one environment, per service, so the next one runs
 * the same bytes.
 */
export interface PromotionLock {
  /** Always `PromotionLock`. */
  readonly kind: 'PromotionLock';
  /** The lock format's version. */
  readonly version: 1;
  /** The environment the revisions passed in: the namespace of its synthesis, e.g. `shop-staging`. */
  readonly from: string;
  /** The environment the lock pins, e.g. `prod`. */
  readonly to: string;
  /** The promoted revision of each service, by service name. */
  readonly services: Readonly<Record<string, PromotedRevision>>;
}

/** One service's revision as it passed. */
export interface PromotedRevision {
  /** Its revision id (`immutable-infra.dev/revision`). */
  readonly revision: string;
  /** The image of each container (init containers included), by container name; always by digest. */
  readonly images: Readonly<Record<string, string>>;
  /**
   * The data of each ConfigMap the revision uses, by its readable name (the
   * content-addressed name without its hash, e.g. `cart-settings`).
   */
  readonly configs: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Its pod template without the revision label: the rest of what the revision id covers. */
  readonly podTemplate: Readonly<Record<string, unknown>>;
}

/** The kind a lock file declares. */
export const PROMOTION_LOCK_KIND = 'PromotionLock';

/** The file name `promote` writes for an environment: `promotion.<environment>.json`. */
export function promotionLockFileName(environment: string): string {
  return `promotion.${environment}.json`;
}

/** A digest reference: the only kind of image a promotion carries (a tag can move after it passed). */
export const DIGEST_IMAGE = /@sha256:[a-f0-9]{64}$/;

/** The lock as its file holds it: keys sorted at every depth, two-space indented, one trailing newline. */
export function promotionLockJson(lock: PromotionLock): string {
  return `${JSON.stringify(sortedKeys(lock), null, 2)}\n`;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortedKeys);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}
