export * from './release-steps';
export * from './strategies';
