import type { Route } from '../../traffic/route';
import type { ServiceRoutes } from '../../traffic/service-routes';
import { percentageProblem } from '../../traffic/weights';

/**
 * What a route asks for that Istio cannot express or would ignore, one
 * message per problem, each naming the route, the service, 'istio' and the
 * fix: weights are whole percentages, so a small non-zero weight would
 * become 0%; client-side faults switch off the route's timeout and retries.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPFaultInjection
 */
export function unsupportedRouteFeatures(route: Route, routes: ServiceRoutes): string[] {
  const where = `route '${route.name}' of ${routes.service.serviceName}`;
  const errors: string[] = [];
  const rounding = percentageProblem(route.backends, (r) => r.track, where);
  if (rounding !== undefined) {
    errors.push(`${rounding} (istio weights are whole percentages)`);
  }
  if (route.fault !== undefined && (route.timeout !== undefined || route.retries !== undefined)) {
    errors.push(
      `${where} injects faults and also sets a timeout or retries, ` +
        'which Istio does not apply while faults are on (istio); put the fault on its own route',
    );
  }
  return errors;
}
