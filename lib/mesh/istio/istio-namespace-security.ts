import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';

/**
 * Props of {@link IstioNamespaceSecurity}.
 *
 * @internal
 */
export interface IstioNamespaceSecurityProps {
  /** The namespace. */
  readonly namespace: string;
}

/**
 * Istio's baseline for one namespace: mutual TLS required for every workload
 * (PeerAuthentication `default`, mode STRICT) and every request denied unless
 * an ALLOW policy of its service admits it (AuthorizationPolicy
 * `deny-by-default` without rules).
 *
 * @see https://istio.io/latest/docs/reference/config/security/peer_authentication/
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/
 * @internal
 */
export class IstioNamespaceSecurity extends Construct {
  constructor(scope: Construct, id: string, props: IstioNamespaceSecurityProps) {
    super(scope, id);
    const { namespace } = props;
    emitObject(this, 'PeerAuthentication', {
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace },
      spec: { mtls: { mode: 'STRICT' } },
    });
    emitObject(this, 'DenyByDefault', {
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'deny-by-default', namespace },
      spec: {},
    });
  }
}
