import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { LinkerdApi } from './linkerd-api';

/**
 * Props of {@link LinkerdNetworkAuthorization}.
 *
 * @internal
 */
export interface LinkerdNetworkAuthorizationProps {
  /** The namespace of the service. */
  readonly namespace: string;
  /** The name of the NetworkAuthentication. */
  readonly name: string;
  /** Labels of every object, the service's. */
  readonly labels: Readonly<Record<string, string>>;
  /** The names of the Servers (one per port) anyone may call. */
  readonly serverNames: readonly string[];
}

/** Every IPv4 and IPv6 address. */
const EVERYWHERE = ['0.0.0.0/0', '::/0'];

/**
 * Admits any client, from anywhere, meshed or not, to a service's Servers
 * (a public entry point, `IngressPeer.anywhere()`): a NetworkAuthentication
 * for all IPv4 and IPv6 networks, and per Server an AuthorizationPolicy that
 * requires it (the AuthorizationPolicy name is `<server>-anywhere`).
 *
 * @see https://linkerd.io/2/reference/authorization-policy/#networkauthentication
 * @internal
 */
export class LinkerdNetworkAuthorization extends Construct {
  constructor(scope: Construct, id: string, props: LinkerdNetworkAuthorizationProps) {
    super(scope, id);
    const { namespace, labels } = props;
    emitObject(this, 'NetworkAuthentication', {
      apiVersion: LinkerdApi.POLICY_V1ALPHA1,
      kind: 'NetworkAuthentication',
      metadata: { name: props.name, namespace, labels: { ...labels } },
      spec: { networks: EVERYWHERE.map((cidr) => ({ cidr })) },
    });
    for (const server of props.serverNames) {
      emitObject(this, `AuthorizationPolicy-${server}`, {
        apiVersion: LinkerdApi.POLICY_V1ALPHA1,
        kind: 'AuthorizationPolicy',
        metadata: { name: `${server}-anywhere`, namespace, labels: { ...labels } },
        spec: {
          targetRef: { group: LinkerdApi.POLICY_GROUP, kind: 'Server', name: server },
          requiredAuthenticationRefs: [{ group: LinkerdApi.POLICY_GROUP, kind: 'NetworkAuthentication', name: props.name }],
        },
      });
    }
  }
}
