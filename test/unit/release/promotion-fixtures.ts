import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ContainerImage, Manifest, Microservice, Promotion, PromotionLock, ResourceProps } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { digestImage } from '../../fixtures';

/** The environments of the test stack, in promotion order. */
export type TinyEnvironment = 'dev' | 'staging' | 'prod';

const SMALL: ResourceProps = { cpuRequest: '50m', cpuLimit: '250m', memoryRequest: '64Mi', memoryLimit: '128Mi' };
const LARGE: ResourceProps = { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi' };

/** What a test changes in the stack. */
export interface TinyOptions {
  /** The lock the environment runs. */
  readonly lock?: PromotionLock;
  /** api's TIMEOUT_MS (not environment-specific). */
  readonly apiTimeout?: string;
  /** An image to give worker instead of the promoted one. */
  readonly workerImage?: string | ContainerImage;
  /** Declare nothing environment-specific. */
  readonly declareNothing?: boolean;
}

/**
 * Two services: api, whose LOG_LEVEL (config) and resources are declared
 * environment-specific and differ in prod; worker, the same everywhere.
 */
export class TinyChart extends Chart {
  public readonly api: Microservice;
  public readonly worker: Microservice;

  constructor(scope: Construct, environment: TinyEnvironment, options: TinyOptions = {}) {
    super(scope, `tiny-${environment}`, { namespace: `tiny-${environment}` });
    const promotion = options.lock === undefined ? undefined : new Promotion(this, 'Promotion', {
      environment,
      lock: options.lock,
      environmentSpecific: options.declareNothing === true ? undefined : { configKeys: ['LOG_LEVEL'], resources: true },
    });
    this.api = new Microservice(this, 'api', {
      image: promotion?.image('api') ?? digestImage('ghcr.io/acme/api', 'a'),
      ports: [{ port: 80, containerPort: 8080 }],
      partOf: 'tiny',
      configs: [{ name: 'settings', literals: { LOG_LEVEL: environment === 'prod' ? 'warn' : 'debug', TIMEOUT_MS: options.apiTimeout ?? '500' } }],
      resources: environment === 'prod' ? LARGE : SMALL,
    });
    this.worker = new Microservice(this, 'worker', {
      image: options.workerImage ?? promotion?.image('worker') ?? digestImage('ghcr.io/acme/worker', 'b'),
      configs: [{ name: 'settings', literals: { QUEUE: 'jobs' } }],
      partOf: 'tiny',
      resources: SMALL,
    });
  }
}

/** The objects of the test stack in one environment. */
export function tinyObjects(environment: TinyEnvironment, options: TinyOptions = {}): Manifest[] {
  return synthObjects(new TinyChart(new App(), environment, options));
}
