import { Construct } from 'constructs';
import type { IMicroservice } from '../../workload/microservice';
import { ServicePort } from '../../workload/service-port';

/**
 * The ingress of Knative's multi-tenant brokers, `broker-ingress` in the
 * eventing namespace, as a dependency a publishing microservice declares:
 * in a mesh its egress then reaches the brokers (and nothing it did not
 * declare). Events are posted to `http://broker-ingress.<eventing
 * namespace>.svc.cluster.local/<namespace>/<broker>`.
 *
 * @see https://knative.dev/docs/eventing/brokers/
 */
export class BrokerIngress extends Construct implements IMicroservice {
  public readonly serviceName = 'broker-ingress';
  public readonly ports: readonly ServicePort[] = [{ name: 'http', port: 80, containerPort: 8080, protocol: 'TCP' }];

  constructor(scope: Construct, id: string, public readonly namespace: string) {
    super(scope, id);
  }
}
