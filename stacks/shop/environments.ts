import { AutoscalingProps, EnvironmentSpecificValues, ResourceProps } from '../../lib';

/** The shop's deployment environments, in the order a release is promoted through them. */
export type ShopEnvironment = 'dev' | 'staging' | 'prod';

/** What differs between environments. */
export interface EnvironmentSettings {
  /** Replicas of services that do not autoscale. */
  readonly replicas: number;
  /** Autoscaling of the customer-facing services; `undefined` for fixed replicas. */
  readonly autoscaling: AutoscalingProps | undefined;
  /** Container resources of every service. */
  readonly resources: ResourceProps;
  /** The services' log level. */
  readonly logLevel: string;
  /**
   * Where secrets come from: inline test values in dev, Secrets managed by the
   * platform's secret store in prod (never real credentials in code).
   */
  readonly inlineSecrets: boolean;
  /** Requests per second each frontend pod admits from the internet (bursts up to twice that). */
  readonly publicRequestsPerSecond: number;
}

/** The settings of each environment. */
export const ENVIRONMENTS: Readonly<Record<ShopEnvironment, EnvironmentSettings>> = {
  dev: {
    replicas: 1,
    autoscaling: undefined,
    resources: { cpuRequest: '50m', cpuLimit: '250m', memoryRequest: '64Mi', memoryLimit: '128Mi' },
    logLevel: 'debug',
    inlineSecrets: true,
    publicRequestsPerSecond: 20,
  },
  // Sized as prod, so a revision that passed here is the one prod runs (see ENVIRONMENT_SPECIFIC).
  staging: {
    replicas: 2,
    autoscaling: undefined,
    resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi' },
    logLevel: 'info',
    inlineSecrets: false,
    publicRequestsPerSecond: 200,
  },
  prod: {
    replicas: 3,
    autoscaling: { minReplicas: 3, maxReplicas: 12, cpuUtilizationPercent: 70, memoryUtilizationPercent: 80 },
    resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi' },
    logLevel: 'info',
    inlineSecrets: false,
    publicRequestsPerSecond: 200,
  },
};

/**
 * The values that belong to an environment: a revision promoted from staging
 * to prod may differ in these and in nothing else (replicas and autoscaling
 * are scale, never part of a revision).
 */
export const ENVIRONMENT_SPECIFIC: EnvironmentSpecificValues = {
  configKeys: ['ENVIRONMENT', 'LOG_LEVEL', 'PUBLIC_URL'],
  resources: true,
};
