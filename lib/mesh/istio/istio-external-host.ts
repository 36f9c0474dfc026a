import { Construct } from 'constructs';
import { contentHash } from '../../core/content-hash';
import { emitObject } from '../../core/emit-object';
import { contentAddressedName } from '../../core/names';
import { formatDuration } from '../../traffic/durations';
import { resolveRetries } from '../../traffic/route-retries';
import type { ExternalHost } from '../../workload/external-host';
import type { Microservice } from '../../workload/microservice';
import { MESH_DEFAULT_RETRIES } from '../../workload/retry-policy';
import { istioRetries } from './istio-retries';

/**
 * The Istio objects of one external host a service calls, all visible in
 * the service's namespace only and named after what they say:
 * - a ServiceEntry registering the host (outbound traffic to unregistered
 *   hosts is blocked); with TLS origination its plain-HTTP port is sent on
 *   to the host's TLS port;
 * - with TLS origination, a DestinationRule opening TLS (`SIMPLE`, with SNI,
 *   the host's certificate verified) on that port;
 * - with a timeout or retries, a VirtualService for the host carrying them.
 *
 * @throws ValidationError for a timeout or retries Istio cannot write
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-tls-origination/
 */
export function emitIstioExternalHost(scope: Construct, service: Microservice, external: ExternalHost): void {
  const { host, port, protocol, tlsOrigination } = external;
  // the name covers what the ServiceEntry says, so a host as before keeps its name
  const name = contentAddressedName(`${service.serviceName}-external`, contentHash({ host, port, protocol, tlsOrigination: tlsOrigination?.port }));
  const metadata = { name, namespace: service.namespace!, labels: { ...service.labels } };
  const id = `${host}-${port}`;
  emitObject(scope, `ServiceEntry-${id}`, {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'ServiceEntry',
    metadata,
    spec: {
      hosts: [host],
      ports: [{ number: port, name: `${protocol.toLowerCase()}-${port}`, protocol, targetPort: tlsOrigination?.port }],
      location: 'MESH_EXTERNAL',
      resolution: host.startsWith('*.') ? 'NONE' : 'DNS',
      exportTo: ['.'],
    },
  });
  if (tlsOrigination !== undefined) {
    emitObject(scope, `DestinationRule-${id}`, {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'DestinationRule',
      metadata,
      spec: {
        host,
        exportTo: ['.'],
        trafficPolicy: { portLevelSettings: [{ port: { number: port }, tls: { mode: 'SIMPLE', sni: tlsOrigination.sni, caCertificates: tlsOrigination.caCertificates } }] },
      },
    });
  }
  if (external.timeout !== undefined || external.retries !== undefined) {
    const what = `externalHosts '${host}:${port}'`;
    const retries = external.retries === undefined || external.retries === MESH_DEFAULT_RETRIES
      ? MESH_DEFAULT_RETRIES
      : resolveRetries(what, external.retries, external.timeout, service);
    emitObject(scope, `VirtualService-${id}`, {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata,
      spec: {
        hosts: [host],
        exportTo: ['.'],
        http: [{
          route: [{ destination: { host, port: { number: port } } }],
          timeout: external.timeout && formatDuration(`${what} timeout`, external.timeout, service),
          retries: istioRetries(retries),
        }],
      },
    });
  }
}
