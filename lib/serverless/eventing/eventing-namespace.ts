import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../../core/validation-error';

/**
 * The namespace of an eventing object's chart.
 *
 * @param what how the message names the object, e.g. `broker 'default'`
 * @throws ValidationError when the chart has none: Knative's brokers,
 *   triggers and sources are namespaced, and triggers must share their
 *   broker's namespace, so the library names it explicitly
 */
export function eventingNamespace(scope: IConstruct, what: string): string {
  const namespace = Chart.of(scope).namespace;
  if (namespace === undefined) {
    throw new ValidationError(`${what} has no namespace, and Knative's eventing objects live in one; give its chart a namespace`, scope);
  }
  return namespace;
}
