/**
 * A four-service app in a mesh, one of whose services runs three versions:
 *
 *   productpage → details, reviews;  reviews → ratings
 *
 * Each scenario is one state of the stack; moving from one to the next is a
 * code change that updates only routing objects (pointers) while every
 * revision stays immutable. `mesh` switches between Istio, Linkerd and
 * Consul; a scenario a mesh cannot express (Linkerd: faults, mirroring,
 * connection limits, JWT validation, rate limits; Consul: faults, mirroring,
 * requests per connection, JWT validation)
 * is refused at synth with a ValidationError that names the feature.
 * Strict mTLS with deny-by-default holds in every scenario: details declares
 * no dependency on ratings, so a call from details to ratings is denied.
 * Run: `node -r ts-node/register/transpile-only examples/mesh-traffic.ts`
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CanaryRelease,
  EndUserAuthentication,
  HeaderMatch,
  IMeshProvider,
  IngressPeer,
  Mesh,
  MeshProvider,
  Microservice,
  Revision,
  ServiceRoutes,
  synthApp,
  UserRouting,
} from '../lib';

/** The states of the example, in the order a team would go through them. */
export const MESH_SCENARIOS = [
  /** Every request to reviews goes to v1. */
  'all-v1',
  /** The user 'jason' (header `end-user`) reaches v2; everyone else v1. */
  'user-v2',
  /** Half of the requests go to v3. */
  'split-v1-v3',
  /** Every request goes to v3. */
  'all-v3',
  /** Requests of the test user to ratings wait 7 s and then fail with HTTP 500. */
  'faults',
  /** Calls to ratings are limited, and failing ratings pods are ejected. */
  'circuit-breaker',
  /** v1 serves; every request is also copied to v3, whose answers are dropped. */
  'mirror-v3',
  /** reviews accepts only requests with a valid JWT of the shop's issuer (a POST needs the 'reviewer' group), at most 50 a second per pod. */
  'jwt-rate-limit',
] as const;

/** One state of the example. */
export type MeshScenario = (typeof MESH_SCENARIOS)[number];

/** Props of {@link MeshTrafficChart}. */
export interface MeshTrafficChartProps extends ChartProps {
  /** Which mesh the app runs in. */
  readonly mesh: 'istio' | 'linkerd' | 'consul';
  /** The state of the stack. */
  readonly scenario: MeshScenario;
}

const REGISTRY = 'ghcr.io/immutable-infra/bookinfo';
const DIGESTS = {
  productpage: '521ff1bdc3b892b38f102e183a8211659bfb00bb695ee1f36f684942e1e705fd',
  details: '36153e96793c058670ebb0f7b628bd0982cff398358f08ebac5a48565a22fd24',
  ratings: '892076033c11b2ddef77e1ef12326c537c6a7b0fb5cf46f4af2f0a0de8e99d79',
  reviewsV1: '3e47458a85a1707b2319731fe22cfdaee827b34a8176c3485932157d58a1285b',
  reviewsV2: '57a8201849c46e423263bd1c2a8b666b75a2418bb7333be952e5d16187b03c06',
  reviewsV3: 'ca290ae342490d5dcb00f1937427cd631369aa3e047e9594b5efe47f3d0e9194',
};
/** Who may call reviews in 'jwt-rate-limit': tokens of the bookinfo issuer for bookinfo, which productpage forwards. */
const REVIEWS_AUTHENTICATION: EndUserAuthentication = {
  issuers: [{
    issuer: 'https://auth.bookinfo.example.com',
    jwksUri: 'https://auth.bookinfo.example.com/.well-known/jwks.json',
    audiences: ['bookinfo'],
    outputClaimToHeaders: [{ header: 'x-user', claim: 'sub' }],
  }],
  require: [{}, { methods: ['POST'], claims: [{ claim: 'groups', values: ['reviewer'] }] }],
};
const PROVIDERS: Record<MeshTrafficChartProps['mesh'], () => IMeshProvider> = {
  istio: () => MeshProvider.istio(),
  linkerd: () => MeshProvider.linkerd(),
  consul: () => MeshProvider.consul(),
};

