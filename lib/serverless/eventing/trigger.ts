import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { LabelKeys } from '../../core/labels';
import { assertDnsLabel, DNS_LABEL_MAX_LENGTH } from '../../core/names';
import { checkProps } from '../../core/prop-schema';
import { validateManifestsAtSynth } from '../../core/synth-validation';
import { ValidationError } from '../../core/validation-error';
import type { Broker } from './broker';
import { EventDelivery, renderDelivery } from './event-delivery';
import { IEventSink } from './event-sink';
import { eventingNamespace } from './eventing-namespace';
import { triggerPropsSchema } from './eventing-schemas';

/** Options of a trigger made with `Broker.addTrigger`. */
export interface TriggerOptions {
  /**
   * The trigger's name (a DNS label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * CloudEvents attributes an event must have, each with exactly this value
   * (case-sensitive), e.g. `{ type: 'image.uploaded', source: '/uploads' }`;
   * extension attributes count too.
   * @default - every event of the broker
   */
  readonly filter?: Readonly<Record<string, string>>;
  /** Where the matching events are delivered. */
  readonly subscriber: IEventSink;
  /**
   * How events are delivered to the subscriber.
   * @default - the broker's delivery
   */
  readonly delivery?: EventDelivery;
}

/** Props of {@link Trigger}. */
export interface TriggerProps extends TriggerOptions {
  /** The broker whose events the trigger picks; it must be in the trigger's namespace. */
  readonly broker: Broker;
}

/**
 * The label Knative's webhook sets on a trigger to its broker's name; set here too, so the stored object is the one declared.
 *
 * @internal
 */
export const BROKER_LABEL = 'eventing.knative.dev/broker';

/** Attribute names Knative's Trigger webhook accepts: CloudEvents' a-z and 0-9, starting with a letter. */
const ATTRIBUTE_NAME = /^[a-z][a-z0-9]*$/;

/**
 * A Knative Eventing Trigger: delivers the events of a broker whose
 * CloudEvents attributes match its filter exactly to a subscriber.
 *
 * @see https://knative.dev/docs/eventing/triggers/
 */
export class Trigger extends Construct {
  /** The trigger's name. */
  public readonly triggerName: string;
  /** The broker the trigger picks events from. */
  public readonly broker: Broker;
  /** The Trigger object (the escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: TriggerProps) {
    super(scope, id);
    checkProps(triggerPropsSchema, props, this, { name: 'Trigger props' });
    this.triggerName = props.name ?? id;
    this.broker = props.broker;
    assertDnsLabel('trigger name', this.triggerName, DNS_LABEL_MAX_LENGTH, this);
    const what = `trigger '${this.triggerName}'`;
    const namespace = eventingNamespace(this, what);
    if (namespace !== this.broker.namespace) {
      throw new ValidationError(
        `${what} is in namespace '${namespace}' but broker '${this.broker.brokerName}' is in '${this.broker.namespace}', and Knative requires a trigger in its broker's namespace; ` +
          `make it with broker.addTrigger or in a chart of namespace '${this.broker.namespace}'`,
        this,
      );
    }
    const attributes = filterAttributes(props.filter ?? {}, this);
    validateManifestsAtSynth(this);
    const binding = { scope: this, what, namespace };
    const subscriber = props.subscriber.bindSink(binding);
    const delivery = props.delivery === undefined ? undefined : renderDelivery(props.delivery, binding);
    this.apiObject = emitObject(this, 'Resource', {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: {
        name: this.triggerName,
        labels: { ...this.broker.labels, [LabelKeys.NAME]: this.triggerName, [BROKER_LABEL]: this.broker.brokerName },
      },
      spec: {
        broker: this.broker.brokerName,
        filter: attributes === undefined ? undefined : { attributes },
        subscriber,
        delivery,
      },
    });
  }

  /** @deprecated use {@link apiObject}, the name every construct of the library gives its main object. */
  public get resource(): ApiObject {
    return this.apiObject;
  }
}

/**
 * The filter's attributes, sorted by name, or `undefined` for no filter.
 *
 * @throws ValidationError for a name Knative refuses or an empty value,
 *   which Knative reads as "any value" rather than an exact match
 */
function filterAttributes(filter: Readonly<Record<string, string>>, scope: Construct): Record<string, string> | undefined {
  const names = Object.keys(filter).sort();
  for (const name of names) {
    if (name === '') {
      throw new ValidationError("filter has an attribute with an empty name; name a CloudEvents attribute such as 'type' or 'source'", scope);
    }
    if (!ATTRIBUTE_NAME.test(name)) {
      const cleaned = name.toLowerCase().replace(/[^a-z0-9]/g, '');
      const example = ATTRIBUTE_NAME.test(cleaned) ? cleaned : 'type';
      throw new ValidationError(
        `filter attribute name '${name}' is not one CloudEvents and Knative accept (lower-case letters a-z and digits 0-9, starting with a letter); ` +
          `name the attribute as the events carry it, e.g. '${example}'`,
        scope,
      );
    }
    if (filter[name] === '') {
      throw new ValidationError(
        `filter attribute '${name}' has an empty value, ` +
          'but a filter matches attributes exactly by string (Knative reads an empty value as "any value"); give the exact value to match',
        scope,
      );
    }
  }
  return names.length === 0 ? undefined : Object.fromEntries(names.map((name) => [name, filter[name]]));
}
