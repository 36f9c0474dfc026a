import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { canonicalJson } from '../../core/content-hash';
import { emitObject } from '../../core/emit-object';
import { suffixedName } from '../../core/names';
import { consistentHash } from '../../mesh/istio/istio-load-balancer';
import { BackendTarget } from '../backend-target';
import { GatewayModel } from '../gateway-renderer';
import { GatewayRoute } from '../gateway-route';

/** The cluster-local DNS name of a target's Service, as the gateway's VirtualServices name it. */
function hostOf(target: Pick<BackendTarget, 'serviceName' | 'namespace'>): string {
  return `${target.serviceName}.${target.namespace}.svc.cluster.local`;
}

/**
 * Session affinity at an Istio-rendered gateway: for each Service a route
 * with `sessionAffinity` sends to, a DestinationRule
 * `<gateway>-<service>-affinity` in the gateway's namespace whose
 * `workloadSelector` is the gateway's pods, hashing the requests
 * (`trafficPolicy.loadBalancer.consistentHash`). istiod gives a proxy the
 * DestinationRule of its own namespace whose selector matches it before any
 * other for the host (outbound only: `SidecarScope.DestinationRule`), so
 * the affinity holds for the gateway's requests and nobody else's, and
 * `exportTo: .` keeps it there. For the gateway's pods it takes the place of
 * the Service's own DestinationRule (a ServiceRoutes circuit breaker does
 * not apply to the gateway's requests to it), as the README says.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings-ConsistentHashLB
 */
export class IstioRouteAffinity extends Construct {
  private readonly hosts = new Set<string>();

  constructor(scope: Construct, id: string, private readonly gateway: GatewayModel, private readonly selector: Readonly<Record<string, string>>) {
    super(scope, id);
  }

  /** Emits the DestinationRule of each of the route's Services not yet pinned. */
  public addRoute(route: GatewayRoute): void {
    if (route.sessionAffinity === undefined) {
      return;
    }
    const { gateway } = this;
    for (const target of route.targets.filter((t) => !this.hosts.has(hostOf(t)))) {
      const host = hostOf(target);
      this.hosts.add(host);
      emitObject(this, `DestinationRule-${host}`, {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'DestinationRule',
        metadata: {
          name: suffixedName(gateway.gatewayName, `${target.serviceName}-affinity`),
          namespace: gateway.namespace,
          labels: { ...gateway.labels },
        },
        spec: {
          host,
          exportTo: ['.'],
          workloadSelector: { matchLabels: { ...this.selector } },
          trafficPolicy: { loadBalancer: { consistentHash: Lazy.any({ produce: () => consistentHash(affinityOf(host, gateway.routes)!) }) } },
        },
      });
    }
  }
}

/** The affinity of the first route with one that sends to `host`. */
function affinityOf(host: string, routes: readonly GatewayRoute[]) {
  return routes.find((r) => r.sessionAffinity !== undefined && r.targets.some((t) => hostOf(t) === host))?.sessionAffinity;
}

/**
 * What session affinity at an Istio gateway cannot do, each naming the
 * routes, 'istio' and the fix: the affinity belongs to the Service at the
 * gateway's proxies, so every route that sends to it there gets it; two
 * routes to one Service need the same affinity (or none on both). A
 * function is reached through Knative's ingress, which would be the pod
 * pinned, so it takes no affinity here.
 */
export function routeAffinityProblems(routes: readonly GatewayRoute[]): string[] {
  const problems: string[] = [];
  for (const route of routes.filter((r) => r.sessionAffinity !== undefined)) {
    for (const target of route.targets) {
      if (target.hostname !== undefined) {
        problems.push(
          `route '${route.name}' pins sessions to ${target.description}, which the gateway reaches through Knative's ingress (istio), so the ` +
            'ingress pod would be pinned, not the function\'s; drop sessionAffinity',
        );
        continue;
      }
      const host = hostOf(target);
      const others = routes.filter((o) => o !== route && o.targets.some((t) => hostOf(t) === host) &&
        canonicalJson(o.sessionAffinity ?? null) !== canonicalJson(route.sessionAffinity));
      for (const other of others.filter((o) => routes.indexOf(o) > routes.indexOf(route) || o.sessionAffinity === undefined)) {
        problems.push(
          `route '${other.name}' sends to ${target.description} with ${other.sessionAffinity === undefined ? 'no' : 'another'} session affinity than ` +
            `route '${route.name}', but the gateway's proxies hash requests per Service (istio: one DestinationRule for the gateway), so ` +
            'both would get the same; give both routes the same sessionAffinity',
        );
      }
    }
  }
  return problems;
}
