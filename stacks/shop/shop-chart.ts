import { join } from 'path';
import { Chart, ChartProps, Duration, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Broker, ConfigSource, ExistingSecretReference, IMeshProvider, IngressPeer, Mesh, MeshProvider, Microservice, Probe, Promotion, ServerlessFunction, ServiceRoutes, ValidationError } from '../../lib';
import { ENVIRONMENT_SPECIFIC, ENVIRONMENTS, ShopEnvironment } from './environments';
import { DEFAULT_SHOP_IMAGES, ORDER_CONFIRMATION_IMAGE, ORDERS_DB_IMAGE, SHOP_SERVICES, ShopImages, ShopService } from './images';

/** Props of {@link ShopChart}. */
export interface ShopChartProps extends ChartProps {
  /** Which environment the chart is for. */
  readonly environment: ShopEnvironment;
  /**
   * The images to run.
   * @default DEFAULT_SHOP_IMAGES
   */
  readonly images?: ShopImages;
  /**
   * Extra settings per service, merged into its `settings` config (e.g. a
   * feature flag for one environment).
   * @default - none
   */
  readonly settings?: Partial<Record<ShopService, Readonly<Record<string, string>>>>;
  /**
   * Extra pod labels per service (its revision's `podLabels`: a changed
   * label makes a new revision), e.g. a label a test cluster acts on.
   * @default - none
   */
  readonly podLabels?: Partial<Record<ShopService, Readonly<Record<string, string>>>>;
  /**
   * The service mesh the shop runs in; `false` for none.
   * @default MeshProvider.istio()
   */
  readonly meshProvider?: IMeshProvider | false;
  /**
   * The namespace of an edge gateway that routes to the shop (frontend,
   * orders and cart): those services admit the gateway's proxies.
   * @default - no gateway: only frontend is reachable from outside the shop
   */
  readonly gatewayNamespace?: string;
  /**
   * The promotion lock the environment runs (`immutable-infra promote --from
   * <dist> --namespace shop-staging --to prod`): the images come from it, and
   * a revision that differs from the promoted one in anything but
   * `ENVIRONMENT_SPECIFIC` is refused at synth. Not with `images`.
   * @default - no promotion: the images of `images`
   */
  readonly promotionFile?: string;
}

/**
 * The reference shop: six microservices with config, secrets and declared
 * dependencies, sized per environment, in an Istio mesh (strict mTLS, only
 * the declared calls allowed), and one serverless function: orders posts an
 * `order.placed` event to the `shop-events` broker, whose trigger wakes
 * `order-confirmation` (scaled to zero between orders) to send the email.
 *
 *   frontend → catalog, cart, orders
 *   orders   → cart, payments, shipping, orders-db (Postgres, routed by TCP),
 *              shop-events → order-confirmation
 */
export class ShopChart extends Chart {
  /** The shop's services by name. */
  public readonly services: Readonly<Record<ShopService, Microservice>>;
  /** The function that emails the order confirmation. */
  public readonly orderConfirmation: ServerlessFunction;
  /** The orders' Postgres database, a TCP service. */
  public readonly ordersDb: Microservice;

