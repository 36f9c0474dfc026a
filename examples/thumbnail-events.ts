/**
 * A thumbnail function triggered by events: uploads publish an
 * `image.uploaded` CloudEvent to the `media` Broker; a Trigger filters on
 * that type (and the uploads source) and delivers to the `thumbnail`
 * function, retrying 5 times with exponential backoff from 0.5s. Events it
 * still cannot take go to the dead-letter sink, the `failed-events`
 * function, for inspection. Both functions scale to zero between uploads.
 * Run: `node -r ts-node/register/transpile-only examples/thumbnail-events.ts`
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Broker, ServerlessFunction, synthApp } from '../lib';

/** The media broker, the thumbnail function and its dead-letter sink. */
export class ThumbnailEventsChart extends Chart {
  /** The broker uploads publish to. */
  public readonly broker: Broker;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'media', ...props });
    const thumbnail = new ServerlessFunction(this, 'thumbnail', {
      image: 'ghcr.io/immutable-infra/thumbnail@sha256:5e7a9c1b3d5f7e9a1c3b5d7f9e1a3c5b7d9f1e3a5c7b9d1f3e5a7c9b1d3f5e7a',
      configs: [{ name: 'sizes', literals: { THUMBNAIL_SIZES: '128,256,512' } }],
      resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi' },
      scaling: { maxScale: 20, containerConcurrency: 4 },
      timeout: Duration.seconds(60),
    });
    const failedEvents = new ServerlessFunction(this, 'failed-events', {
      image: 'ghcr.io/immutable-infra/event-archive@sha256:9c1e3a5b7d9f1c3e5a7b9d1f3c5e7a9b1d3f5c7e9a1b3d5f7c9e1a3b5d7f9c1e',
      scaling: { maxScale: 2 },
    });
    this.broker = new Broker(this, 'media');
    this.broker.addTrigger('thumbnails', {
      filter: { type: 'image.uploaded', source: 'uploads' },
      subscriber: thumbnail,
      delivery: { retry: 5, backoffPolicy: 'exponential', backoffDelay: Duration.millis(500), deadLetterSink: failedEvents },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new ThumbnailEventsChart(app, 'thumbnail-events');
  synthApp(app);
}
