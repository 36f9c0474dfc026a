/**
 * A config change rolls out as a new revision: release v2 changes one config
 * value, so it gets a new ConfigMap name and a new Deployment name, while the
 * v1 objects stay exactly as they were until retired. The Service is the only
 * pointer: its selector moves from the v1 revision to the v2 one.
 * Run: `node -r ts-node/register/transpile-only examples/config-rollout.ts`
 */
import { join } from 'path';
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Microservice, synthApp } from '../lib';

/** The two releases of the example. */
export type ConfigRelease = 'v1' | 'v2';

const FEATURE_FLAGS: Record<ConfigRelease, string> = {
  v1: 'checkout-v1',
  v2: 'checkout-v2',
};

export interface ConfigRolloutChartProps extends ChartProps {
  /** Which release to synthesize. */
  readonly release: ConfigRelease;
}

export class ConfigRolloutChart extends Chart {
  /** The service being rolled out. */
  public readonly checkout: Microservice;

  constructor(scope: Construct, id: string, props: ConfigRolloutChartProps) {
    super(scope, id, { namespace: 'config-rollout', ...props });
    this.checkout = new Microservice(this, 'checkout', {
      image: 'ghcr.io/immutable-infra/checkout@sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752',
      ports: [{ port: 80, containerPort: 8080 }],
      replicas: 2,
      configs: [
        { name: 'settings', literals: { FEATURE_FLAGS: FEATURE_FLAGS[props.release], LOG_LEVEL: 'info' } },
        { name: 'templates', literals: { 'receipt.html': '<h1>Thank you</h1>' }, mountPath: '/etc/checkout/templates' },
      ],
    });
  }
}

if (require.main === module) {
  // two releases of one stack, one after the other: each is an app of its own
  // (in one app, both would emit the same Service and ServiceAccount)
  for (const release of ['v1', 'v2'] as const) {
    const app = new App();
    new ConfigRolloutChart(app, `config-rollout-${release}`, { release });
    synthApp(app, join(app.outdir, `config-rollout-${release}`));
  }
}
