import { Chart, Duration } from 'cdk8s';
import {
  BlueGreenRelease,
  CanaryRelease,
  HeaderMatch,
  Mesh,
  MeshProvider,
  Microservice,
  PathMatch,
  Revision,
  RouteProps,
  ServiceRoutes,
  UserRouting,
} from '../../../lib';
import { digestImage, ExpectedRefusal, expectRefusal, newChart } from '../../fixtures';

// Wrong JavaScript values given to a routing table, its routes and the
// release strategies, as plain JavaScript, JSON or YAML config give them:
// each is refused with a ValidationError naming the construct's path, the
// route and its prop, the value as given and the fix. Header match values
// may be credentials: they are never shown.

/** Stands for a value from the environment that is not set. */
const unset = process.env.IMMUTABLE_INFRA_TEST_SURELY_UNSET;
const TOKEN = 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0';

interface Shop {
  readonly chart: Chart;
  readonly reviews: Microservice;
  readonly stable: Revision;
  readonly canary: Revision;
  readonly routes: ServiceRoutes;
}

/** A bad input and what its refusal must say. */
interface BadInput extends ExpectedRefusal {
  /** Builds the bad input beside reviews (stable + canary) and its routing table test/routes. */
  readonly build: (shop: Shop) => unknown;
}

function shop(): Shop {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
  const reviews = new Microservice(chart, 'reviews', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], mesh });
  const canary = reviews.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
  const routes = new ServiceRoutes(chart, 'routes', { service: reviews });
  return { chart, reviews, stable: reviews.revisions[0], canary, routes };
}

/** A route 'r' to the stable revision, with `props`. */
const route = (props: (s: Shop) => Record<string, unknown>) => (s: Shop) =>
  s.routes.addRoute('r', { backends: [{ revision: s.stable }], ...props(s) } as unknown as RouteProps);

