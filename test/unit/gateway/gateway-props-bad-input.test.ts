import { GatewayBackend, GatewayProps, GatewayRendering, ListenerProtocol, Microservice, Revision } from '../../../lib';
import { ExpectedRefusal, expectRefusal } from '../../fixtures';
import { shopEdge } from './fixtures';

// Wrong JavaScript values given to a Gateway's own props and to
// GatewayBackend.external, .service and .revisions, as plain JavaScript,
// JSON or YAML config give them: each is refused with a ValidationError naming the gateway's path,
// the prop, the value as given and the fix. (Routes and listeners: bad-input.test.ts.)

/** Stands for a value from the environment that is not set. */
const unset = process.env.IMMUTABLE_INFRA_TEST_SURELY_UNSET;

/** A bad input and what its refusal (at test/edge) must say. */
interface BadInput extends Omit<ExpectedRefusal, 'path'> {
  /** Builds the bad input: a gateway test/edge beside the shop's services. */
  readonly build: () => unknown;
}

const HTTP = { protocol: ListenerProtocol.HTTP };

/** The shop's edge gateway made with `props`. */
const gateway = (props: Record<string, unknown>) => () => shopEdge(GatewayRendering.gatewayApi(), props as GatewayProps);
/** The shop's edge with an HTTP listener and a route 'partner' to the external backend made with `props`. */
const external = (props: Record<string, unknown>) => () => {
  const { gateway: edge } = shopEdge(GatewayRendering.gatewayApi(), { listeners: { http: HTTP } });
  return edge.addRoute('partner', { backend: GatewayBackend.external(props as never) });
};

/** The shop's edge with an HTTP listener and a route 'orders' to the backend `backend` makes of the orders service and its revisions. */
const toOrders = (backend: (orders: Microservice, stable: Revision, canary: Revision) => unknown) => () => {
  const { gateway: edge, orders, stable, canary } = shopEdge(GatewayRendering.gatewayApi(), { listeners: { http: HTTP } });
  return edge.addRoute('orders', { backend: backend(orders, stable, canary) as never });
};

