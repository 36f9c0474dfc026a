/**
 * A queue worker scaled 0→N by KEDA: the `invoice-worker` microservice
 * consumes the `invoices` RabbitMQ queue and has no pods while the queue is
 * empty; KEDA adds one pod per 20 waiting messages, up to 30. The broker's
 * URL comes from the existing Secret `rabbitmq-credentials` through a
 * TriggerAuthentication, never from the manifest. KEDA owns the replica
 * count, so the Deployment carries none and there is no HPA of the
 * library's own (an HPA beside the ScaledObject is refused).
 * Run: `node -r ts-node/register/transpile-only examples/queue-worker.ts`
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Microservice, ScaleTrigger, synthApp, TriggerAuth } from '../lib';

/** The invoice worker, scaled on its queue. */
export class QueueWorkerChart extends Chart {
  /** The worker. */
  public readonly worker: Microservice;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'billing', ...props });
    this.worker = new Microservice(this, 'invoice-worker', {
      image: 'ghcr.io/immutable-infra/invoice-worker@sha256:7f9b1d3e5a7c9f1b3d5e7a9c1f3b5d7e9a1c3f5b7d9e1a3c5f7b9d1e3a5c7f9b',
      configs: [{ name: 'settings', literals: { QUEUE: 'invoices', PREFETCH: '10' } }],
      existingSecrets: [{ secretName: 'rabbitmq-credentials' }],
      eventScaling: {
        minReplicas: 0,
        maxReplicas: 30,
        cooldownPeriod: Duration.minutes(5),
        triggers: [
          ScaleTrigger.rabbitMq({
            queueName: 'invoices',
            mode: 'QueueLength',
            value: 20,
            auth: TriggerAuth.fromSecret('rabbitmq-credentials', { host: 'url' }),
          }),
        ],
      },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new QueueWorkerChart(app, 'queue-worker');
  synthApp(app);
}
