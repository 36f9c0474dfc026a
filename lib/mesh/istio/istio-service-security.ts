import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import type { IMicroservice, Microservice } from '../../workload/microservice';
import type { IMeshServiceBinding } from '../mesh-provider';
import { emitIstioExternalHost } from './istio-external-host';

/**
 * Props of {@link IstioServiceSecurity}.
 *
 * @internal
 */
export interface IstioServiceSecurityProps {
  /** The service. */
  readonly service: Microservice;
  /**
   * The mesh's trust domain, the first part of a workload's SPIFFE identity.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * The per-revision Services of a dependency that the dependency's routing
   * table sends to (Istio's Gateway API routes go to them, so the caller's
   * Sidecar must see them), read at synth.
   * @default - none: callers reach the dependency's stable Service only
   */
  readonly revisionServiceNames?: (dependency: IMicroservice) => readonly string[];
}

/**
 * Istio policies for one service, derived from the service graph:
 * - an ALLOW AuthorizationPolicy admitting the identities (service accounts)
 *   of the services that declare it as a dependency, and its
 *   `allowIngressFrom` peers, on its ports only;
 * - a Sidecar limiting its proxy's egress to its declared dependencies, its
 *   declared external hosts and the control plane in `istio-system`
 *   (outbound traffic to anything unregistered is blocked);
 * - a ServiceEntry per declared external host, visible in its namespace only.
 * Both are read at synth, so dependencies declared later count.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/sidecar/
 * @internal
 */
export class IstioServiceSecurity extends Construct implements IMeshServiceBinding {
  private readonly callers: Microservice[] = [];

  constructor(scope: Construct, id: string, props: IstioServiceSecurityProps) {
    super(scope, id);
    const { service } = props;
    const trustDomain = props.trustDomain ?? 'cluster.local';
    const namespace = service.namespace!;
    const selector = { matchLabels: { ...service.labels } };

    emitObject(this, 'AuthorizationPolicy', {
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'AuthorizationPolicy',
      metadata: { name: service.serviceName, namespace, labels: { ...service.labels } },
      spec: {
        selector,
        action: 'ALLOW',
        rules: Lazy.any({ produce: () => allowRules(service, this.callers, trustDomain) }),
      },
    });

    for (const external of service.externalHosts) {
      emitIstioExternalHost(this, service, external);
    }

    emitObject(this, 'Sidecar', {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'Sidecar',
      metadata: { name: service.serviceName, namespace, labels: { ...service.labels } },
      spec: {
        workloadSelector: { labels: { ...service.labels } },
        egress: [{ hosts: Lazy.any({ produce: () => egressHosts(service, props.revisionServiceNames ?? (() => [])) }) }],
        outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      },
    });
  }

  /** Admits `caller`'s ServiceAccount (mTLS principal) to every port; the policy reads the callers at synth. */
  public addCaller(caller: Microservice): void {
    this.callers.push(caller);
  }
}

function allowRules(service: Microservice, callers: readonly Microservice[], trustDomain: string): unknown[] {
  if (service.ports.length === 0) {
    return [];
  }
  const to = [{ operation: { ports: service.ports.map((p) => String(p.containerPort)) } }];
  if (service.allowIngressFrom.some((peer) => peer.isAnywhere)) {
    return [{ to }];
  }
  const principals = callers.map((d) => `${trustDomain}/ns/${d.namespace ?? 'default'}/sa/${d.serviceAccountName}`);
  const namespaces = service.allowIngressFrom.map((peer) => peer.namespaceName!);
  const from = [
    ...(principals.length > 0 ? [{ source: { principals } }] : []),
    ...(namespaces.length > 0 ? [{ source: { namespaces } }] : []),
  ];
  return from.length > 0 ? [{ from, to }] : [];
}

function egressHosts(service: Microservice, revisionServiceNames: (dependency: IMicroservice) => readonly string[]): string[] {
  const internal = service.dependencies.flatMap((d: IMicroservice) => {
    const namespace = d.namespace ?? 'default';
    return [d.serviceName, ...revisionServiceNames(d)].map((name) => `${namespace}/${name}.${namespace}.svc.cluster.local`);
  });
  const external = [...new Set(service.externalHosts.map((h) => `./${h.host}`))];
  return [...internal, ...external, 'istio-system/*'];
}
