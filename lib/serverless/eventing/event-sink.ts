import { IConstruct } from 'constructs';

/**
 * A Knative `Destination`: where Eventing delivers events, as a reference to
 * an addressable object or a URI.
 *
 * @see https://knative.dev/docs/eventing/sinks/
 */
export interface EventDestination {
  /**
   * The addressable object (a Knative Service, a Kubernetes Service, a Broker).
   * @default - none: `uri` is the whole address
   */
  readonly ref?: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly name: string;
    /**
     * The object's namespace.
     * @default - the namespace of the trigger or source that delivers
     */
    readonly namespace?: string;
  };
  /**
   * A URI, absolute when there is no `ref`, else a path relative to the ref's address.
   * @default - the ref's address
   */
  readonly uri?: string;
}

/** What a sink is told about the delivery it receives. */
export interface EventSinkBinding {
  /** The trigger or source that delivers; ValidationErrors name it. */
  readonly scope: IConstruct;
  /** How messages name the delivery, e.g. `trigger 'thumbnails'`. */
  readonly what: string;
  /** The namespace of the trigger or source. */
  readonly namespace: string;
}

/**
 * Something events can be delivered to: a serverless function, a
 * microservice, a Broker, a URI. Make one with `EventSink`, or pass a
 * `ServerlessFunction`, which implements it.
 */
export interface IEventSink {
  /**
   * The destination for one delivery; called once per trigger, source or
   * dead-letter sink that names this sink.
   *
   * @throws ValidationError when the sink cannot receive this delivery
   */
  bindSink(binding: EventSinkBinding): EventDestination;
}
