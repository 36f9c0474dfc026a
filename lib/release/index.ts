export * from './release-steps';
