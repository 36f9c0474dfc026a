/**
 * The minimum: one HTTP service, pinned by digest, with every secure default.
 * Run: `node -r ts-node/register/transpile-only examples/hello-service.ts`
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Microservice, synthApp } from '../lib';

export class HelloServiceChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'hello', ...props });
    new Microservice(this, 'hello', {
      image: 'ghcr.io/immutable-infra/hello@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      ports: [{ port: 80, containerPort: 8080 }],
    });
  }
}

if (require.main === module) {
  const app = new App();
  new HelloServiceChart(app, 'hello-service');
  synthApp(app);
}
