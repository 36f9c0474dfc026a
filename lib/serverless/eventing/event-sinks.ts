import type { Microservice } from '../../workload/microservice';
import { IEventSink } from './event-sink';
import { MicroserviceSink, ServiceSinkOptions } from './microservice-sink';
import { UriSink } from './uri-sink';

/**
 * The sinks events can be delivered to besides a Broker (which is a sink
 * itself) and a `ServerlessFunction` (which implements `IEventSink`).
 *
 * @see https://knative.dev/docs/eventing/sinks/
 */
export class EventSink {
  /**
   * A microservice's stable Service, on its port 80 (the only port Knative
   * reaches a Kubernetes Service sink on). Knative Eventing's pods deliver
   * the events, so the service must admit their namespace:
   * `allowIngressFrom: [IngressPeer.namespace('knative-eventing')]`.
   */
  public static service(service: Microservice, options: ServiceSinkOptions = {}): IEventSink {
    return new MicroserviceSink(service, options);
  }

  /** An absolute http or https URL, e.g. `https://hooks.example.com/events`. */
  public static uri(uri: string): IEventSink {
    return new UriSink(uri);
  }

  private constructor() {}
}
