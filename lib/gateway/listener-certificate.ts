import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../core/emit-object';
import { Listener } from './listener';

/**
 * The cert-manager Certificate of a TLS listener whose certificate comes from
 * an issuer: the listener's hostnames (wildcards included) as DNS names,
 * renewed by cert-manager into the Secret the listener reads.
 *
 * @see https://cert-manager.io/docs/reference/api-docs/#cert-manager.io/v1.Certificate
 */
export function listenerCertificate(
  scope: Construct,
  listener: Listener,
  gatewayName: string,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): ApiObject {
  const issuer = listener.tls!.issuer!;
  return emitObject(scope, `Certificate-${listener.name}`, {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: `${gatewayName}-${listener.name}`, namespace, labels: { ...labels } },
    spec: {
      secretName: listener.secretName!,
      dnsNames: [...listener.hostnames],
      issuerRef: { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name },
    },
  });
}
