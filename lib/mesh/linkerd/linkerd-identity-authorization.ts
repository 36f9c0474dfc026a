import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { LinkerdApi } from './linkerd-api';

/**
 * A Kubernetes object a MeshTLSAuthentication admits the mesh identities of.
 *
 * @internal
 */
export interface LinkerdIdentityRef {
  /** `ServiceAccount` (its pods' identity) or `Namespace` (every meshed pod in it). */
  readonly kind: 'ServiceAccount' | 'Namespace';
  /** The object's name. */
  readonly name: string;
  /**
   * The ServiceAccount's namespace.
   * @default - the namespace of the MeshTLSAuthentication (for `Namespace`: not used)
   */
  readonly namespace?: string;
}

/**
 * Props of {@link LinkerdIdentityAuthorization}.
 *
 * @internal
 */
export interface LinkerdIdentityAuthorizationProps {
  /** The namespace of the service. */
  readonly namespace: string;
  /** The name of the MeshTLSAuthentication, e.g. the service's name. */
  readonly name: string;
  /** Labels of every object, the service's. */
  readonly labels: Readonly<Record<string, string>>;
  /** The names of the Servers (one per port) the identities may call. */
  readonly serverNames: readonly string[];
  /**
   * The admitted identities, read at synth so that callers declared later
   * count. Must return at least one (Linkerd's schema: `minItems: 1`).
   */
  readonly identityRefs: () => readonly LinkerdIdentityRef[];
}

/**
 * Admits mesh identities (mTLS-authenticated ServiceAccounts, or every meshed
 * pod of a namespace) to a service's Servers: a MeshTLSAuthentication listing
 * them, and per Server an AuthorizationPolicy that requires it. Anything
 * without one of those identities, plaintext included, stays denied.
 *
 * @see https://linkerd.io/2/reference/authorization-policy/#meshtlsauthentication
 * @internal
 */
export class LinkerdIdentityAuthorization extends Construct {
  constructor(scope: Construct, id: string, props: LinkerdIdentityAuthorizationProps) {
    super(scope, id);
    const { namespace, labels } = props;
    emitObject(this, 'MeshTLSAuthentication', {
      apiVersion: LinkerdApi.POLICY_V1ALPHA1,
      kind: 'MeshTLSAuthentication',
      metadata: { name: props.name, namespace, labels: { ...labels } },
      spec: {
        identityRefs: Lazy.any({ produce: () => props.identityRefs().map((ref) => ({ ...ref })) }),
      },
    });
    for (const server of props.serverNames) {
      emitObject(this, `AuthorizationPolicy-${server}`, {
        apiVersion: LinkerdApi.POLICY_V1ALPHA1,
        kind: 'AuthorizationPolicy',
        metadata: { name: server, namespace, labels: { ...labels } },
        spec: {
          targetRef: { group: LinkerdApi.POLICY_GROUP, kind: 'Server', name: server },
          requiredAuthenticationRefs: [{ group: LinkerdApi.POLICY_GROUP, kind: 'MeshTLSAuthentication', name: props.name }],
        },
      });
    }
  }
}
