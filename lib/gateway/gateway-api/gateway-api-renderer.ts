import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { gatewayAuthenticationProblems, IstioGatewayAuthentication, sharedPortTokenProblems } from '../gateway-authentication';
import { httpsRedirectPort } from '../gateway-checks';
import { GatewayModel, IGatewayRenderer } from '../gateway-renderer';
import { GatewayRoute } from '../gateway-route';
import { hostnamesIntersect } from '../hostnames';
import { Listener, ListenerProtocol, sectionNames } from '../listener';
import { ReferenceGrant } from '../reference-grant';
import { attachedListeners } from '../route-attachment';
import { StreamGatewayRoute } from '../stream-route';
import { gatewayApiAuthenticationProblems, gatewayApiProblems } from './gateway-api-limits';
import { grpcRouteRule, httpRouteRule } from './gateway-api-rules';

const GROUP = 'gateway.networking.k8s.io';
/** The GatewayClass of Istio's Gateway API controller, which reads Istio's policies attached to its Gateways. */
const ISTIO_GATEWAY_CLASS = 'istio';

/**
 * The Kubernetes Gateway API form of a gateway (standard channel, v1):
 * - a Gateway of the GatewayClass with one listener per listener hostname,
 *   TLS terminated with the listener's Secret, routes of its own namespace only;
 * - per route an HTTPRoute or GRPCRoute `<gateway>-<route>` with one rule,
 *   attached to the listeners (by section) whose hostnames it shares;
 * - per redirecting HTTP listener an HTTPRoute `<gateway>-<listener>-redirect`
 *   answering 301 to `https://`;
 * - for a backend in another namespace, a ReferenceGrant there;
 * - with the `istio` GatewayClass, for listeners and routes with `authentication`, a
 *   RequestAuthentication and a DENY AuthorizationPolicy attached to the
 *   Gateway (`targetRefs`), which Istio applies to the proxies it runs for it.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/
 */
export class GatewayApiRenderer implements IGatewayRenderer {
  public readonly apiObject: ApiObject;
  public readonly proxyNamespace: string;
  /** The gateway's end-user authentication, as Istio policies: only Istio (the `istio` class) can run it. */
  private readonly authentication: IstioGatewayAuthentication | undefined;

  constructor(private readonly gateway: Construct & GatewayModel, private readonly gatewayClassName: string) {
    this.proxyNamespace = gateway.namespace;
    this.authentication = gatewayClassName === ISTIO_GATEWAY_CLASS
      ? new IstioGatewayAuthentication(gateway, { gatewayName: gateway.gatewayName })
      : undefined;
    this.apiObject = emitObject(gateway, 'Resource', {
      apiVersion: `${GROUP}/v1`,
      kind: 'Gateway',
      metadata: this.metadata(gateway.gatewayName),
      spec: {
        gatewayClassName,
        listeners: Lazy.any({ produce: () => gateway.listeners.flatMap(gatewayListeners) }),
      },
    });
  }

  public addListener(listener: Listener): void {
    this.authentication?.addListener(listener);
    if (!listener.redirectToHttps) {
      return;
    }
    const { gateway } = this;
    emitObject(gateway, `HTTPRoute-${listener.name}-redirect`, {
      apiVersion: `${GROUP}/v1`,
      kind: 'HTTPRoute',
      metadata: this.metadata(`${gateway.gatewayName}-${listener.name}-redirect`),
      spec: {
        parentRefs: sectionNames(listener).map((sectionName) => ({ name: gateway.gatewayName, sectionName })),
        rules: [{
          name: 'https-redirect',
          filters: [{
            type: 'RequestRedirect',
            requestRedirect: Lazy.any({
              produce: () => {
                const port = httpsRedirectPort(listener, gateway.listeners);
                return { scheme: 'https', port: typeof port === 'number' && port !== 443 ? port : undefined, statusCode: 301 };
              },
            }),
          }],
        }],
      },
    });
  }

  public addRoute(route: GatewayRoute): void {
    const { gateway } = this;
    this.authentication?.addRoute(route);
    const { namespace } = gateway;
    emitObject(gateway, `${route.kind}-${route.name}`, {
      apiVersion: `${GROUP}/v1`,
      kind: route.kind,
      metadata: this.metadata(`${gateway.gatewayName}-${route.name}`),
      spec: {
        parentRefs: parentRefs(route, gateway.listeners, gateway.gatewayName),
        hostnames: route.hostnames.length > 0 ? [...route.hostnames] : undefined,
        rules: [route.kind === 'HTTPRoute' ? httpRouteRule(route, namespace) : grpcRouteRule(route, namespace)],
      },
    });
    for (const target of [...route.targets, ...(route.mirror ? [route.mirror.target] : [])]) {
      if (target.namespace !== namespace) {
        ReferenceGrant.allow(target, namespace, route.kind);
      }
    }
  }

