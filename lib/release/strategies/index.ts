export { BlueGreenRelease } from './blue-green-release';
export type { BlueGreenReleaseProps } from './blue-green-release';
export type { CanaryAnalysis } from './canary-analysis';
export { CanaryRelease } from './canary-release';
export type { CanaryReleaseProps, CanaryStep } from './canary-release';
export { UserRouting } from './user-routing';
export type { UserRoutingProps } from './user-routing';