const cases: Record<string, Record<string, BadInput>> = {
  'string for a list': {
    'listeners as a list': {
      build: gateway({ listeners: [HTTP] }), prop: 'listeners', shown: 'got [an object with keys protocol]', fix: /\{ https: \{ protocol: ListenerProtocol\.HTTPS \} \}/,
    },
  },
  'wrong type': {
    'a name as a number': { build: gateway({ name: 7 }), prop: 'name', shown: 'got 7 (a number)', fix: /'7'/ },
    'a backend service given by name': {
      build: toOrders(() => GatewayBackend.service('orders' as never)),
      prop: "route 'orders' backend (GatewayBackend.service) service", shown: "got 'orders' (a string)", fix: /a Microservice such as orders/,
    },
    'a backend port as true': {
      build: toOrders((orders) => GatewayBackend.service(orders, { port: true as never })),
      prop: "route 'orders' backend (GatewayBackend.service) options port", shown: 'got true', fix: /'http' or 8080/,
    },
    'revision backends as one object': {
      build: toOrders((orders, stable) => GatewayBackend.revisions(orders, { revision: stable, weight: 100 } as never)),
      prop: "route 'orders' backend (GatewayBackend.revisions) backends", shown: 'got { revision: a Revision, weight: 100 }', fix: /\[\{ revision: stable/,
    },
    'an Istio selector as a string': {
      build: gateway({ rendering: GatewayRendering.ISTIO, istioSelector: 'istio=ingressgateway' }),
      prop: 'istioSelector', shown: "got 'istio=ingressgateway' (a string)", fix: /\{ istio: 'ingressgateway' \}/,
    },
    'an Istio rendering selector as a string': {
      build: gateway({ rendering: GatewayRendering.istio({ selector: 'istio=ingressgateway' as never }) }),
      prop: 'GatewayRendering.istio props selector', shown: "got 'istio=ingressgateway' (a string)", fix: /\{ istio: 'ingressgateway' \}/,
    },
    'a Gateway API rendering class as a number': {
      build: gateway({ rendering: GatewayRendering.gatewayApi({ gatewayClassName: 7 as never }) }),
      prop: 'GatewayRendering.gatewayApi props gatewayClassName', shown: 'got 7 (a number)', fix: /write it in quotes: '7'/,
    },
    'a rendering given as its props': {
      build: gateway({ rendering: { selector: { istio: 'ingressgateway' } } }),
      prop: 'rendering', shown: 'got {', fix: /GatewayRendering\.istio\(\)/,
    },
    'a listener port as a string': {
      build: gateway({ listeners: { http: { protocol: ListenerProtocol.HTTP, port: '8080' } } }),
      prop: 'listeners.http.port', shown: "got '8080' (a string)", fix: /without quotes: 8080/,
    },
    'an external port as a string': {
      build: external({ name: 'partner', hostname: 'api.partner.example.com', port: '443' }),
      prop: "route 'partner' backend (GatewayBackend.external) port", shown: "got '443' (a string)", fix: /without quotes: 443/,
    },
    'external props as a hostname': {
      build: external('api.partner.example.com' as never),
      prop: "route 'partner' backend (GatewayBackend.external) props", shown: "got 'api.partner.example.com' (a string)", fix: /hostname: 'api\.payments\.example\.com'/,
    },
  },
  'missing required value': {
    'an external backend without a hostname': {
      build: external({ name: 'partner' }), prop: "route 'partner' backend (GatewayBackend.external) hostname", shown: 'is required', fix: /a DNS name/,
    },
    'a listener without a protocol': {
      build: gateway({ listeners: { http: { port: 80 } } }), prop: 'listeners.http.protocol', shown: 'is required', fix: /ListenerProtocol\.HTTPS/,
    },
  },
  'NaN, Infinity and out of range': {
    'a NaN external port': {
      build: external({ name: 'partner', hostname: 'api.partner.example.com', port: NaN }),
      prop: "route 'partner' backend (GatewayBackend.external) port", shown: 'got NaN', fix: /NaN comes from/,
    },
    'an external port beyond 65535': {
      build: external({ name: 'partner', hostname: 'api.partner.example.com', port: 70000 }),
      prop: "external backend 'partner' port", shown: 'got 70000', fix: /1-65535/,
    },
  },
  'unset environment variable (undefined)': {
    'a gateway class from an unset variable, taking its default': {
      build: gateway({ gatewayClassName: unset, listeners: { http: { ...HTTP, hostnames: [unset] } } }),
      prop: 'listeners.http.hostnames[0]', shown: 'is undefined', fix: /not set: set it, or leave the item out/,
    },
    'an Istio selector label': {
      build: gateway({ rendering: GatewayRendering.ISTIO, istioSelector: { istio: unset } }),
      prop: 'istioSelector.istio', shown: 'is undefined', fix: /not set/,
    },
    'an Istio rendering selector label': {
      build: gateway({ rendering: GatewayRendering.istio({ selector: { istio: unset as never } }) }),
      prop: 'GatewayRendering.istio props selector.istio', shown: 'is undefined', fix: /not set/,
    },
  },
  'unknown key': {
    'the deprecated Istio selector name in the Istio rendering': {
      build: gateway({ rendering: GatewayRendering.istio({ istioSelector: { istio: 'ingressgateway' } } as never) }),
      prop: 'GatewayRendering.istio props istioSelector', shown: 'is not a known prop', fix: /selector/,
    },
    'a gateway class in the Istio rendering': {
      build: gateway({ rendering: GatewayRendering.istio({ gatewayClassName: 'istio' } as never) }),
      prop: 'GatewayRendering.istio props gatewayClassName', shown: 'is not a known prop', fix: /selector/,
    },
    'a misspelled gateway class': {
      build: gateway({ gatewayClass: 'istio' }), prop: 'gatewayClass', shown: 'is not a known prop', fix: /did you mean 'gatewayClassName'\?/,
    },
    'a misspelled external hostname': {
      build: external({ name: 'partner', hostName: 'api.partner.example.com' }),
      prop: "route 'partner' backend (GatewayBackend.external) hostName", shown: 'is not a known prop', fix: /did you mean 'hostname'\?/,
    },
    'a listener with a typo': {
      build: gateway({ listeners: { http: { ...HTTP, redirectToHTTPS: true } } }),
      prop: 'listeners.http.redirectToHTTPS', shown: 'is not a known prop', fix: /did you mean 'redirectToHttps'\?/,
    },
  },
};

describe.each(Object.keys(cases))('Gateway props bad input: %s', (group) => {
  test.each(Object.entries(cases[group]))('%s', (_, c) => {
    expectRefusal(c.build, { ...c, path: 'test/edge' });
  });
});

describe('Gateway props bad input: the same values given right are accepted', () => {
  test('a gateway with its props, and an external backend', () => {
    const { gateway: edge } = shopEdge(GatewayRendering.gatewayApi({ gatewayClassName: 'istio' }), { name: 'edge', listeners: { http: HTTP } });
    expect(edge.addRoute('partner', { backend: GatewayBackend.external({ name: 'partner', hostname: 'api.partner.example.com', port: 80 }) }).name).toBe('partner');
  });
});