  /**
   * Emits the TCPRoute or TLSRoute `<gateway>-<route>` (v1, standard
   * channel), attached to its listeners' sections, and a ReferenceGrant for a
   * backend in another namespace.
   */
  public addStreamRoute(route: StreamGatewayRoute): void {
    const { gateway } = this;
    const { namespace } = gateway;
    emitObject(gateway, `${route.kind}-${route.name}`, {
      apiVersion: `${GROUP}/v1`,
      kind: route.kind,
      metadata: this.metadata(`${gateway.gatewayName}-${route.name}`),
      spec: {
        parentRefs: streamParentRefs(route, gateway.gatewayName),
        hostnames: route.kind === 'TLSRoute' ? [...route.hostnames] : undefined,
        rules: [{
          name: route.name,
          backendRefs: route.targets.map((t) => ({
            name: t.serviceName,
            namespace: t.namespace === namespace ? undefined : t.namespace,
            port: t.port,
            weight: route.targets.length > 1 ? t.weight : undefined,
          })),
        }],
      },
    });
    for (const target of route.targets.filter((t) => t.namespace !== namespace)) {
      ReferenceGrant.allow(target, namespace, route.kind);
    }
  }

  public problems(): string[] {
    const { gateway } = this;
    return [
      ...gatewayApiProblems(gateway.routes),
      ...(this.authentication === undefined
        ? gatewayApiAuthenticationProblems(gateway, this.gatewayClassName)
        : [
          ...gatewayAuthenticationProblems(gateway, `gateway-api with the ${ISTIO_GATEWAY_CLASS} GatewayClass`, true),
          ...sharedPortTokenProblems(gateway.listeners),
        ]),
    ];
  }

  private metadata(name: string): { name: string; namespace: string; labels: Record<string, string> } {
    return { name, namespace: this.gateway.namespace, labels: { ...this.gateway.labels } };
  }
}

/** The Gateway listeners of one listener: one per hostname (or one without). */
function gatewayListeners(listener: Listener): Record<string, unknown>[] {
  const names = sectionNames(listener);
  const hostnames = listener.hostnames.length > 0 ? listener.hostnames : [undefined];
  return hostnames.map((hostname, index) => ({
    name: names[index],
    protocol: gatewayApiProtocol(listener),
    port: listener.port,
    hostname,
    tls: listener.protocol === ListenerProtocol.TLS_PASSTHROUGH
      ? { mode: 'Passthrough' }
      : listener.secretName === undefined
        ? undefined
        : { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: listener.secretName }] },
    allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: GROUP, kind: listener.routeKind }] },
  }));
}

/** The listener sections a stream route attaches to: a TLS route's, those whose hostname it shares. */
function streamParentRefs(route: StreamGatewayRoute, gatewayName: string): Record<string, string>[] {
  return route.listeners.flatMap((listener) => {
    const names = sectionNames(listener);
    return (listener.hostnames.length > 0 ? listener.hostnames : [undefined])
      .map((hostname, index) => ({ hostname, sectionName: names[index] }))
      .filter(({ hostname }) => hostname === undefined || route.hostnames.some((h) => hostnamesIntersect(h, hostname)))
      .map(({ sectionName }) => ({ name: gatewayName, sectionName }));
  });
}

/** The Gateway API protocol of a listener: TCP and TLS as they are; gRPC rides HTTP or HTTPS. */
function gatewayApiProtocol(listener: Listener): string {
  if (listener.protocol === ListenerProtocol.TCP || listener.protocol === ListenerProtocol.TLS_PASSTHROUGH) {
    return listener.protocol;
  }
  return listener.secretName === undefined ? 'HTTP' : 'HTTPS';
}

/** The listener sections a route attaches to: those whose hostname it shares. */
function parentRefs(route: GatewayRoute, listeners: readonly Listener[], gatewayName: string): Record<string, string>[] {
  const routeHosts = route.hostnames.length > 0 ? route.hostnames : undefined;
  return attachedListeners(route, listeners).flatMap((listener) => {
    const names = sectionNames(listener);
    return (listener.hostnames.length > 0 ? listener.hostnames : [undefined])
      .map((hostname, index) => ({ hostname, sectionName: names[index] }))
      .filter(({ hostname }) => hostname === undefined || routeHosts === undefined || routeHosts.some((h) => hostnamesIntersect(h, hostname)))
      .map(({ sectionName }) => ({ name: gatewayName, sectionName }));
  });
}
