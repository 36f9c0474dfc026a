import { App, Chart, Duration } from 'cdk8s';
import { Gateway, GatewayBackend, GatewayRendering, ListenerProtocol, SynthValidationError } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { expectRefusal, validationErrorOf } from '../../fixtures';
import { shopEdge } from './fixtures';

// Wrong JavaScript values given to a gateway's routes and listeners, as plain
// JavaScript, JSON or YAML config give them: each is refused with a
// ValidationError naming the gateway's path, the route or listener and its
// prop, the value as given and the fix; never split into characters, never a
// TypeError or a ManifestSchemaError.

type Edge = ReturnType<typeof shopEdge>;

interface BadInput {
  /** Adds the bad route or listener to the shop's edge gateway (test/edge). */
  readonly build: (edge: Edge) => unknown;
  /** What the message must start with: the route or listener and its prop. */
  readonly prop: string;
  /** The value as the message must show it. */
  readonly shown: string;
  /** The fix the message must give. */
  readonly fix: RegExp;
}

const cases: Record<string, Record<string, BadInput>> = {
  'string for a list': {
    'route hostnames as one string': {
      build: ({ gateway, frontend }) => gateway.addRoute('web', { hostnames: 'shop' as never, backend: GatewayBackend.service(frontend) }),
      prop: "route 'web' hostnames", shown: "got 'shop' (a string)", fix: /split into its characters; pass each item on its own: \['shop'\]/,
    },
    'gRPC route hostnames as one string': {
      build: ({ gateway, frontend }) => gateway.addGrpcRoute('rpc', { hostnames: 'grpc.example.com' as never, backend: GatewayBackend.service(frontend) }),
      prop: "route 'rpc' hostnames", shown: "got 'grpc.example.com'", fix: /\['grpc\.example\.com'\]/,
    },
    'listener hostnames as one string': {
      build: ({ gateway }) => gateway.addListener('admin', { protocol: ListenerProtocol.HTTP, port: 8080, hostnames: 'admin.example.com' as never }),
      prop: "listener 'admin' hostnames", shown: "got 'admin.example.com'", fix: /\['admin\.example\.com'\]/,
    },
    'route matches as one object': {
      build: ({ gateway, frontend }) => gateway.addRoute('web', { matches: { method: 'GET' } as never, backend: GatewayBackend.service(frontend) }),
      prop: "route 'web' matches", shown: "got { method: 'GET' }", fix: /a list of matches/,
    },
  },
  'wrong type': {
    'a hostname that is a number': {
      build: ({ gateway, frontend }) => gateway.addRoute('web', { hostnames: [42] as never, backend: GatewayBackend.service(frontend) }),
      prop: "route 'web' hostnames[0]", shown: 'got 42 (a number)', fix: /'42'/,
    },
    'a timeout in seconds as a number': {
      build: ({ gateway, frontend }) => gateway.addRoute('web', { timeout: 10 as never, backend: GatewayBackend.service(frontend) }),
      prop: "route 'web' timeout", shown: 'got 10 (a number)', fix: /Duration\.seconds\(10\)/,
    },
    'a backend that is the service itself': {
      build: ({ gateway, frontend }) => gateway.addRoute('web', { backend: frontend as never }),
      prop: "route 'web' backend", shown: 'got a Microservice', fix: /GatewayBackend\.service\(orders\)/,
    },
    'a rate limit interval as a number': {
      build: ({ gateway, frontend }) => gateway.addRoute('web', { rateLimit: { requests: 10, interval: 1 as never }, backend: GatewayBackend.service(frontend) }),
      prop: "route 'web' rateLimit.interval", shown: 'got 1 (a number)', fix: /Duration\.seconds\(1\)/,
    },
    'a session affinity cookie as a string': {
      build: ({ gateway, frontend }) => gateway.addRoute('web', { sessionAffinity: { cookie: 'session' as never }, backend: GatewayBackend.service(frontend) }),
      prop: "route 'web' sessionAffinity.cookie", shown: "got 'session' (a string)", fix: /name: 'session'/,
    },
    'a listener authentication of one issuer, not a list': {
      build: ({ gateway }) => gateway.addListener('admin', {
        protocol: ListenerProtocol.HTTP,
        port: 8080,
        authentication: { issuers: { issuer: 'https://login.example.com', audiences: ['shop'] } as never },
      }),
      prop: "listener 'admin' authentication.issuers", shown: 'got an object with keys issuer, audiences', fix: /pass \[\{ issuer: /,
    },
    'route props as a string': {
      build: ({ gateway }) => gateway.addRoute('web', 'frontend' as never),
      prop: "route 'web' props", shown: "got 'frontend' (a string)", fix: /backend: GatewayBackend/,
    },
    'a listener port as a string': {
      build: ({ gateway }) => gateway.addListener('admin', { protocol: ListenerProtocol.HTTP, port: '8080' as never }),
      prop: "listener 'admin' port", shown: "got '8080' (a string)", fix: /write it without quotes: 8080/,
    },
    'redirectToHttps as a string': {
      build: ({ gateway }) => gateway.addListener('admin', { protocol: ListenerProtocol.HTTP, port: 8080, redirectToHttps: 'yes' as never }),
      prop: "listener 'admin' redirectToHttps", shown: "got 'yes'", fix: /true or false/,
    },
  },
  'missing required value': {
    'a gRPC route without a backend': {
      build: ({ gateway }) => gateway.addGrpcRoute('rpc', {} as never),
      prop: "route 'rpc' backend", shown: 'is required', fix: /GatewayBackend\.service/,
    },
    'a listener without a protocol': {
      build: ({ gateway }) => gateway.addListener('admin', { port: 8080 } as never),
      prop: "listener 'admin' protocol", shown: 'is required', fix: /ListenerProtocol\.HTTPS/,
    },
  },
  'NaN and Infinity': {
    'a NaN listener port': {
      build: ({ gateway }) => gateway.addListener('admin', { protocol: ListenerProtocol.HTTP, port: NaN }),
      prop: "listener 'admin' port", shown: 'must be a finite number, got NaN', fix: /such as 443/,
    },
    'an Infinity listener port': {
      build: ({ gateway }) => gateway.addListener('admin', { protocol: ListenerProtocol.HTTP, port: Infinity }),
      prop: "listener 'admin' port", shown: 'got Infinity', fix: /finite number/,
    },
  },
  'unknown key': {
    'a route host name spelled in one word': {
      build: ({ gateway, frontend }) => gateway.addRoute('web', { hostname: ['shop.example.com'], backend: GatewayBackend.service(frontend) } as never),
      prop: "route 'web' hostname", shown: 'is not a known prop', fix: /did you mean 'hostnames'\?/,
    },
  },
  'unset environment variable (undefined)': {
    'a route hostname from an unset variable': {
      build: ({ gateway, frontend }) => gateway.addRoute('web', { hostnames: [process.env.IMMUTABLE_INFRA_TEST_SURELY_UNSET as string], backend: GatewayBackend.service(frontend) }),
      prop: "route 'web' hostnames[0]", shown: 'is undefined', fix: /process\.env .* not set: set it, or leave the item out/,
    },
  },
};

describe.each(Object.keys(cases))('gateway bad input: %s', (group) => {
  test.each(Object.entries(cases[group]))('%s', (_, c) => {
    const listeners = { http: { protocol: ListenerProtocol.HTTP }, grpc: { protocol: ListenerProtocol.GRPC, port: 9000 } };
    const edge = shopEdge(GatewayRendering.gatewayApi(), { listeners });
    expectRefusal(() => c.build(edge), { ...c, path: 'test/edge' });
  });
});

describe('gateway bad input: duplicates and namespaces at synth', () => {
  test('the same gateway in two charts of one namespace, naming both construct paths', () => {
    const app = new App();
    new Gateway(new Chart(app, 'edge', { namespace: 'edge' }), 'gateway', { listeners: { http: { protocol: ListenerProtocol.HTTP } } });
    const error = validationErrorOf(() => new Gateway(new Chart(app, 'edge-2', { namespace: 'edge' }), 'gateway', { listeners: { http: { protocol: ListenerProtocol.HTTP } } }));
    expect(error.message).toMatch(/is already used by edge\/gateway.* \(at edge-2\/gateway/);
  });

  test('a gateway chart in a namespace the API server refuses', () => {
    const chart = new Chart(new App(), 'edge', { namespace: 'Edge' });
    new Gateway(chart, 'gateway', { listeners: { http: { protocol: ListenerProtocol.HTTP } } });
    const error = validationErrorOf(() => synthObjects(chart));
    expect(error).toBeInstanceOf(SynthValidationError);
    expect(error.message).toMatch(/chart edge has namespace 'Edge', which the API server refuses/);
  });

  test('a route with well-typed props is accepted', () => {
    const { gateway, frontend } = shopEdge(GatewayRendering.gatewayApi(), { listeners: { http: { protocol: ListenerProtocol.HTTP } } });
    expect(gateway.addRoute('web', { hostnames: ['shop.example.com'], timeout: Duration.seconds(10), backend: GatewayBackend.service(frontend) }).hostnames).toEqual(['shop.example.com']);
  });
});