  constructor(scope: Construct, id: string, props: ShopChartProps) {
    super(scope, id, { namespace: id, ...props });
    const namespace = new k8s.KubeNamespace(this, 'Namespace', { metadata: { name: id, labels: { 'app.kubernetes.io/part-of': 'shop' } } });
    namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    const env = ENVIRONMENTS[props.environment];
    if (props.promotionFile !== undefined && props.images !== undefined) {
      throw new ValidationError('give images or promotionFile, not both: a promoted environment runs the images of its promotion lock', this);
    }
    const promotion = props.promotionFile === undefined
      ? undefined
      : new Promotion(this, 'Promotion', { environment: props.environment, file: props.promotionFile, environmentSpecific: ENVIRONMENT_SPECIFIC });
    const images = promotion === undefined
      ? props.images ?? DEFAULT_SHOP_IMAGES
      : Object.fromEntries(SHOP_SERVICES.map((service) => [service, promotion.image(service)])) as ShopImages;
    const http = [{ name: 'http', port: 80, containerPort: 8080 }];
    const health = Probe.http({ path: '/healthz', period: Duration.seconds(10) });
    const meshProvider = props.meshProvider ?? MeshProvider.istio();
    const mesh = meshProvider === false ? undefined : new Mesh(this, 'Mesh', { provider: meshProvider });
    for (const [key, value] of Object.entries(mesh?.namespaceMetadata.labels ?? {})) {
      namespace.metadata.addLabel(key, value);
    }
    for (const [key, value] of Object.entries(mesh?.namespaceMetadata.annotations ?? {})) {
      namespace.metadata.addAnnotation(key, value);
    }
    const common = (service: ShopService) => ({
      ports: http, readiness: health, resources: env.resources, partOf: 'shop', mesh, podLabels: props.podLabels?.[service],
    });
    const settings = (service: ShopService, defaults: Record<string, string>): ConfigSource => ({
      name: 'settings',
      literals: { LOG_LEVEL: env.logLevel, ENVIRONMENT: props.environment, ...defaults, ...props.settings?.[service] },
    });
    const credentials = (service: string, values: Record<string, string>) => (env.inlineSecrets
      ? { secrets: [{ name: 'credentials', literals: values, mountPath: '/var/run/secrets/shop' }] }
      : { existingSecrets: [{ secretName: `${service}-credentials`, mountPath: '/var/run/secrets/shop' }] as ExistingSecretReference[] });
    const scaled = env.autoscaling ? { autoscaling: env.autoscaling } : { replicas: env.replicas };
    const fromGateway = props.gatewayNamespace === undefined ? [] : [IngressPeer.namespace(props.gatewayNamespace)];

    const catalog = new Microservice(this, 'catalog', {
      ...common('catalog'),
      ...scaled,
      image: images.catalog,
      configs: [
        settings('catalog', { CACHE_TTL_SECONDS: '300' }),
        { name: 'categories', files: { 'categories.json': join(__dirname, 'config', 'catalog-categories.json') }, mountPath: '/etc/catalog' },
      ],
    });
    const cart = new Microservice(this, 'cart', {
      ...common('cart'),
      ...scaled,
      image: images.cart,
      configs: [settings('cart', { SESSION_TTL_MINUTES: '120' })],
      ...credentials('cart', { 'redis-password': 'dev-only-redis-password' }),
      allowIngressFrom: fromGateway,
    });
    const payments = new Microservice(this, 'payments', {
      ...common('payments'),
      replicas: env.replicas,
      image: images.payments,
      configs: [settings('payments', { PROVIDER_URL: 'https://payments.example.com/v2', TIMEOUT_MS: '2500' })],
      ...credentials('payments', { 'provider-api-key': 'dev-only-provider-key' }),
      externalHosts: [{ host: 'payments.example.com' }],
      liveness: Probe.http({ path: '/livez', period: Duration.seconds(20) }),
    });
    const shipping = new Microservice(this, 'shipping', {
      ...common('shipping'),
      replicas: env.replicas,
      image: images.shipping,
      configs: [settings('shipping', { CARRIERS: 'dhl,ups' })],
    });
    // The orders' database: Postgres speaks TCP, not HTTP, so its port is named for TCP (the mesh routes it by revision).
    const ordersDb = new Microservice(this, 'orders-db', {
      image: promotion?.image('orders-db') ?? ORDERS_DB_IMAGE,
      ports: [{ name: 'tcp-postgres', port: 5432 }],
      readiness: Probe.tcp({ port: 'tcp-postgres', period: Duration.seconds(10) }),
      resources: env.resources,
      replicas: 1,
      partOf: 'shop',
      mesh,
    });
    this.ordersDb = ordersDb;
    // Linkerd routes HTTP only: there the stable Service balances the database's connections without a TCP route.
    if (mesh !== undefined && mesh.provider.name !== 'linkerd') {
      new ServiceRoutes(this, 'orders-db-routes', { service: ordersDb })
        .addTcpRoute('postgres', { port: 'tcp-postgres', backends: [{ revision: ordersDb.revisions[0] }] });
    }
    const orders = new Microservice(this, 'orders', {
      ...common('orders'),
      ...scaled,
      image: images.orders,
      configs: [settings('orders', { MAX_ITEMS_PER_ORDER: '50' })],
      ...credentials('orders', { 'database-url': 'postgres://orders:dev-only@orders-db:5432/orders' }),
      startup: Probe.http({ path: '/healthz', period: Duration.seconds(5), failureThreshold: 30 }),
      dependencies: [cart, payments, shipping, ordersDb],
      allowIngressFrom: fromGateway,
    });
    const frontend = new Microservice(this, 'frontend', {
      ...common('frontend'),
      ...scaled,
      image: images.frontend,
      configs: [settings('frontend', { PUBLIC_URL: `https://${props.environment === 'prod' ? '' : `${props.environment}.`}shop.example.com` })],
      dependencies: [catalog, cart, orders],
      // The public entry point, with or without a gateway in front.
      allowIngressFrom: [IngressPeer.anywhere()],
    });
    // The public entry point is rate limited per pod where the mesh can do it (Linkerd has no rate limiting): a policy
    // alone, no routes, so requests still take the Service as they do from the gateway.
    if (mesh !== undefined && mesh.provider.name === 'istio') {
      const perSecond = env.publicRequestsPerSecond;
      new ServiceRoutes(this, 'frontend-routes', { service: frontend, rateLimit: { requests: perSecond, interval: Duration.seconds(1), burst: 2 * perSecond } });
    }
    // A shopper's cart stays on one pod (its cache) for the session, where the mesh can pin it (Linkerd balances by EWMA only).
    if (mesh !== undefined && ['istio', 'consul'].includes(mesh.provider.name)) {
      new ServiceRoutes(this, 'cart-routes', {
        service: cart,
        loadBalancing: { sessionAffinity: { cookie: { name: 'cart-session', ttl: Duration.minutes(120), path: '/' } } },
      });
    }
    this.services = { frontend, catalog, cart, orders, payments, shipping };

    const events = new Broker(this, 'shop-events', { partOf: 'shop' });
    events.addPublisher(orders);
    this.orderConfirmation = new ServerlessFunction(this, 'order-confirmation', {
      image: ORDER_CONFIRMATION_IMAGE,
      partOf: 'shop',
      // consul-k8s cannot mesh a Knative function (several Services select its pods): there it runs outside the mesh.
      mesh: mesh?.provider.name === 'consul' ? undefined : mesh,
      configs: [{ name: 'settings', literals: { LOG_LEVEL: env.logLevel, FROM_ADDRESS: 'orders@shop.example.com' } }],
      ...credentials('order-confirmation', { 'smtp-url': 'smtp://shop:dev-only@mail:587' }),
      scaling: { maxScale: props.environment === 'prod' ? 10 : 2, containerConcurrency: 10 },
      timeout: Duration.seconds(30),
    });
    events.addTrigger('order-placed', {
      filter: { type: 'order.placed' },
      subscriber: this.orderConfirmation,
      delivery: { retry: 5, backoffPolicy: 'exponential', backoffDelay: Duration.seconds(1) },
    });
  }
}
