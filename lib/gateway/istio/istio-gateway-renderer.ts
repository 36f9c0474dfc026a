import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { contentHash } from '../../core/content-hash';
import { emitObject } from '../../core/emit-object';
import { contentAddressedName } from '../../core/names';
import { httpsRedirectPort } from '../gateway-checks';
import { GatewayModel, IGatewayRenderer } from '../gateway-renderer';
import { GatewayRoute } from '../gateway-route';
import { ANY_HOSTNAME, hostnamesIntersect } from '../hostnames';
import { Listener, ListenerProtocol, listenerHosts } from '../listener';
import { servedHosts } from '../route-attachment';
import { istioHttpRoutes, percentagesProblem } from './istio-http-routes';

/**
 * Istio's form of a gateway:
 * - an Istio Gateway bound to the ingress gateway pods (`istioSelector`) in
 *   the gateway's namespace, one server per listener, hosts limited to
 *   VirtualServices of that namespace (`./`), TLS from the listener's Secret
 *   (`credentialName`), `httpsRedirect` for a redirecting listener;
 * - a VirtualService per hostname the routes serve, bound to that Gateway,
 *   its http routes ordered by Gateway API precedence, Istio's implicit
 *   retries off unless the route sets retries.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
export class IstioGatewayRenderer implements IGatewayRenderer {
  public readonly resource: ApiObject;
  private readonly virtualServices = new Set<string>();

  constructor(private readonly gateway: Construct & GatewayModel, selector: Readonly<Record<string, string>>) {
    this.resource = emitObject(gateway, 'Resource', {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'Gateway',
      metadata: { name: gateway.gatewayName, namespace: gateway.namespace, labels: { ...gateway.labels } },
      spec: {
        selector: { ...selector },
        servers: Lazy.any({ produce: () => gateway.listeners.map(server) }),
      },
    });
  }

  /** Nothing to do: the servers are read at synth. */
  public addListener(): void {}

  public addRoute(route: GatewayRoute): void {
    const { gateway } = this;
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

  public problems(): string[] {
    const { listeners, routes } = this.gateway;
    return [...listenerProblems(listeners), ...routes.flatMap(weightProblems)];
  }
}

/** The Istio server of a listener. */
function server(listener: Listener): Record<string, unknown> {
  return {
    name: listener.name,
    port: { number: listener.port, name: listener.name, protocol: istioProtocol(listener) },
    hosts: listenerHosts(listener).map((host) => `./${host}`),
    tls: listener.redirectToHttps
      ? { httpsRedirect: true }
      : listener.secretName === undefined ? undefined : { mode: 'SIMPLE', credentialName: listener.secretName },
  };
}

/** HTTPS for anything over TLS (gRPC included, by ALPN), GRPC for plaintext gRPC. */
function istioProtocol(listener: Listener): string {
  if (listener.secretName !== undefined) {
    return 'HTTPS';
  }
  return listener.protocol === ListenerProtocol.GRPC ? 'GRPC' : 'HTTP';
}

/**
 * What an Istio Gateway cannot express: plaintext HTTP and gRPC on one port
 * (a port has one protocol), gRPC and HTTP listeners with overlapping
 * hostnames (a VirtualService binds per hostname to every server), and an
 * HTTPS redirect to a port other than 443 (`httpsRedirect` has no port).
 */
function listenerProblems(listeners: readonly Listener[]): string[] {
  const problems: string[] = [];
  listeners.forEach((listener, index) => {
    for (const other of listeners.slice(0, index)) {
      if (other.port === listener.port && istioProtocol(other) !== istioProtocol(listener)) {
        problems.push(
          `listeners '${other.name}' (${istioProtocol(other)}) and '${listener.name}' (${istioProtocol(listener)}) share port ${listener.port}, ` +
            'but an Istio Gateway serves one protocol per port (istio); give them different ports',
        );
      }
      const routing = !other.redirectToHttps && !listener.redirectToHttps;
      const overlapping = listenerHosts(other).some((h) => listenerHosts(listener).some((o) => hostnamesIntersect(h, o)));
      if (routing && other.routeKind !== listener.routeKind && overlapping) {
        problems.push(
          `listeners '${other.name}' and '${listener.name}' take overlapping hostnames (${listenerHosts(other).join(', ')} / ${listenerHosts(listener).join(', ')}) ` +
            `for HTTP and gRPC routes, which Istio VirtualServices cannot keep apart (istio); give the gRPC listener hostnames of its own, e.g. grpc.example.com`,
        );
      }
    }
    if (listener.redirectToHttps) {
      const port = httpsRedirectPort(listener, listeners);
      if (typeof port === 'number' && port !== 443) {
        problems.push(
          `listener '${listener.name}' redirects to HTTPS on port ${port}, but Istio's httpsRedirect always sends clients to port 443 (istio); ` +
            'serve HTTPS on 443 or render the gateway with GatewayRendering.GATEWAY_API',
        );
      }
    }
  });
  return problems;
}

/** Istio weights are whole percentages: a small non-zero weight must not round to 0%. */
function weightProblems(route: GatewayRoute): string[] {
  const problem = route.targets.length < 2 ? undefined : percentagesProblem(route);
  return problem === undefined ? [] : [`${problem} (istio weights are whole percentages)`];
}

/** `<gateway>-<host>`, a wildcard spelled `wildcard`; hashed when too long. */
function virtualServiceName(gatewayName: string, host: string): string {
  const name = `${gatewayName}-${host === ANY_HOSTNAME ? 'wildcard' : host.replace(/^\*/, 'wildcard')}`;
  return name.length <= 253 ? name : contentAddressedName(gatewayName, contentHash(host));
}
