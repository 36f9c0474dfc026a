import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { assertDnsLabel, DNS_LABEL_MAX_LENGTH } from '../../core/names';
import type { MeshFunction } from '../mesh-provider';
import { LinkerdApi } from './linkerd-api';
import { unsupportedFunctionPolicies } from './linkerd-capabilities';
import { LinkerdIdentityAuthorization } from './linkerd-identity-authorization';

/**
 * Linkerd's admission for one serverless function: a deny `Server` per
 * queue-proxy port (`<function>-<port>`) on its pods, and a
 * MeshTLSAuthentication admitting every meshed workload of Knative's
 * namespaces (activator, autoscaler, ingress) to them. Callers reach a
 * function through that path, so no other identity is admitted. End-user
 * authentication is refused at synth (Linkerd validates no tokens).
 *
 * @see https://linkerd.io/2/reference/authorization-policy/
 */
export class LinkerdFunctionSecurity extends Construct {
  constructor(scope: Construct, id: string, fn: MeshFunction) {
    super(scope, id);
    this.node.addValidation({ validate: () => unsupportedFunctionPolicies(fn) });
    fn.callerNamespaces.forEach((name) => assertDnsLabel('Knative namespace', name, DNS_LABEL_MAX_LENGTH, this));
    const serverNames = fn.ports.map((port) => {
      const name = `${fn.name}-${port}`;
      emitObject(this, `Server-${port}`, {
        apiVersion: LinkerdApi.POLICY_V1BETA3,
        kind: 'Server',
        metadata: { name, namespace: fn.namespace, labels: { ...fn.labels } },
        spec: { podSelector: { matchLabels: { ...fn.podSelector } }, port, accessPolicy: 'deny' },
      });
      return name;
    });
    new LinkerdIdentityAuthorization(this, 'Identities', {
      namespace: fn.namespace,
      name: fn.name,
      labels: fn.labels,
      serverNames,
      identityRefs: () => fn.callerNamespaces.map((name) => ({ kind: 'Namespace' as const, name })),
    });
  }
}
