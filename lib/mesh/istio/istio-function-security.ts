import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { assertDnsLabel, DNS_LABEL_MAX_LENGTH } from '../../core/names';
import type { MeshFunction } from '../mesh-provider';
import { unsupportedFunctionPolicies } from './istio-capabilities';
import { IstioFunctionAuthentication } from './istio-function-authentication';

/**
 * Istio's admission for one serverless function: an ALLOW AuthorizationPolicy
 * (named after the function) on its pods that admits the namespaces of
 * Knative's data path (activator, autoscaler, ingress gateways) on the
 * queue-proxy's ports. With the namespace's `deny-by-default`, nothing else
 * gets in: callers reach a function through that path, whose mTLS identity
 * is the one the sidecar sees. A function with `authentication` also gets
 * its {@link IstioFunctionAuthentication}.
 *
 * @see https://knative.dev/docs/serving/istio-authorization/
 */
export class IstioFunctionSecurity extends Construct {
  constructor(scope: Construct, id: string, fn: MeshFunction) {
    super(scope, id);
    fn.callerNamespaces.forEach((name) => assertDnsLabel('Knative namespace', name, DNS_LABEL_MAX_LENGTH, this));
    emitObject(this, 'AuthorizationPolicy', {
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'AuthorizationPolicy',
      metadata: { name: fn.name, namespace: fn.namespace, labels: { ...fn.labels } },
      spec: {
        selector: { matchLabels: { ...fn.podSelector } },
        action: 'ALLOW',
        rules: [{
          from: [{ source: { namespaces: [...fn.callerNamespaces] } }],
          to: [{ operation: { ports: fn.ports.map(String) } }],
        }],
      },
    });
    if (fn.authentication !== undefined) {
      this.node.addValidation({ validate: () => unsupportedFunctionPolicies(fn) });
      new IstioFunctionAuthentication(this, 'Authentication', fn);
    }
  }
}
