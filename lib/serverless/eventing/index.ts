export * from './broker';
export * from './event-delivery';
export * from './event-sink';
export * from './event-sinks';
export * from './microservice-sink';
export * from './ping-source';
export * from './trigger';
export * from './uri-sink';
