export * from './eventing';
export * from './function';
// KEDA event scaling lives in the workload layer (a revision scales with it); still exported here, where it used to live.
export * from '../workload/scaling';
