/**
 * A nightly cron function: a PingSource sends an event at 02:30 Berlin time
 * every night to the `nightly-report` function, which builds yesterday's
 * report and scales back to zero. The schedule is checked at synth the way
 * Knative reads it.
 * Run: `node -r ts-node/register/transpile-only examples/nightly-cron.ts`
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PingSource, ServerlessFunction, synthApp } from '../lib';

/** The nightly report function and its schedule. */
export class NightlyCronChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'reports', ...props });
    const report = new ServerlessFunction(this, 'nightly-report', {
      image: 'ghcr.io/immutable-infra/nightly-report@sha256:2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f',
      existingSecrets: [{ secretName: 'reports-db' }],
      scaling: { maxScale: 1, containerConcurrency: 1 },
      timeout: Duration.minutes(10),
    });
    new PingSource(this, 'every-night', {
      schedule: '30 2 * * *',
      timezone: 'Europe/Berlin',
      contentType: 'application/json',
      data: '{"report":"daily-sales"}',
      sink: report,
    });
  }
}

if (require.main === module) {
  const app = new App();
  new NightlyCronChart(app, 'nightly-cron');
  synthApp(app);
}
