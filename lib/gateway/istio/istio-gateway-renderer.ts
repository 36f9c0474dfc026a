import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { contentHash } from '../../core/content-hash';
import { emitObject } from '../../core/emit-object';
import { contentAddressedName } from '../../core/names';
import { gatewayAuthenticationProblems, IstioGatewayAuthentication, portlessListenerTokenProblems, portlessTokenProblems } from '../gateway-authentication';
import { GatewayModel, IGatewayRenderer } from '../gateway-renderer';
import { GatewayRoute } from '../gateway-route';
import { ANY_HOSTNAME } from '../hostnames';
import { Listener } from '../listener';
import { servedHosts } from '../route-attachment';
import { StreamGatewayRoute } from '../stream-route';
import { istioGatewayProblems } from './istio-gateway-limits';
import { istioHttpRoutes } from './istio-http-routes';
import { IstioRouteAffinity, routeAffinityProblems } from './istio-route-affinity';
import { IstioRouteRateLimits, routeRateLimitProblems } from './istio-route-rate-limits';
import { istioServer } from './istio-server';
import { istioStreamRouteSpec, streamPercentagesProblem } from './istio-stream-routes';

/**
 * Istio's form of a gateway:
 * - an Istio Gateway bound to the ingress gateway pods (`selector`) in
 *   the gateway's namespace, one server per listener, hosts limited to
 *   VirtualServices of that namespace (`./`), TLS from the listener's Secret
 *   (`credentialName`), `httpsRedirect` for a redirecting listener;
 * - a VirtualService per hostname the routes serve, bound to that Gateway,
 *   its http routes ordered by Gateway API precedence, Istio's implicit
 *   retries off unless the route sets retries;
 * - for listeners and routes with `authentication`, a RequestAuthentication
 *   and a DENY AuthorizationPolicy selecting the same pods (see gateway-authentication.ts);
 * - for routes with `rateLimit`, an EnvoyFilter on the same pods (see {@link IstioRouteRateLimits});
 * - for routes with `sessionAffinity`, a DestinationRule per Service for the same pods (see {@link IstioRouteAffinity}).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
export class IstioGatewayRenderer implements IGatewayRenderer {
  public readonly apiObject: ApiObject;
  public readonly proxyNamespace: string;
  private readonly virtualServices = new Set<string>();
  private readonly authentication: IstioGatewayAuthentication;
  private rateLimits: IstioRouteRateLimits | undefined;
  private affinity: IstioRouteAffinity | undefined;

  constructor(private readonly gateway: Construct & GatewayModel, private readonly selector: Readonly<Record<string, string>>) {
    this.proxyNamespace = gateway.namespace;
    this.authentication = new IstioGatewayAuthentication(gateway, { selector });
    this.apiObject = emitObject(gateway, 'Resource', {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'Gateway',
      metadata: { name: gateway.gatewayName, namespace: gateway.namespace, labels: { ...gateway.labels } },
      spec: {
        selector: { ...selector },
        servers: Lazy.any({ produce: () => gateway.listeners.map(istioServer) }),
      },
    });
  }

  /** The servers are read at synth; a listener's authentication needs the gateway's policies. */
  public addListener(listener: Listener): void {
    this.authentication.addListener(listener);
  }

  public addRoute(route: GatewayRoute): void {
    const { gateway } = this;
    this.authentication.addRoute(route);
    if (route.rateLimit !== undefined && this.rateLimits === undefined) {
      this.rateLimits = new IstioRouteRateLimits(gateway, 'RouteRateLimits', gateway, this.selector);
    }
    if (route.sessionAffinity !== undefined) {
      this.affinity ??= new IstioRouteAffinity(gateway, 'RouteAffinity', gateway, this.selector);
      this.affinity.addRoute(route);
    }
    for (const host of servedHosts(route, gateway.listeners)) {
      if (this.virtualServices.has(host)) {
        continue;
      }
      this.virtualServices.add(host);
      emitObject(gateway, `VirtualService-${host}`, {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: { name: virtualServiceName(gateway.gatewayName, host), namespace: gateway.namespace, labels: { ...gateway.labels } },
        spec: {
          hosts: [host],
          gateways: [`${gateway.namespace}/${gateway.gatewayName}`],
          http: Lazy.any({ produce: () => istioHttpRoutes(host, gateway, gateway) }),
        },
      });
    }
  }

  /** Emits the route's VirtualService `<gateway>-tcp-<route>` or `<gateway>-tls-<route>`, bound to the gateway. */
  public addStreamRoute(route: StreamGatewayRoute): void {
    const { gateway } = this;
    const kind = route.kind === 'TCPRoute' ? 'tcp' : 'tls';
    emitObject(gateway, `VirtualService-${kind}-${route.name}`, {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: `${gateway.gatewayName}-${kind}-${route.name}`, namespace: gateway.namespace, labels: { ...gateway.labels } },
      spec: Lazy.any({ produce: () => istioStreamRouteSpec(route, `${gateway.namespace}/${gateway.gatewayName}`, gateway) }),
    });
  }

  public problems(): string[] {
    return [
      ...istioGatewayProblems(this.gateway.listeners, this.gateway.routes),
      ...gatewayAuthenticationProblems(this.gateway, 'istio'),
      ...portlessTokenProblems(this.gateway.routes, this.gateway.listeners),
      ...portlessListenerTokenProblems(this.gateway.listeners),
      ...routeRateLimitProblems(this.gateway.routes),
      ...routeAffinityProblems(this.gateway.routes),
      ...this.gateway.streamRoutes.flatMap((route) => {
        const problem = streamPercentagesProblem(route);
        return problem === undefined ? [] : [`${problem} (istio weights are whole percentages)`];
      }),
    ];
  }
}

/** `<gateway>-<host>`, a wildcard spelled `wildcard`; hashed when too long. */
function virtualServiceName(gatewayName: string, host: string): string {
  const name = `${gatewayName}-${host === ANY_HOSTNAME ? 'wildcard' : host.replace(/^\*/, 'wildcard')}`;
  return name.length <= 253 ? name : contentAddressedName(gatewayName, contentHash(host));
}
