export { Broker, BrokerIngress, EventSink, MicroserviceSink, PingSource, Trigger, UriSink } from './eventing';
export type {
  BackoffPolicy, BrokerProps, EventDelivery, EventDestination, EventSinkBinding, IEventSink, PingSourceProps, RenderedDelivery,
  ServiceSinkOptions, TriggerOptions, TriggerProps,
} from './eventing';
export { FunctionProtocol, FunctionRevision, FunctionVisibility, ServerlessFunction } from './function';
export type {
  FunctionRevisionConstructProps, FunctionRevisionProps, FunctionScalingProps, FunctionTrafficTarget, KnativePlatformProps, KnativeTrafficEntry,
  RenderedScaling, ServerlessFunctionProps,
} from './function';
