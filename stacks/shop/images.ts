/** The shop's services. */
export const SHOP_SERVICES = ['frontend', 'catalog', 'cart', 'orders', 'payments', 'shipping'] as const;

/** One of the shop's services. */
export type ShopService = (typeof SHOP_SERVICES)[number];

/** Image references of the shop's services, pinned by digest. */
export type ShopImages = Readonly<Record<ShopService, string>>;

const digest = (seed: string): string => `sha256:${seed.repeat(64 / seed.length)}`;

/**
 * The images a release of the shop runs. Release pipelines override them
 * (the Pulumi entry reads them from stack config).
 */
export const DEFAULT_SHOP_IMAGES: ShopImages = {
  frontend: `ghcr.io/immutable-infra/shop-frontend@${digest('0f1e2d3c')}`,
  catalog: `ghcr.io/immutable-infra/shop-catalog@${digest('1a2b3c4d')}`,
  cart: `ghcr.io/immutable-infra/shop-cart@${digest('2b3c4d5e')}`,
  orders: `ghcr.io/immutable-infra/shop-orders@${digest('3c4d5e6f')}`,
  payments: `ghcr.io/immutable-infra/shop-payments@${digest('4d5e6f70')}`,
  shipping: `ghcr.io/immutable-infra/shop-shipping@${digest('5e6f7081')}`,
};

/** The image of the order-confirmation function, pinned by digest. */
export const ORDER_CONFIRMATION_IMAGE = `ghcr.io/immutable-infra/shop-order-confirmation@${digest('6f708192')}`;

/** The image of orders-db, the orders' Postgres database, pinned by digest. */
export const ORDERS_DB_IMAGE = `ghcr.io/immutable-infra/shop-orders-db@${digest('708192a3')}`;
