import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { assertDnsLabel, DNS_LABEL_MAX_LENGTH } from '../../core/names';
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

/**
 * The application an eventing object belongs to (`app.kubernetes.io/part-of`).
 *
 * @param partOf the value given, or `undefined` for the id of the object's chart
 * @throws ValidationError for a value that is not a DNS label
 */
export function appOf(scope: IConstruct, partOf: string | undefined): string {
  const app = partOf ?? Chart.of(scope).node.id;
  assertDnsLabel('partOf', app, DNS_LABEL_MAX_LENGTH, scope);
  return app;
}
