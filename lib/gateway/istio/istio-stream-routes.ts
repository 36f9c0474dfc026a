import { IConstruct } from 'constructs';
import { percentageProblem, toPercentages } from '../../traffic/weights';
import { BackendTarget } from '../backend-target';
import { StreamGatewayRoute } from '../stream-route';

/**
 * The spec of the VirtualService of a TCP or TLS passthrough route, bound to
 * the gateway: a `tcp` route matching each listener's port, or a `tls` route
 * matching each listener's port and the route's SNI hostnames; the weighted
 * targets as whole percentages.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSRoute
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute
 * @internal
 */
export function istioStreamRouteSpec(route: StreamGatewayRoute, gateway: string, scope: IConstruct): Record<string, unknown> {
  const forward = destinations(route, scope);
  if (route.kind === 'TCPRoute') {
    return { hosts: ['*'], gateways: [gateway], tcp: [{ match: route.listeners.map((l) => ({ port: l.port })), route: forward }] };
  }
  return {
    hosts: [...route.hostnames],
    gateways: [gateway],
    tls: [{ match: route.listeners.map((l) => ({ port: l.port, sniHosts: [...route.hostnames] })), route: forward }],
  };
}

/**
 * Why a stream route's weights have no whole percentages (a non-zero weight would round to 0%), or `undefined`.
 *
 * @internal
 */
export function streamPercentagesProblem(route: StreamGatewayRoute): string | undefined {
  return route.targets.length < 2 ? undefined : percentageProblem(weighted(route), (t) => t.description.replace(/'/g, ''), `route '${route.name}'`);
}

function destinations(route: StreamGatewayRoute, scope: IConstruct): Record<string, unknown>[] {
  const destination = (t: BackendTarget) => ({ host: `${t.serviceName}.${t.namespace}.svc.cluster.local`, port: { number: t.port } });
  if (route.targets.length === 1) {
    return [{ destination: destination(route.targets[0]) }];
  }
  return toPercentages(weighted(route), (t) => t.description.replace(/'/g, ''), `route '${route.name}'`, scope)
    .map((w) => ({ destination: destination(w.target), weight: w.weight }));
}

function weighted(route: StreamGatewayRoute): Array<{ target: BackendTarget; weight: number }> {
  return route.targets.map((t) => ({ target: t, weight: t.weight }));
}
