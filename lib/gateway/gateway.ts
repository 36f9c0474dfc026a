import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { assertDnsLabel } from '../core/names';
import { checkProps, describeValue } from '../core/prop-schema';
import { validateManifestsAtSynth } from '../core/synth-validation';
import { ValidationError } from '../core/validation-error';
import { GatewayBackendBinding } from './backend-target';
import { GatewayApiRendering } from './gateway-api/gateway-api-rendering';
import { gatewayProblems } from './gateway-checks';
import { GatewayModel, IGatewayRenderer, IGatewayRendering } from './gateway-renderer';
import { GatewayRendering } from './gateway-rendering';
import {
  GatewayGrpcRouteProps,
  GatewayRoute,
  GatewayRouteProps,
  GrpcGatewayRoute,
  HttpGatewayRoute,
  resolveGrpcRoute,
  resolveHttpRoute,
} from './gateway-route';
import { gatewayPropsSchema } from './gateway-schemas';
import { IstioGatewayRendering } from './istio/istio-gateway-rendering';
import { isStreamListener, Listener, listenerHosts, ListenerProps, resolveListener, RouteKind, sectionNames } from './listener';
import { listenerCertificate } from './listener-certificate';
import {
  GatewayTcpRouteProps,
  GatewayTlsRouteProps,
  resolveTcpGatewayRoute,
  resolveTlsGatewayRoute,
  StreamGatewayRoute,
  streamRouteProblems,
} from './stream-route';

/** Props of {@link Gateway}. */
export interface GatewayProps {
  /**
   * The gateway's name (a DNS label of at most 50 characters, so the names
   * implementations derive from it fit).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The API the gateway is rendered to, with that API's props:
   * `GatewayRendering.gatewayApi({ gatewayClassName })`,
   * `GatewayRendering.istio({ selector })` or
   * `GatewayRendering.ingress({ ingressClassName })`. A rendering's name
   * (`GatewayRendering.GATEWAY_API`, `GatewayRendering.ISTIO`) is deprecated.
   * @default GatewayRendering.gatewayApi()
   */
  readonly rendering?: IGatewayRendering | GatewayRendering;
  /**
   * The GatewayClass that runs the gateway (Gateway API rendering only).
   * @default 'istio'
   * @deprecated use `rendering: GatewayRendering.gatewayApi({ gatewayClassName })`
   */
  readonly gatewayClassName?: string;
  /**
   * Labels of the Istio ingress gateway pods the Istio Gateway binds to
   * (Istio rendering only).
   * @default { istio: 'ingressgateway' }
   * @deprecated use `rendering: GatewayRendering.istio({ selector })`
   */
  readonly istioSelector?: Readonly<Record<string, string>>;
  /**
   * Listeners by name; more can be added with `addListener` before the
   * first route.
   * @default - none
   */
  readonly listeners?: Readonly<Record<string, ListenerProps>>;
}

const GATEWAY_NAME_MAX_LENGTH = 50;
const LISTENER_NAME_MAX_LENGTH = 40;
const ROUTE_NAME_MAX_LENGTH = 63;

