export * from './blue-green-release';
export * from './canary-release';
export * from './user-routing';
