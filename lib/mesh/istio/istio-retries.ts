import { ResolvedRetries, retryConditions } from '../../traffic/route-retries';
import { MESH_DEFAULT_RETRIES } from '../../workload/retry-policy';

/**
 * A route's retries as an Istio `HTTPRetry`: the policy; none at all for the
 * mesh's default (Istio then retries twice on
 * `connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes`);
 * `attempts: 0` when the route has no retries, which turns Istio's implicit
 * ones off. A route with faults gets the same (Istio enables no retries
 * while faults are on, and the capabilities refuse retries beside a fault).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry
 */
export function istioRetries(retries: ResolvedRetries | typeof MESH_DEFAULT_RETRIES | undefined): Record<string, unknown> | undefined {
  if (retries === MESH_DEFAULT_RETRIES) {
    return undefined;
  }
  if (retries === undefined) {
    return { attempts: 0 };
  }
  return { attempts: retries.attempts, perTryTimeout: retries.perTryTimeout, retryOn: retryConditions(retries).join(',') };
}