/**
 * An edge gateway that puts microservices (and, through `IGatewayBackend`,
 * other workloads) on the internet: HTTP, HTTPS and gRPC listeners with
 * hostnames, TLS from cert-manager or an existing Secret, an HTTP→HTTPS
 * redirect, and routes by host, path, header, method and query (or gRPC
 * service and method) to a service, a weighted split across its live
 * revisions, or an external service, with rewrites, redirects, header
 * changes, timeouts, retries and mirroring. It renders to the Kubernetes
 * Gateway API by default, to Istio's Gateway and VirtualServices, or to a
 * Kubernetes Ingress (which expresses less); the
 * stack code is the same, and what a rendering cannot express is a
 * ValidationError at synth naming the feature and the rendering.
 *
 * The gateway's proxies run in its namespace, so a routed microservice must
 * admit that namespace: `allowIngressFrom: [IngressPeer.namespace(…)]`.
 *
 * @example
 *   const edge = new Gateway(chart, 'edge', {
 *     listeners: {
 *       http: { protocol: ListenerProtocol.HTTP, hostnames: ['shop.example.com'], redirectToHttps: true },
 *       https: {
 *         protocol: ListenerProtocol.HTTPS,
 *         hostnames: ['shop.example.com'],
 *         tls: ListenerTls.fromCertManager(CertificateIssuer.clusterIssuer('letsencrypt')),
 *       },
 *     },
 *   });
 *   edge.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }], backend: GatewayBackend.service(orders) });
 *   edge.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/gateway/
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 */
export class Gateway extends Construct implements GatewayModel {
  /** The gateway's name. */
  public readonly gatewayName: string;
  /** The gateway's namespace, where its routes and proxies are. */
  public readonly namespace: string;
  /** The name of the API the gateway is rendered to: `'gateway-api'`, `'istio'` or `'ingress'`. */
  public readonly rendering: GatewayRendering;
  /** Labels of every object the gateway makes. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The gateway object: a Gateway API Gateway, an Istio Gateway or an Ingress (the escape hatch). */
  public readonly apiObject: ApiObject;

  private readonly renderer: IGatewayRenderer;
  private readonly declaredListeners: Listener[] = [];
  private readonly declaredRoutes: GatewayRoute[] = [];
  private readonly declaredStreamRoutes: StreamGatewayRoute[] = [];
  /** The names of every route, of any kind: a name is checked once per route, not against each route before it. */
  private readonly routeNames = new Set<string>();

  constructor(scope: Construct, id: string, props: GatewayProps = {}) {
    super(scope, id);
    checkProps(gatewayPropsSchema, props, this, { name: 'Gateway props' });
    this.gatewayName = props.name ?? id;
    assertDnsLabel('gateway name', this.gatewayName, GATEWAY_NAME_MAX_LENGTH, this);
    const namespace = Chart.of(this).namespace;
    if (namespace === undefined) {
      throw new ValidationError(`gateway '${this.gatewayName}' has no namespace, and its routes and proxies live in one; give its chart a namespace`, this);
    }
    this.namespace = namespace;
    const rendering = renderingOf(props, this);
    this.rendering = rendering.kind;
    this.labels = { [LabelKeys.NAME]: this.gatewayName, [LabelKeys.MANAGED_BY]: MANAGED_BY };
    validateManifestsAtSynth(this);

    this.renderer = rendering.render(this);
    this.apiObject = this.renderer.apiObject;
    this.node.addValidation({
      validate: () => {
        const proxies = this.renderer.proxyNamespace;
        return [...gatewayProblems(this, proxies), ...streamRouteProblems(this.declaredStreamRoutes, proxies), ...this.renderer.problems()];
      },
    });

    for (const [name, listener] of Object.entries(props.listeners ?? {})) {
      this.addListener(name, listener);
    }
  }

  /** @deprecated use {@link apiObject}, the name every construct of the library gives its main object. */
  public get resource(): ApiObject {
    return this.apiObject;
  }

  /** The listeners, in the order added. */
  public get listeners(): readonly Listener[] {
    return [...this.declaredListeners];
  }

  /** The routes, in the order added. */
  public get routes(): readonly GatewayRoute[] {
    return [...this.declaredRoutes];
  }

  /** The TCP and TLS passthrough routes, in the order added. */
  public get streamRoutes(): readonly StreamGatewayRoute[] {
    return [...this.declaredStreamRoutes];
  }

