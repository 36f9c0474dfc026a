import { Construct } from 'constructs';
import type { ServiceRoutes } from '../../traffic/service-routes';
import { unsupportedServicePolicies } from './istio-capabilities';
import { emitIstioRequestAuthentication, emitIstioRequireToken, istioDenyRules } from './istio-end-user-auth';
import { istioHttpPorts } from './istio-http-ports';
import { IstioRateLimit } from './istio-rate-limit';

/**
 * Istio's form of a service's end-user authentication and local rate limit,
 * whichever form its routes take (VirtualService or Gateway API):
 * - `authentication`: a RequestAuthentication on the service's pods and,
 *   when a token is required, a DENY AuthorizationPolicy on its HTTP ports
 *   (see istio-end-user-auth.ts), beside the callers' ALLOW policy;
 * - `rateLimit`: an EnvoyFilter with Envoy's local rate limit (see {@link IstioRateLimit}).
 */
export class IstioServicePolicies extends Construct {
  constructor(scope: Construct, id: string, routes: ServiceRoutes) {
    super(scope, id);
    const { service, authentication, rateLimit } = routes;
    this.node.addValidation({ validate: () => unsupportedServicePolicies(routes) });
    if (authentication !== undefined) {
      const place = { namespace: service.namespace!, labels: service.labels, target: { selector: service.labels } };
      emitIstioRequestAuthentication(this, service.serviceName, place, () => authentication.issuers);
      if (authentication.require.length > 0) {
        emitIstioRequireToken(this, service.serviceName, place, () => istioDenyRules(authentication, undefined, istioHttpPorts(routes)));
      }
    }
    if (rateLimit !== undefined) {
      new IstioRateLimit(this, 'RateLimit', routes, rateLimit);
    }
  }
}
