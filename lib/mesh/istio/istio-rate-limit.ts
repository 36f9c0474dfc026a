import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import type { ResolvedLocalRateLimit } from '../../traffic/rate-limit';
import type { ServiceRoutes } from '../../traffic/service-routes';
import { istioHttpServicePorts } from './istio-http-ports';

/**
 * The Istio minor version whose proxies the local rate limit filter is
 * written for and tested against (the integration suite's istiod and
 * istioctl). Istio has no API for it: the EnvoyFilter patches Envoy's own
 * configuration, so it applies only to proxies of this version
 * (`match.proxy.proxyVersion`), and upgrading Istio means checking it again.
 */
export const ISTIO_RATE_LIMIT_PROXY_VERSION = '1.31';

/** The name of Envoy's local rate limit HTTP filter. */
export const ENVOY_LOCAL_RATE_LIMIT = 'envoy.filters.http.local_ratelimit';

/** The proxies a rate-limit patch applies to: those of {@link ISTIO_RATE_LIMIT_PROXY_VERSION} (an EnvoyFilter `match.proxy`). */
export const ISTIO_RATE_LIMIT_PROXY = { proxyVersion: `^${ISTIO_RATE_LIMIT_PROXY_VERSION.replace('.', '\\.')}\\..*` };

/** Envoy's `envoy.type.v3.StatusCode` names of the statuses a rate limit may answer with. */
const ENVOY_STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  403: 'Forbidden',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/**
 * A service's local rate limit in Istio: an EnvoyFilter `<service>-local-rate-limit`
 * on its pods that puts Envoy's local rate limit filter
 * (`envoy.filters.http.local_ratelimit`) first in the inbound HTTP filter
 * chain of each of its ports: a token bucket of `burst` tokens refilled with
 * `requests` tokens every `interval`, enabled and enforced for every request,
 * a refused request answered with the limit's status.
 *
 * @see https://istio.io/latest/docs/tasks/policy-enforcement/rate-limit/#local-rate-limit
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/local_rate_limit_filter
 */
export class IstioRateLimit extends Construct {
  constructor(scope: Construct, id: string, routes: ServiceRoutes, limit: ResolvedLocalRateLimit) {
    super(scope, id);
    const { service } = routes;
    emitObject(this, 'Resource', {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'EnvoyFilter',
      metadata: { name: `${service.serviceName}-local-rate-limit`, namespace: service.namespace!, labels: { ...service.labels } },
      spec: {
        workloadSelector: { labels: { ...service.labels } },
        configPatches: istioHttpServicePorts(routes).map((port) => ({
          applyTo: 'HTTP_FILTER',
          match: {
            context: 'SIDECAR_INBOUND',
            proxy: { ...ISTIO_RATE_LIMIT_PROXY },
            listener: { portNumber: port.containerPort, filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } },
          },
          patch: { operation: 'INSERT_FIRST', value: localRateLimitFilter(limit) },
        })),
      },
    });
  }
}

function localRateLimitFilter(limit: ResolvedLocalRateLimit): Record<string, unknown> {
  return { name: ENVOY_LOCAL_RATE_LIMIT, typed_config: envoyLocalRateLimit(limit) };
}

/**
 * Envoy's `LocalRateLimit` config of a limit: a token bucket of `burst`
 * tokens refilled with `requests` tokens every `interval`, enabled and
 * enforced for every request, a refused request answered with the limit's
 * status; without a limit, the filter's bare config (it then limits only
 * the routes that carry their own).
 */
export function envoyLocalRateLimit(limit: ResolvedLocalRateLimit | undefined): Record<string, unknown> {
  const always = (key: string) => ({ runtime_key: key, default_value: { numerator: 100, denominator: 'HUNDRED' } });
  return {
    '@type': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
    stat_prefix: 'http_local_rate_limiter',
    ...(limit && {
      token_bucket: { max_tokens: limit.burst, tokens_per_fill: limit.requests, fill_interval: `${limit.intervalMillis / 1000}s` },
      filter_enabled: always('local_rate_limit_enabled'),
      filter_enforced: always('local_rate_limit_enforced'),
      status: { code: ENVOY_STATUS_NAMES[limit.statusCode] },
    }),
  };
}