  /**
   * Adds a listener, with its cert-manager Certificate when its TLS comes
   * from an issuer. Every listener must be added before the first route:
   * routes attach to the listeners there are.
   *
   * @param name the listener's name, unique on the gateway (a DNS label)
   * @throws ValidationError for a duplicate name, an invalid listener, a TLS
   *   listener without a certificate, a clash with another listener on its
   *   port, or a listener added after a route
   */
  public addListener(name: string, props: ListenerProps): Listener {
    assertDnsLabel('listener name', name, LISTENER_NAME_MAX_LENGTH, this);
    const firstRoute = this.declaredRoutes[0] ?? this.declaredStreamRoutes[0];
    if (firstRoute !== undefined) {
      throw new ValidationError(
        `listener '${name}' is added after route '${firstRoute.name}', and routes attach to the listeners there are; add every listener first`,
        this,
      );
    }
    if (this.declaredListeners.some((l) => l.name === name)) {
      throw new ValidationError(`listener '${name}' already exists on gateway '${this.gatewayName}'; give each listener its own name`, this);
    }
    const listener = resolveListener(name, props, this.gatewayName, this);
    for (const other of this.declaredListeners) {
      assertCompatible(listener, other, this);
    }
    if (listener.tls?.issuer !== undefined) {
      listenerCertificate(this, listener, this.gatewayName, this.namespace, this.labels);
    }
    this.declaredListeners.push(listener);
    this.renderer.addListener(listener);
    return listener;
  }

  /**
   * Adds an HTTP route. Where several routes match a request the most
   * specific wins (Gateway API precedence), in both renderings.
   *
   * @param name the route's name, unique on the gateway (a DNS label)
   * @throws ValidationError for a duplicate name, no HTTP(S) listener, or an
   *   invalid route (bad match, unknown backend port, redirect and backend
   *   together, a prefix rewrite without a prefix match, …)
   */
  public addRoute(name: string, props: GatewayRouteProps): HttpGatewayRoute {
    return this.declare(resolveHttpRoute(name, props, this.binding(name, 'HTTPRoute')));
  }

  /**
   * Adds a gRPC route, taken by the gateway's gRPC listeners.
   *
   * @param name the route's name, unique on the gateway (a DNS label)
   * @throws ValidationError for a duplicate name, no gRPC listener, or an
   *   invalid route (bad service or method name, a backend port not named for gRPC, …)
   */
  public addGrpcRoute(name: string, props: GatewayGrpcRouteProps): GrpcGatewayRoute {
    return this.declare(resolveGrpcRoute(name, props, this.binding(name, 'GRPCRoute')));
  }

  /**
   * Adds a TCP route: the connections to a TCP listener go, unopened, to a
   * service's TCP port or a weighted split across its revisions (a
   * connection stays with the revision it reached).
   *
   * @param name the route's name, unique on the gateway (a DNS label)
   * @throws ValidationError for a duplicate name, no TCP listener, an unknown
   *   or ambiguous listener, or a backend that is not a TCP port of a microservice
   */
  public addTcpRoute(name: string, props: GatewayTcpRouteProps): StreamGatewayRoute {
    return this.declareStream(resolveTcpGatewayRoute(name, props, this.declaredListeners, this.binding(name, 'TCPRoute')));
  }

  /**
   * Adds a TLS passthrough route: the TLS connections for its SNI hostnames
   * go, unopened, to a backend that terminates the TLS itself.
   *
   * @param name the route's name, unique on the gateway (a DNS label)
   * @throws ValidationError for a duplicate name, no TLS passthrough listener,
   *   a hostname no such listener takes, or a backend that speaks HTTP only
   */
  public addTlsRoute(name: string, props: GatewayTlsRouteProps): StreamGatewayRoute {
    return this.declareStream(resolveTlsGatewayRoute(name, props, this.declaredListeners, this.binding(name, 'TLSRoute')));
  }

  /** What the route's backend is told, once the name is checked. */
  private binding(name: string, routeKind: RouteKind): GatewayBackendBinding {
    assertDnsLabel('route name', name, ROUTE_NAME_MAX_LENGTH, this);
    if (this.routeNames.has(name)) {
      throw new ValidationError(`route '${name}' already exists on gateway '${this.gatewayName}'; give each route its own name`, this);
    }
    if (!this.declaredListeners.some((l) => l.routeKind === routeKind)) {
      const protocols = LISTENERS_FOR[routeKind];
      throw new ValidationError(`route '${name}' needs ${protocols} on gateway '${this.gatewayName}' to attach to; add one first`, this);
    }
    return { gateway: this, gatewayNamespace: this.namespace, what: `route '${name}'`, routeKind, labels: this.labels };
  }

