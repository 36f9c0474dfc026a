/**
 * `immutable-infra/pulumi`: the bridge that deploys synthesized charts with @pulumi/kubernetes.
 *
 * @packageDocumentation
 * @module immutable-infra/pulumi
 */
export { CanaryWalk } from './canary-walk';
export type { CanaryWalkArgs } from './canary-walk';
export { planCanaryWalks } from './canary-walk-plan';
export type { CanaryWalkPlanOptions, PlannedCanaryWalk, WalkedRevision } from './canary-walk-plan';
export { ChartDeployment } from './chart-deployment';
export type { ChartDeploymentArgs } from './chart-deployment';
export { planDeployment } from './deployment-plan';
export type { DeploymentPlanOptions, PlannedResource } from './deployment-plan';
export { registerManifest } from './resource-types';
