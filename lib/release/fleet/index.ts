export { FleetError } from './fleet-error';
export { readFleet } from './fleet-file';
export type { Fleet, FleetCluster, FleetWave } from './fleet-file';
export { runFleet } from './run-fleet';
export type { FleetClusterOutcome, FleetClusterResult, FleetOutcome } from './run-fleet';
