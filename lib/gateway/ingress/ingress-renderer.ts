import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { GatewayModel, IGatewayRenderer } from '../gateway-renderer';
import { ingressProblems } from './ingress-limits';
import { ingressRules, ingressTls } from './ingress-rules';

/**
 * The Kubernetes Ingress form of a gateway: one `networking.k8s.io/v1`
 * Ingress named after the gateway, a rule per hostname the routes serve
 * (no host for a gateway without hostnames), a path per route match, each
 * to the one Service its route sends to, and a TLS entry per HTTPS listener
 * with the listener's Secret (a cert-manager Certificate made by the
 * gateway, or an existing Secret). The Ingress has no ports, weights,
 * header or method matches, filters, timeouts or retries: what needs them is
 * refused (see {@link ingressProblems}).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
export class IngressRenderer implements IGatewayRenderer {
  public readonly apiObject: ApiObject;

  constructor(
    private readonly gateway: Construct & GatewayModel,
    ingressClassName: string | undefined,
    public readonly proxyNamespace: string,
  ) {
    this.apiObject = emitObject(gateway, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: gateway.gatewayName, namespace: gateway.namespace, labels: { ...gateway.labels } },
      spec: {
        ingressClassName,
        tls: Lazy.any({ produce: () => ingressTls(gateway.listeners) }),
        rules: Lazy.any({ produce: () => ingressRules(gateway) }),
      },
    });
  }

  /** Nothing to do: the TLS entries are read at synth. */
  public addListener(): void {}

  /** Nothing to do: the rules are read at synth. */
  public addRoute(): void {}

  /** Nothing to do: an Ingress has no TCP or TLS routes, and their listeners are refused. */
  public addStreamRoute(): void {}

  public problems(): string[] {
    return ingressProblems(this.gateway);
  }
}
