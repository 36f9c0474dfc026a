export * from './chart-deployment';
export * from './deployment-plan';
export * from './resource-types';