/** The example app in one scenario. */
export class MeshTrafficChart extends Chart {
  /** The services by name. */
  public readonly services: Readonly<Record<'productpage' | 'details' | 'reviews' | 'ratings', Microservice>>;

  constructor(scope: Construct, id: string, props: MeshTrafficChartProps) {
    super(scope, id, { namespace: 'bookinfo', ...props });
    const mesh = new Mesh(this, 'Mesh', { provider: PROVIDERS[props.mesh]() });
    const image = (name: keyof typeof DIGESTS) => `${REGISTRY}/${name.replace(/V\d$/, '')}@sha256:${DIGESTS[name]}`;
    const common = { ports: [{ name: 'http', port: 9080 }], mesh, partOf: 'bookinfo' };

    const ratings = new Microservice(this, 'ratings', { ...common, image: image('ratings') });
    const details = new Microservice(this, 'details', { ...common, image: image('details') });
    const reviews = new Microservice(this, 'reviews', { ...common, image: image('reviewsV1'), track: 'v1', dependencies: [ratings] });
    const v1 = reviews.revisions[0];
    const v2 = reviews.addRevision('v2', { image: image('reviewsV2') });
    const v3 = reviews.addRevision('v3', { image: image('reviewsV3') });
    const productpage = new Microservice(this, 'productpage', {
      ...common,
      image: image('productpage'),
      dependencies: [details, reviews],
      allowIngressFrom: [IngressPeer.anywhere()],
    });
    this.services = { productpage, details, reviews, ratings };

    const reviewRoutes = new ServiceRoutes(this, 'ReviewsRoutes', {
      service: reviews,
      ...(props.scenario === 'jwt-rate-limit' ? { authentication: REVIEWS_AUTHENTICATION, rateLimit: { requests: 50, interval: Duration.seconds(1), burst: 100 } } : {}),
    });
    routeReviews(this, props.scenario, reviewRoutes, { v1, v2, v3 });

    const ratingsRoutes = new ServiceRoutes(this, 'RatingsRoutes', {
      service: ratings,
      circuitBreaker: props.scenario === 'circuit-breaker'
        ? {
          maxConnections: 1,
          maxPendingRequests: 1,
          maxRequestsPerConnection: 1,
          outlierDetection: { consecutiveErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(3), maxEjectionPercent: 100 },
        }
        : undefined,
    });
    if (props.scenario === 'faults') {
      ratingsRoutes.addRoute('test-user', {
        matches: [{ headers: [HeaderMatch.exact('end-user', 'jason')] }],
        backends: [{ revision: ratings.revisions[0] }],
        fault: { delay: { delay: Duration.seconds(7), percentage: 100 }, abort: { httpStatus: 500, percentage: 100 } },
      });
    }
    ratingsRoutes.addRoute('default', { backends: [{ revision: ratings.revisions[0] }] });
  }
}

function routeReviews(scope: Construct, scenario: MeshScenario, routes: ServiceRoutes, r: Record<'v1' | 'v2' | 'v3', Revision>): void {
  switch (scenario) {
    case 'user-v2':
      new UserRouting(scope, 'Testers', { routes, revision: r.v2, header: 'end-user', users: ['jason'] });
      routes.addRoute('default', { backends: [{ revision: r.v1 }] });
      return;
    case 'split-v1-v3':
      new CanaryRelease(scope, 'Canary', { routes, stable: r.v1, canary: r.v3, canaryPercent: 50 });
      return;
    case 'all-v3':
      new CanaryRelease(scope, 'Canary', { routes, stable: r.v1, canary: r.v3, canaryPercent: 100 });
      return;
    case 'mirror-v3':
      routes.addRoute('default', { backends: [{ revision: r.v1 }], mirror: { revision: r.v3, percentage: 100 } });
      return;
    default:
      routes.addRoute('default', { backends: [{ revision: r.v1 }] });
  }
}

if (require.main === module) {
  // Each scenario is a state of the same app: synthesized side by side, each gets its own namespace (one mesh per namespace).
  const app = new App();
  for (const scenario of MESH_SCENARIOS) {
    new MeshTrafficChart(app, `istio-${scenario}`, { mesh: 'istio', scenario, namespace: `bookinfo-${scenario}` });
  }
  synthApp(app);
}
