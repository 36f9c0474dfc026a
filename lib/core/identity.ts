import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isLabelValue, serviceLabels } from './labels';
import { assertDnsLabel, assertServiceName, DNS_LABEL_MAX_LENGTH, SERVICE_NAME_MAX_LENGTH } from './names';
import { ValidationError } from './validation-error';

/** The name and application props every service, function and eventing object takes. */
export interface IdentityProps {
  /**
   * The object's name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The application the object belongs to (`app.kubernetes.io/part-of`).
   * @default - the id of the enclosing chart
   */
  readonly partOf?: string;
}

/** Who an object is: its name, its namespace and the labels naming it and its application. */
export interface Identity {
  /** The object's name. */
  readonly name: string;
  /** The namespace of the object's chart, if it has one. */
  readonly namespace: string | undefined;
  /** `app.kubernetes.io/name`, `part-of` and `managed-by`. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The identity of a service or function, whose name is a Service name
 * (DNS-1035 label) short enough for `<name>-<revision id>`.
 *
 * @throws ValidationError for a bad name or partOf
 */
export function serviceIdentity(scope: IConstruct, props: IdentityProps): Identity {
  const name = props.name ?? scope.node.id;
  assertServiceName(name, SERVICE_NAME_MAX_LENGTH, scope);
  return identity(scope, name, props.partOf);
}

/**
 * The identity of an object whose name is a DNS-1123 label, such as a
 * broker or an event source.
 *
 * @param what how messages call the name, e.g. `'broker name'`
 * @throws ValidationError for a bad name or partOf
 */
export function dnsLabelIdentity(scope: IConstruct, props: IdentityProps, what: string): Identity {
  const name = props.name ?? scope.node.id;
  assertDnsLabel(what, name, DNS_LABEL_MAX_LENGTH, scope);
  return identity(scope, name, props.partOf);
}

function identity(scope: IConstruct, name: string, partOf: string | undefined): Identity {
  const chart = Chart.of(scope);
  return { name, namespace: chart.namespace, labels: serviceLabels(name, applicationOf(partOf ?? chart.node.id, scope)) };
}

/**
 * Checks the application an object belongs to: a label value the API server
 * accepts, and not empty.
 */
function applicationOf(partOf: string, scope: IConstruct): string {
  if (partOf === '' || !isLabelValue(partOf)) {
    throw new ValidationError(
      `partOf must be a label value (1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit), got '${partOf}'; ` +
        "pass an application name such as 'shop'",
      scope,
    );
  }
  return partOf;
}
