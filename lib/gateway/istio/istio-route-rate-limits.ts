import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { suffixedName } from '../../core/names';
import { ENVOY_LOCAL_RATE_LIMIT, envoyLocalRateLimit, ISTIO_RATE_LIMIT_PROXY } from '../../mesh/istio/istio-rate-limit';
import { GatewayModel } from '../gateway-renderer';
import { GatewayRoute } from '../gateway-route';
import { istioRouteEntryNames } from './istio-http-routes';

/**
 * The local rate limits of an Istio-rendered gateway's routes: one
 * EnvoyFilter `<gateway>-route-rate-limits` (cut with a hash past 63 characters) on the gateway's pods (in the
 * gateway's namespace, as its other policies) that
 * - puts Envoy's local rate limit filter, without a bucket of its own (so it
 *   limits nothing by itself), first in every HTTP connection manager of the
 *   gateway (an absolute position: a relative one needs a priority to be
 *   applied reliably, istioctl's IST0151);
 * - gives each http route of a limited gateway route, matched by the name
 *   the VirtualService gives it (istiod names Envoy's route after the http
 *   route's `name`: pilot/pkg/networking/core/route/route.go), its own
 *   token bucket (`typed_per_filter_config`). Envoy keeps one bucket per
 *   route, so per proxy and per hostname the route serves.
 *
 * Like the services' local rate limit, it is **version-coupled**: it applies
 * only to proxies of the Istio version it is tested with (`proxyVersion`).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/envoy-filter/
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/local_rate_limit_filter
 */
export class IstioRouteRateLimits extends Construct {
  constructor(scope: Construct, id: string, gateway: GatewayModel, selector: Readonly<Record<string, string>>) {
    super(scope, id);
    emitObject(this, 'Resource', {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'EnvoyFilter',
      metadata: { name: suffixedName(gateway.gatewayName, 'route-rate-limits'), namespace: gateway.namespace, labels: { ...gateway.labels } },
      spec: {
        workloadSelector: { labels: { ...selector } },
        configPatches: Lazy.any({ produce: () => [filterPatch(), ...gateway.routes.flatMap(routePatches)] }),
      },
    });
  }
}

function filterPatch(): Record<string, unknown> {
  return {
    applyTo: 'HTTP_FILTER',
    match: {
      context: 'GATEWAY',
      proxy: { ...ISTIO_RATE_LIMIT_PROXY },
      listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } },
    },
    patch: { operation: 'INSERT_FIRST', value: { name: ENVOY_LOCAL_RATE_LIMIT, typed_config: envoyLocalRateLimit(undefined) } },
  };
}

function routePatches(route: GatewayRoute): Record<string, unknown>[] {
  if (route.rateLimit === undefined) {
    return [];
  }
  return istioRouteEntryNames(route).map((name) => ({
    applyTo: 'HTTP_ROUTE',
    match: { context: 'GATEWAY', proxy: { ...ISTIO_RATE_LIMIT_PROXY }, routeConfiguration: { vhost: { route: { name } } } },
    patch: { operation: 'MERGE', value: { typed_per_filter_config: { [ENVOY_LOCAL_RATE_LIMIT]: envoyLocalRateLimit(route.rateLimit) } } },
  }));
}

/**
 * What the routes' rate limits cannot do in Istio, each naming the route and
 * the fix: a limited route whose http route names another route also gets
 * (`a` with two matches is `a-1` and `a-2`, as is a route named `a-1`), as
 * the filter finds its routes by name.
 */
export function routeRateLimitProblems(routes: readonly GatewayRoute[]): string[] {
  return routes.filter((route) => route.rateLimit !== undefined).flatMap((route) => {
    const names = istioRouteEntryNames(route);
    return routes
      .filter((other) => other !== route && istioRouteEntryNames(other).some((name) => names.includes(name)))
      .map((other) =>
        `route '${route.name}' has a rate limit, which Istio finds by the name of its http routes, and route '${other.name}' gets one of those ` +
          `names too (${names.join(', ')}), so it would share the limit (istio); rename one of them`);
  });
}