  private declare<R extends GatewayRoute>(route: R): R {
    this.routeNames.add(route.name);
    this.declaredRoutes.push(route);
    this.renderer.addRoute(route);
    return route;
  }

  private declareStream(route: StreamGatewayRoute): StreamGatewayRoute {
    this.routeNames.add(route.name);
    this.declaredStreamRoutes.push(route);
    this.renderer.addStreamRoute(route);
    return route;
  }
}

/** The listeners that take each kind of route, for the message of a route with none. */
const LISTENERS_FOR: Readonly<Record<RouteKind, string>> = {
  HTTPRoute: 'an HTTP or HTTPS listener',
  GRPCRoute: 'a GRPC listener',
  TCPRoute: 'a TCP listener',
  TLSRoute: 'a TLS passthrough listener',
};

/** The factory of each rendering, as messages name it. */
const FACTORY_NAMES: Readonly<Record<IGatewayRendering['kind'], string>> = { 'gateway-api': 'gatewayApi', 'istio': 'istio', 'ingress': 'ingress' };

/** Where the deprecated rendering props go in the factories. */
const FACTORY_PROPS = {
  gatewayClassName: 'GatewayRendering.gatewayApi({ gatewayClassName })',
  istioSelector: 'GatewayRendering.istio({ selector })',
} as const;

/**
 * The gateway's rendering: the factory's, or one made of a deprecated name
 * and the deprecated top-level props.
 *
 * @throws ValidationError for an unknown name, or a factory together with a deprecated prop
 */
function renderingOf(props: GatewayProps, scope: Construct): IGatewayRendering {
  const { rendering = 'gateway-api' } = props;
  if (typeof rendering === 'object') {
    for (const key of Object.keys(FACTORY_PROPS) as Array<keyof typeof FACTORY_PROPS>) {
      if (props[key] !== undefined) {
        throw new ValidationError(
          `Gateway props ${key} is ${describeValue(props[key])}, but rendering is GatewayRendering.${FACTORY_NAMES[rendering.kind]}(), ` +
            `which takes the rendering's props; move it into ${FACTORY_PROPS[key]}`,
          scope,
        );
      }
    }
    return rendering;
  }
  switch (rendering) {
    case 'istio':
      return IstioGatewayRendering.fromDeprecatedProps(props, scope);
    case 'gateway-api':
      return GatewayApiRendering.fromDeprecatedProps(props, scope);
    default:
      throw new ValidationError(`rendering must be GatewayRendering.gatewayApi(), GatewayRendering.istio() or GatewayRendering.ingress(), got ${describeValue(rendering)}`, scope);
  }
}

/**
 * @throws ValidationError when two listeners share a port but not TLS, share
 *   a hostname on one port, or would get the same Gateway API listener name
 */
function assertCompatible(listener: Listener, other: Listener, scope: Construct): void {
  const clash = sectionNames(listener).find((n) => sectionNames(other).includes(n));
  if (clash !== undefined) {
    throw new ValidationError(
      `listeners '${other.name}' and '${listener.name}' would both be named '${clash}' in the Gateway (one per hostname: <name>-<n>); rename '${listener.name}'`,
      scope,
    );
  }
  if (listener.port !== other.port) {
    return;
  }
  if ((isStreamListener(listener) || isStreamListener(other)) && listener.protocol !== other.protocol) {
    throw new ValidationError(
      `listeners '${other.name}' (${other.protocol}) and '${listener.name}' (${listener.protocol}) share port ${listener.port}, ` +
        'but a port takes one protocol; give them different ports',
      scope,
    );
  }
  if ((listener.secretName === undefined) !== (other.secretName === undefined)) {
    throw new ValidationError(
      `listeners '${other.name}' and '${listener.name}' share port ${listener.port}, but one uses TLS and the other does not; give them different ports`,
      scope,
    );
  }
  const shared = listenerHosts(listener).find((h) => listenerHosts(other).includes(h));
  if (shared !== undefined) {
    throw new ValidationError(
      `listeners '${other.name}' and '${listener.name}' both take hostname '${shared}' on port ${listener.port}; merge them or give them different hostnames or ports`,
      scope,
    );
  }
}