const cases: Record<string, Record<string, BadInput>> = {
  'string for a list': {
    'backends as one object': {
      build: (s) => s.routes.addRoute('r', { backends: { revision: s.stable } } as never),
      path: 'test/routes', prop: "route 'r' backends", shown: 'got { revision: a Revision }', fix: /a list of backends/,
    },
    'retryOn as one string': {
      build: route(() => ({ retries: { attempts: 2, retryOn: '5xx' } })),
      path: 'test/routes', prop: "route 'r' retries.retryOn", shown: "got '5xx' (a string)", fix: /\[RetryOn\.GATEWAY_ERROR\]/,
    },
    'removed headers as one string': {
      build: route(() => ({ headers: { request: { remove: 'x-debug x-trace' } } })),
      path: 'test/routes', prop: "route 'r' headers.request.remove", shown: "got 'x-debug x-trace'", fix: /\['x-debug', 'x-trace'\]/,
    },
    'UserRouting users as one string': {
      build: (s) => new UserRouting(s.chart, 'testers', { routes: s.routes, revision: s.canary, header: 'end-user', users: 'jason' as never }),
      path: 'test/testers', prop: 'users', shown: "got 'jason' (a string)", fix: /pass each item on its own: \['jason'\]/,
    },
  },
  'wrong type': {
    'a timeout in seconds': {
      build: route(() => ({ timeout: 10 })),
      path: 'test/routes', prop: "route 'r' timeout", shown: 'got 10 (a number)', fix: /Duration\.seconds\(10\)/,
    },
    'a backend that is the service': {
      build: (s) => s.routes.addRoute('r', { backends: [{ revision: s.reviews as never }] }),
      path: 'test/routes', prop: "route 'r' backends[0].revision", shown: 'got a Microservice', fix: /orders\.addRevision/,
    },
    'a weight as a string': {
      build: (s) => s.routes.addRoute('r', { backends: [{ revision: s.stable, weight: '90' as never }] }),
      path: 'test/routes', prop: "route 'r' backends[0].weight", shown: "got '90' (a string)", fix: /without quotes: 90/,
    },
    'a path given as a string': {
      build: route(() => ({ matches: [{ path: '/api' }] })),
      path: 'test/routes', prop: "route 'r' matches[0].path", shown: "got '/api' (a string)", fix: /PathMatch\.prefix\('\/api'\)/,
    },
    'a method in lower case': {
      build: route(() => ({ matches: [{ method: 'get' }] })),
      path: 'test/routes', prop: "route 'r' matches[0].method", shown: "got 'get'", fix: /write 'GET'/,
    },
    'an abort status as a string': {
      build: route(() => ({ fault: { abort: { httpStatus: '503', percentage: 10 } } })),
      path: 'test/routes', prop: "route 'r' fault.abort.httpStatus", shown: "got '503' (a string)", fix: /without quotes: 503/,
    },
    'a circuit breaker limit as a string': {
      build: (s) => new ServiceRoutes(s.chart, 'more-routes', { service: s.reviews, circuitBreaker: { maxConnections: '100' as never } }),
      path: 'test/more-routes', prop: 'circuitBreaker.maxConnections', shown: "got '100' (a string)", fix: /without quotes: 100/,
    },
    'audiences as one string': {
      build: (s) => new ServiceRoutes(s.chart, 'more-routes', {
        service: s.reviews,
        authentication: { issuers: [{ issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/jwks.json', audiences: 'shop' as never }] },
      }),
      path: 'test/more-routes', prop: 'authentication.issuers[0].audiences', shown: "got 'shop'", fix: /\['shop'\]/,
    },
    'a rate limit interval as a number': {
      build: (s) => new ServiceRoutes(s.chart, 'more-routes', { service: s.reviews, rateLimit: { requests: 100, interval: 1 as never } }),
      path: 'test/more-routes', prop: 'rateLimit.interval', shown: 'got 1', fix: /Duration.seconds\(1\) if seconds are meant/,
    },
    'a routing table of a service name': {
      build: (s) => new ServiceRoutes(s.chart, 'more-routes', { service: 'reviews' as never }),
      path: 'test/more-routes', prop: 'service', shown: "got 'reviews' (a string)", fix: /the Microservice whose requests are routed/,
    },
    'a canary share as a string': {
      build: (s) => new CanaryRelease(s.chart, 'release', { routes: s.routes, stable: s.stable, canary: s.canary, canaryPercent: '10' as never }),
      path: 'test/release', prop: 'canaryPercent', shown: "got '10' (a string)", fix: /without quotes: 10/,
    },
    'a preview header given as a string': {
      build: (s) => new BlueGreenRelease(s.chart, 'release', { routes: s.routes, active: s.stable, preview: s.canary, previewHeader: 'x-preview' as never }),
      path: 'test/release', prop: 'previewHeader', shown: "got 'x-preview'", fix: /HeaderMatch\.exact\('x-user', 'tester'\)/,
    },
  },
  'missing required value': {
    'a route without backends': {
      build: (s) => s.routes.addRoute('r', {} as never),
      path: 'test/routes', prop: "route 'r' backends", shown: 'is required', fix: /\[\{ revision: stable, weight: 90 \}/,
    },
    'retries without attempts': {
      build: route(() => ({ retries: { perTryTimeout: Duration.seconds(1) } })),
      path: 'test/routes', prop: "route 'r' retries.attempts", shown: 'is required', fix: /pass 3/,
    },
    'a mirror without its revision': {
      build: route(() => ({ mirror: { percentage: 10 } })),
      path: 'test/routes', prop: "route 'r' mirror.revision", shown: 'is required', fix: /addRevision/,
    },
    'a canary without its routing table': {
      build: (s) => new CanaryRelease(s.chart, 'release', { stable: s.stable, canary: s.canary, canaryPercent: 10 } as never),
      path: 'test/release', prop: 'routes', shown: 'is required', fix: /new ServiceRoutes/,
    },
  },
  'NaN, Infinity and out of range': {
    'NaN attempts': {
      build: route(() => ({ retries: { attempts: NaN } })),
      path: 'test/routes', prop: "route 'r' retries.attempts", shown: 'must be a finite number, got NaN', fix: /NaN comes from/,
    },
    'an Infinity mirror percentage': {
      build: route((s) => ({ mirror: { revision: s.canary, percentage: Infinity } })),
      path: 'test/routes', prop: "route 'r' mirror.percentage", shown: 'got Infinity', fix: /finite number such as 10/,
    },
    'a NaN canary share': {
      build: (s) => new CanaryRelease(s.chart, 'release', { routes: s.routes, stable: s.stable, canary: s.canary, canaryPercent: NaN }),
      path: 'test/release', prop: 'canaryPercent', shown: 'got NaN', fix: /finite number/,
    },
    'a share beyond 100': {
      build: (s) => new CanaryRelease(s.chart, 'release', { routes: s.routes, stable: s.stable, canary: s.canary, canaryPercent: 101 }),
      path: 'test/release', prop: 'canaryPercent', shown: 'got 101', fix: /whole number 0-100/,
    },
  },
  'unset environment variable (undefined)': {
    'a header value to set': {
      build: route(() => ({ headers: { request: { set: { 'x-env': unset } } } })),
      path: 'test/routes', prop: "route 'r' headers.request.set['x-env']", shown: 'is undefined', fix: /not set: set it, or leave the key out/,
    },
    'a user of a UserRouting': {
      build: (s) => new UserRouting(s.chart, 'testers', { routes: s.routes, revision: s.canary, header: 'end-user', users: [unset as never] }),
      path: 'test/testers', prop: 'users[0]', shown: 'is undefined', fix: /not set/,
    },
  },
  'secret content in a bad value': {
    'a header match value that is not a string': {
      build: route(() => ({ matches: [{ headers: [HeaderMatch.exact('authorization', 4321 as never)] }] })),
      path: 'test/routes', prop: "route 'r' matches[0].headers[0].value", shown: 'got a number (not shown: secret data)', fix: /as a string/, secret: '4321',
    },
    'a header match value with a line break': {
      build: route(() => ({ matches: [{ headers: [HeaderMatch.exact('Authorization', `${TOKEN}\n`)] }] })),
      path: 'test/routes', prop: "route 'r' match 1 header 'authorization'", shown: 'got 37 characters (not shown: header values may be secret)', fix: /without CR, LF or NUL/, secret: 'eyJhbGci',
    },
    'a header regex that RE2 refuses': {
      build: route(() => ({ matches: [{ headers: [HeaderMatch.regex('authorization', `${TOKEN}(?=x)`)] }] })),
      path: 'test/routes', prop: "route 'r' match 1 header 'authorization'", shown: 'regex uses lookaround', fix: /rewrite it without them/, secret: 'eyJhbGci',
    },
  },
  'unknown key': {
    'a misspelled timeout': {
      build: route(() => ({ timeOut: Duration.seconds(5) })),
      path: 'test/routes', prop: "route 'r' timeOut", shown: 'is not a known prop', fix: /did you mean 'timeout'\?/,
    },
    'a retry policy of a singular condition': {
      build: route(() => ({ retries: { attempts: 2, retryOnn: ['5xx'] } })),
      path: 'test/routes', prop: "route 'r' retries.retryOnn", shown: 'is not a known prop', fix: /did you mean 'retryOn'\?/,
    },
    'a misspelled JWKS URI': {
      build: (s) => new ServiceRoutes(s.chart, 'more-routes', {
        service: s.reviews,
        authentication: { issuers: [{ issuer: 'https://accounts.example.com', jwksUrl: 'https://accounts.example.com/jwks.json', audiences: ['shop'] } as never] },
      }),
      path: 'test/more-routes', prop: 'authentication.issuers[0].jwksUrl', shown: 'is not a known prop', fix: /did you mean 'jwksUri'\?/,
    },
    "a revision's slow start misspelled": {
      build: (s) => s.routes.addRevisionLoadBalancing(s.canary, { slowstart: Duration.seconds(30) } as never),
      path: 'test/routes', prop: "revision 'canary' loadBalancing slowstart", shown: 'is not a known prop', fix: /did you mean 'slowStart'\?/,
    },
    'a canary share in other words': {
      build: (s) => new CanaryRelease(s.chart, 'release', { routes: s.routes, stable: s.stable, canary: s.canary, canaryPercent: 10, percent: 10 } as never),
      path: 'test/release', prop: 'percent', shown: 'is not a known prop', fix: /the known props are/,
    },
  },
};

describe.each(Object.keys(cases))('traffic bad input: %s', (group) => {
  test.each(Object.entries(cases[group]))('%s', (_, c) => {
    expectRefusal(() => c.build(shop()), c);
  });
});

describe('traffic bad input: the same values given right are accepted', () => {
  test('a route with every prop', () => {
    const s = shop();
    const r = s.routes.addRoute('r', {
      matches: [{ path: PathMatch.prefix('/api'), headers: [HeaderMatch.exact('authorization', TOKEN)], method: 'GET' }],
      backends: [{ revision: s.stable, weight: 90 }],
      timeout: Duration.seconds(10),
      retries: { attempts: 2 },
      mirror: { revision: s.canary, percentage: 10 },
      headers: { request: { set: { 'x-env': 'prod' } } },
    });
    expect(r.backends).toHaveLength(1);
  });
});
