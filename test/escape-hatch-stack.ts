import { ApiObject, Chart } from 'cdk8s';
import { ImmutableConfigMap, ImmutableSecret, Microservice, ServerlessFunction } from '../lib';
import { revisionService } from '../lib/workload/revision-service';
import { ScaleTrigger, TriggerAuth } from '../lib/workload/scaling';
import { digestImage, newChart } from './fixtures';

/**
 * A chart with every kind of object the library names after its content: a
 * revision's Deployment, HorizontalPodAutoscaler, PodDisruptionBudget and
 * Service; a KEDA ScaledObject and TriggerAuthentication; content-hashed
 * ConfigMaps and Secrets (a workload's and standalone ones); and a Knative
 * Service, a pointer whose template is a revision named after its content.
 * Beside them, the pointers of a service (its Service, ServiceAccount,
 * NetworkPolicy). Same objects, same names, every time.
 */
export function everyContentAddressedKind(): Chart {
  const chart = newChart();
  const orders = new Microservice(chart, 'orders', {
    image: digestImage(),
    ports: [{ port: 80, containerPort: 8080 }],
    configs: [{ name: 'settings', literals: { LOG_LEVEL: 'info' } }],
    secrets: [{ name: 'db', literals: { URL: 'postgres://orders@db/orders' } }],
    autoscaling: { minReplicas: 2, maxReplicas: 4 },
  });
  revisionService(orders, orders.revisions[0]);
  new Microservice(chart, 'cart', { image: digestImage('ghcr.io/acme/cart'), ports: [{ port: 80 }], replicas: 2 });
  new Microservice(chart, 'worker', {
    image: digestImage('ghcr.io/acme/worker'),
    eventScaling: {
      maxReplicas: 5,
      triggers: [ScaleTrigger.rabbitMq({ queueName: 'jobs', mode: 'QueueLength', value: 20, auth: TriggerAuth.fromSecret('rabbitmq', { host: 'amqp-url' }) })],
    },
  });
  new ImmutableConfigMap(chart, 'flags', { namePrefix: 'flags', data: { NEW_CHECKOUT: 'on' } });
  new ImmutableSecret(chart, 'token', { namePrefix: 'token', stringData: { TOKEN: 'dev-only' } });
  new ServerlessFunction(chart, 'resize', { image: digestImage('ghcr.io/acme/resize') });
  return chart;
}

/** The API objects of a chart by construct path. */
export function apiObjectsOf(chart: Chart): Map<string, ApiObject> {
  return new Map(chart.node.findAll().filter(ApiObject.isApiObject).map((o) => [o.node.path, o as ApiObject]));
}
