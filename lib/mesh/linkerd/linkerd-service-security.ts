import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import type { Microservice } from '../../workload/microservice';
import type { IMeshServiceBinding } from '../mesh-provider';
import { LinkerdApi, proxiedPorts } from './linkerd-api';
import { unsupportedExternalHosts } from './linkerd-capabilities';
import { LinkerdIdentityAuthorization, LinkerdIdentityRef } from './linkerd-identity-authorization';
import { LinkerdNetworkAuthorization } from './linkerd-network-authorization';

/**
 * Props of {@link LinkerdServiceSecurity}.
 *
 * @internal
 */
export interface LinkerdServiceSecurityProps {
  /** The service. */
  readonly service: Microservice;
}

/**
 * Linkerd policies for one service, derived from the service graph:
 * - a `Server` per TCP port (`<service>-<port name>`), selecting the
 *   service's pods (every revision) and the container port, with access
 *   policy `deny`: a Server no AuthorizationPolicy admits to refuses every
 *   request, so a service nobody calls admits nobody;
 * - once it has a caller or a namespace peer: a `MeshTLSAuthentication`
 *   (`<service>`) listing the callers' ServiceAccounts and the namespaces of
 *   its `allowIngressFrom` peers, and per Server an `AuthorizationPolicy`
 *   requiring it, so only those mTLS identities get in;
 * - for `IngressPeer.anywhere()`: a `NetworkAuthentication` for every
 *   address and per Server an `AuthorizationPolicy` requiring it (any
 *   client, meshed or not: a public entry point).
 *
 * The MeshTLSAuthentication exists only with at least one identity
 * (Linkerd's schema requires one), which is why it is made with the first
 * caller and reads the callers at synth.
 *
 * @see https://linkerd.io/2/reference/authorization-policy/
 * @internal
 */
export class LinkerdServiceSecurity extends Construct implements IMeshServiceBinding {
  /** The Servers, one per TCP port, in port order. */
  public readonly servers: readonly ApiObject[];
  private readonly service: Microservice;
  private readonly callers: Microservice[] = [];
  private readonly peerNamespaces: readonly string[];
  private identityAuthorization: LinkerdIdentityAuthorization | undefined;

  constructor(scope: Construct, id: string, props: LinkerdServiceSecurityProps) {
    super(scope, id);
    const { service } = props;
    this.service = service;
    const namespace = service.namespace!;
    this.node.addValidation({ validate: () => unsupportedExternalHosts(service) });
    this.servers = proxiedPorts(service.ports).map((port) =>
      emitObject(this, `Server-${port.name}`, {
        apiVersion: LinkerdApi.POLICY_V1BETA3,
        kind: 'Server',
        metadata: { name: `${service.serviceName}-${port.name}`, namespace, labels: { ...service.labels } },
        spec: {
          podSelector: { matchLabels: { ...service.labels } },
          port: port.name,
          accessPolicy: 'deny',
        },
      }),
    );

    const namespaces = new Set<string>();
    for (const peer of service.allowIngressFrom) {
      if (!peer.isAnywhere) {
        // a DNS label: Microservice checks its allowIngressFrom
        namespaces.add(peer.namespaceName!);
      }
    }
    this.peerNamespaces = [...namespaces];

    if (this.servers.length > 0 && service.allowIngressFrom.some((peer) => peer.isAnywhere)) {
      new LinkerdNetworkAuthorization(this, 'Anywhere', {
        namespace,
        name: `${service.serviceName}-anywhere`,
        labels: service.labels,
        serverNames: this.serverNames,
      });
    }
    if (this.peerNamespaces.length > 0) {
      this.authorizeIdentities();
    }
  }

  /** Admits `caller`'s ServiceAccount (mTLS identity) to every port. */
  public addCaller(caller: Microservice): void {
    this.callers.push(caller);
    this.authorizeIdentities();
  }

  private get serverNames(): string[] {
    return this.servers.map((server) => server.name);
  }

  /** Makes the MeshTLSAuthentication and its AuthorizationPolicies, once. */
  private authorizeIdentities(): void {
    if (this.identityAuthorization !== undefined || this.servers.length === 0) {
      return;
    }
    this.identityAuthorization = new LinkerdIdentityAuthorization(this, 'Identities', {
      namespace: this.service.namespace!,
      name: this.service.serviceName,
      labels: this.service.labels,
      serverNames: this.serverNames,
      identityRefs: () => this.identityRefs(),
    });
  }

  private identityRefs(): LinkerdIdentityRef[] {
    const accounts = this.callers.map((caller): LinkerdIdentityRef => ({
      kind: 'ServiceAccount',
      name: caller.serviceAccountName,
      namespace: caller.namespace!,
    }));
    const namespaces = this.peerNamespaces.map((name): LinkerdIdentityRef => ({ kind: 'Namespace', name }));
    return [...accounts, ...namespaces];
  }
}
