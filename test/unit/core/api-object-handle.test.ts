import { App, ApiObject, Chart } from 'cdk8s';
import { Gateway, GatewayBackend, ImmutableConfigMap, ImmutableSecret, ListenerProtocol, Microservice } from '../../../lib';
import { ReferenceGrant } from '../../../lib/gateway/reference-grant';
import { Broker, EventSink, PingSource } from '../../../lib/serverless/eventing';
import { ServerlessFunction } from '../../../lib/serverless/function';
import { EventScaler } from '../../../lib/workload/scaling/event-scaler';
import { digestImage, newChart } from '../../fixtures';
import { queueTrigger } from '../workload/scaling/helpers';

/** Each construct's `apiObject`, the kind it must be, and its deprecated older name's value if it has one. */
const handles: Record<string, () => { apiObject: ApiObject | undefined; kind: string; alias?: ApiObject }> = {
  Microservice: () => {
    const orders = new Microservice(newChart(), 'orders', { image: digestImage(), ports: [{ port: 80 }] });
    return { apiObject: orders.apiObject, kind: 'Service', alias: orders.service };
  },
  ServerlessFunction: () => {
    const fn = new ServerlessFunction(newChart(), 'resize', { image: digestImage() });
    return { apiObject: fn.apiObject, kind: 'Service', alias: fn.service };
  },
  Gateway: () => {
    const gateway = new Gateway(newChart(), 'edge');
    return { apiObject: gateway.apiObject, kind: 'Gateway', alias: gateway.resource };
  },
  Broker: () => {
    const broker = new Broker(newChart(), 'default');
    return { apiObject: broker.apiObject, kind: 'Broker', alias: broker.resource };
  },
  Trigger: () => {
    const trigger = new Broker(newChart(), 'default').addTrigger('orders', { subscriber: EventSink.uri('https://hooks.example.com') });
    return { apiObject: trigger.apiObject, kind: 'Trigger', alias: trigger.resource };
  },
  PingSource: () => {
    const source = new PingSource(newChart(), 'nightly', { schedule: '@daily', sink: EventSink.uri('https://hooks.example.com') });
    return { apiObject: source.apiObject, kind: 'PingSource', alias: source.resource };
  },
  ImmutableConfigMap: () => ({
    apiObject: new ImmutableConfigMap(newChart(), 'settings', { namePrefix: 'settings', data: { a: '1' } }).apiObject,
    kind: 'ConfigMap',
  }),
  ImmutableSecret: () => ({
    apiObject: new ImmutableSecret(newChart(), 'tls', { namePrefix: 'tls', stringData: { a: '1' } }).apiObject,
    kind: 'Secret',
  }),
  Revision: () => {
    const [revision] = new Microservice(newChart(), 'orders', { image: digestImage(), ports: [{ port: 80 }] }).revisions;
    return { apiObject: revision.apiObject, kind: 'Deployment', alias: revision.deployment };
  },
  EventScaler: () => {
    const [revision] = new Microservice(newChart(), 'worker', { image: digestImage(), eventScaling: { maxReplicas: 10, triggers: [queueTrigger] } }).revisions;
    const scaler = revision.node.findAll().find((c): c is EventScaler => c instanceof EventScaler)!;
    return { apiObject: scaler.apiObject, kind: 'ScaledObject', alias: scaler.scaledObject };
  },
  ReferenceGrant: () => {
    const chart = newChart();
    const cart = new Microservice(chart, 'cart', { image: digestImage(), ports: [{ port: 80 }] });
    const edge = new Chart(chart.node.root as App, 'edge', { namespace: 'gateway' });
    new Gateway(edge, 'edge', { listeners: { http: { protocol: ListenerProtocol.HTTP } } }).addRoute('cart', { backend: GatewayBackend.service(cart) });
    const grant = chart.node.findAll().find((c): c is ReferenceGrant => c instanceof ReferenceGrant)!;
    return { apiObject: grant.apiObject, kind: 'ReferenceGrant' };
  },
};

describe('the handle to a construct’s main object', () => {
  test.each(Object.keys(handles))('%s has it as apiObject, and its older name is the same object', (construct) => {
    const { apiObject, kind, alias } = handles[construct]();
    expect(apiObject?.kind).toBe(kind);
    if (alias !== undefined) {
      expect(alias).toBe(apiObject);
    }
  });
});
