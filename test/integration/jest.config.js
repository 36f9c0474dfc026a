/**
 * The integration suite: real engines only (a local kube-apiserver + etcd +
 * kube-controller-manager + kube-scheduler, kwok's simulated nodes where pods
 * become ready, the Pulumi CLI with the Kubernetes provider).
 * `npm run test:integration` builds or reuses the engines, then runs it.
 */
const { join } = require('path');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: join(__dirname, '..', '..'),
  testEnvironment: 'node',
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  globalSetup: '<rootDir>/test/integration/cluster-setup.ts',
  globalTeardown: '<rootDir>/test/integration/cluster-teardown.ts',
  testTimeout: 600_000,
  maxWorkers: 1,
};
