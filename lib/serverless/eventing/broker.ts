import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { dnsLabelIdentity } from '../../core/identity';
import { assertDnsLabel, DNS_LABEL_MAX_LENGTH } from '../../core/names';
import { checkProps, prop } from '../../core/prop-schema';
import { validateManifestsAtSynth } from '../../core/synth-validation';
import { ValidationError } from '../../core/validation-error';
import type { Microservice } from '../../workload/microservice';
import { microserviceSchema } from '../../workload/workload-schemas';
import { BrokerIngress } from './broker-ingress';
import { EventDelivery, renderDelivery } from './event-delivery';
import { EventDestination, EventSinkBinding, IEventSink } from './event-sink';
import { eventingNamespace } from './eventing-namespace';
import { brokerPropsSchema, triggerOptionsSchema } from './eventing-schemas';
import { KNATIVE_EVENTING_NAMESPACE } from './microservice-sink';
import { Trigger, TriggerOptions } from './trigger';

/** Props of {@link Broker}. */
export interface BrokerProps {
  /**
   * The broker's name (a DNS label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The application the broker belongs to (`app.kubernetes.io/part-of`), also given to its triggers.
   * @default - the id of the enclosing chart
   */
  readonly partOf?: string;
  /**
   * The broker implementation (annotation `eventing.knative.dev/broker.class`),
   * e.g. 'MTChannelBasedBroker' or 'Kafka'.
   * @default 'MTChannelBasedBroker'
   */
  readonly class?: string;
  /**
   * How the broker delivers to its triggers' subscribers; a trigger with its
   * own `delivery` uses that instead.
   * @default - Knative's defaults: no retries and no dead-letter sink
   */
  readonly delivery?: EventDelivery;
}

/**
 * The annotation that selects the broker implementation.
 *
 * @internal
 */
export const BROKER_CLASS_ANNOTATION = 'eventing.knative.dev/broker.class';
const EVENTING_API_VERSION = 'eventing.knative.dev/v1';

/**
 * A Knative Eventing Broker: a pool of events that senders post to and
 * triggers pick from by their attributes. It is an event sink itself, so a
 * `PingSource` (or another broker's trigger) can send events into it.
 *
 * @example
 *   const broker = new Broker(chart, 'default', { delivery: { retry: 3, deadLetterSink: EventSink.service(dlq) } });
 *   broker.addTrigger('thumbnails', { filter: { type: 'image.uploaded' }, subscriber: EventSink.service(thumbnailer) });
 *
 * @see https://knative.dev/docs/eventing/brokers/
 */
export class Broker extends Construct implements IEventSink {
  /** The broker's name. */
  public readonly brokerName: string;
  /** The broker's namespace, where its triggers must be. */
  public readonly namespace: string;
  /** Labels of the broker's objects. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The Broker object (the escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: BrokerProps = {}) {
    super(scope, id);
    checkProps(brokerPropsSchema, props, this, { name: 'Broker props' });
    const identity = dnsLabelIdentity(this, props, 'broker name');
    this.brokerName = identity.name;
    const what = `broker '${this.brokerName}'`;
    this.namespace = eventingNamespace(this, what);
    const brokerClass = props.class ?? 'MTChannelBasedBroker';
    if (!/^\S+$/.test(brokerClass)) {
      throw new ValidationError(`class must be a broker class without spaces, such as 'MTChannelBasedBroker' or 'Kafka', got '${brokerClass}'`, this);
    }
    this.labels = identity.labels;
    validateManifestsAtSynth(this);
    const delivery = props.delivery === undefined ? undefined : renderDelivery(props.delivery, { scope: this, what, namespace: this.namespace });
    this.apiObject = emitObject(this, 'Resource', {
      apiVersion: EVENTING_API_VERSION,
      kind: 'Broker',
      metadata: { name: this.brokerName, labels: { ...this.labels }, annotations: { [BROKER_CLASS_ANNOTATION]: brokerClass } },
      ...(delivery === undefined ? {} : { spec: { delivery } }),
    });
  }

  /** @deprecated use {@link apiObject}, the name every construct of the library gives its main object. */
  public get resource(): ApiObject {
    return this.apiObject;
  }

  /** Events sent to the broker enter its pool (its ingress, at the address Knative gives it). */
  public bindSink(_binding: EventSinkBinding): EventDestination {
    return { ref: { apiVersion: EVENTING_API_VERSION, kind: 'Broker', name: this.brokerName, namespace: this.namespace } };
  }

  /**
   * Declares that `service` posts events to the broker: it depends on the
   * brokers' ingress, so in a mesh its egress reaches it.
   *
   * @param eventingNamespace the namespace of Knative Eventing's broker ingress
   * @throws ValidationError for an eventing namespace that is not a DNS label, or when the service declares it twice
   */
  public addPublisher(service: Microservice, eventingNamespace: string = KNATIVE_EVENTING_NAMESPACE): void {
    checkProps(microserviceSchema, service, this, { name: 'addPublisher service' });
    checkProps(prop.string("a namespace such as 'knative-eventing'"), eventingNamespace, this, { name: 'addPublisher eventingNamespace' });
    assertDnsLabel('eventingNamespace', eventingNamespace, DNS_LABEL_MAX_LENGTH, this);
    const id = `Ingress-${eventingNamespace}`;
    const ingress = (this.node.tryFindChild(id) as BrokerIngress | undefined) ?? new BrokerIngress(this, id, eventingNamespace);
    service.addDependency(ingress);
  }

  /**
   * Adds a trigger that delivers the broker's events that match its filter
   * to its subscriber.
   *
   * @param id the construct id, and the trigger's name unless `options.name` gives one
   * @throws ValidationError for a duplicate id or an invalid trigger
   */
  public addTrigger(id: string, options: TriggerOptions): Trigger {
    if (this.node.tryFindChild(id) !== undefined) {
      throw new ValidationError(`trigger '${id}' already exists on broker '${this.brokerName}'; give each trigger its own id`, this);
    }
    checkProps(triggerOptionsSchema, options, this, { prefix: `trigger '${id}'`, name: `trigger '${id}' options` });
    return new Trigger(this, id, { ...options, broker: this });
  }
}
