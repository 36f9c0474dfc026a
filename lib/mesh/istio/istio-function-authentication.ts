import { Construct } from 'constructs';
import type { MeshFunction } from '../mesh-provider';
import { emitIstioRequestAuthentication, emitIstioRequireToken, istioDenyRules } from './istio-end-user-auth';

/**
 * The paths Knative's own pods (activator, autoscaler) call a function's
 * queue-proxy on, which carry no end-user token and so stay outside the
 * token requirement.
 *
 * @see https://knative.dev/docs/serving/istio-authorization/
 */
export const KNATIVE_SYSTEM_PATHS: readonly string[] = ['/healthz', '/metrics'];

/**
 * End-user (JWT) authentication of a serverless function in Istio: a
 * RequestAuthentication `<function>` on the function's pods (every revision,
 * by Knative's `serving.knative.dev/service` label) and, when a token is
 * required, a DENY AuthorizationPolicy `<function>-require-token` on the
 * queue-proxy's request port, outside Knative's system paths. Beside the
 * function's ALLOW policy, a request must come through Knative's data path
 * **and** carry the token (see istio-end-user-auth.ts).
 */
export class IstioFunctionAuthentication extends Construct {
  constructor(scope: Construct, id: string, fn: MeshFunction) {
    super(scope, id);
    const authentication = fn.authentication!;
    const place = { namespace: fn.namespace, labels: fn.labels, target: { selector: fn.podSelector } };
    emitIstioRequestAuthentication(this, fn.name, place, () => authentication.issuers);
    if (authentication.require.length > 0) {
      const outsideSystemPaths = [{ operation: { notPaths: [...KNATIVE_SYSTEM_PATHS] } }];
      emitIstioRequireToken(this, fn.name, place, () => istioDenyRules(authentication, outsideSystemPaths, [String(fn.requestPort)]));
    }
  }
}
