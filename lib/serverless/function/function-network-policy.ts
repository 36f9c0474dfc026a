import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { L1 } from '../../core/checked-objects';
import { claimObjectName } from '../../core/synth-validation';
import { FunctionProtocol } from './function-protocol';
import { KnativeServingApi, QueueProxyPorts } from './knative-serving-api';

/** Props of {@link FunctionNetworkPolicy}. */
export interface FunctionNetworkPolicyProps {
  /** The function's name. */
  readonly functionName: string;
  /** The namespace of the function. */
  readonly namespace: string | undefined;
  /** Labels of the policy. */
  readonly labels: Readonly<Record<string, string>>;
  /** The protocol the queue-proxy takes requests in. */
  readonly protocol: FunctionProtocol;
  /** The namespaces admitted: Knative's own and its ingress. */
  readonly namespaces: readonly string[];
}

/**
 * Deny-by-default ingress for every pod of a function: only Knative's data
 * path reaches it (the activator, which holds requests while the function
 * scales from zero, the autoscaler's metrics scrape, and the ingress), on the
 * queue-proxy's ports. Every caller goes through that path, so this is the
 * whole set.
 *
 * @see https://knative.dev/docs/serving/architecture/
 */
export class FunctionNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: FunctionNetworkPolicyProps) {
    super(scope, id);
    claimObjectName(this, 'NetworkPolicy', props.namespace, props.functionName);
    const requestPort = props.protocol === FunctionProtocol.H2C ? QueueProxyPorts.H2C : QueueProxyPorts.HTTP1;
    new L1.NetworkPolicy(this, 'Resource', {
      metadata: { name: props.functionName, labels: { ...props.labels } },
      spec: {
        podSelector: { matchLabels: { [KnativeServingApi.SERVICE_LABEL]: props.functionName } },
        policyTypes: ['Ingress'],
        ingress: [{
          from: props.namespaces.map((name) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } })),
          ports: [requestPort, QueueProxyPorts.METRICS].map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
        }],
      },
    });
  }
}
