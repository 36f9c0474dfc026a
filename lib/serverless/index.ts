export * from './eventing';
export * from './function';
export * from './keda';
