import { isObject, prop, PropsShape } from '../../core/prop-schema';
import type { Broker, BrokerProps } from './broker';
import type { EventDelivery } from './event-delivery';
import type { IEventSink } from './event-sink';
import type { ServiceSinkOptions } from './microservice-sink';
import type { PingSourceProps } from './ping-source';
import type { TriggerOptions, TriggerProps } from './trigger';

// The run-time schemas of the eventing props (see core/prop-schema): types
// and shapes only; names, schedules, time zones and delivery rules stay the
// constructs' own checks.

/** Where events go: made by EventSink.service or .uri, or a Broker. */
const sinkSchema = prop.instance<IEventSink>(
  'an event sink',
  (v) => isObject(v) && typeof (v as { bindSink?: unknown }).bindSink === 'function',
  'EventSink.service(thumbnails)',
);

export const eventDeliverySchema = prop.object<EventDelivery>({
  deadLetterSink: sinkSchema.optional(),
  retry: prop.number('3').optional(),
  backoffPolicy: prop.oneOf(['exponential', 'linear']).optional(),
  backoffDelay: prop.duration('Duration.millis(500)').optional(),
}, 'an event delivery', "{ retry: 3, backoffPolicy: 'exponential', backoffDelay: Duration.millis(500) }");

export const brokerPropsSchema = prop.object<BrokerProps>({
  name: prop.string("a broker name such as 'default'").optional(),
  partOf: prop.string("an application name such as 'shop'").optional(),
  class: prop.string("a broker class such as 'MTChannelBasedBroker'").optional(),
  delivery: eventDeliverySchema.optional(),
}, 'an object of Broker props', "{ name: 'default' }");

const triggerOptionsShape: PropsShape<TriggerOptions> = {
  name: prop.string("a trigger name such as 'thumbnails'").optional(),
  filter: prop.stringMap("{ type: 'image.uploaded' }").optional(),
  subscriber: sinkSchema,
  delivery: eventDeliverySchema.optional(),
};

export const triggerOptionsSchema = prop.object<TriggerOptions>(triggerOptionsShape, 'an object of trigger options', '{ subscriber: EventSink.service(thumbnails) }');

export const triggerPropsSchema = prop.object<TriggerProps>({
  ...triggerOptionsShape,
  broker: prop.instance<Broker>('a Broker', (v) => isObject(v) && typeof (v as { brokerName?: unknown }).brokerName === 'string', 'a Broker of the stack'),
}, 'an object of Trigger props', '{ broker, subscriber: EventSink.service(thumbnails) }');

export const pingSourcePropsSchema = prop.object<PingSourceProps>({
  name: prop.string("a source name such as 'nightly'").optional(),
  partOf: prop.string("an application name such as 'shop'").optional(),
  schedule: prop.string("a cron schedule such as '0 3 * * *'"),
  timezone: prop.string("an IANA time zone such as 'Europe/Berlin'").optional(),
  data: prop.string(`a body such as '{"report":"daily"}'`).optional(),
  contentType: prop.string("a media type such as 'application/json'").optional(),
  sink: sinkSchema,
}, 'an object of PingSource props', "{ schedule: '0 3 * * *', sink: EventSink.service(reports) }");

export const serviceSinkOptionsSchema = prop.object<ServiceSinkOptions>({
  port: prop.instance<string | number>('a port name or number', (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)), '80').optional(),
  path: prop.string("a URL path such as '/events'").optional(),
  eventingNamespace: prop.string("a namespace such as 'knative-eventing'").optional(),
}, 'an object of service sink options', "{ path: '/events' }");

/** The URL given to EventSink.uri. */
export const sinkUriSchema = prop.string("an absolute URL such as 'https://hooks.example.com/events'");
