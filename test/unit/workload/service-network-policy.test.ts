import { App, Chart } from 'cdk8s';
import { IngressPeer, Microservice, MicroserviceProps } from '../../../lib';
import { findObject, findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';

const web: MicroserviceProps = { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }] };
const policyOf = (chart: Chart, name: string) => findObject(synthObjects(chart), { kind: 'NetworkPolicy', name }).spec as any;
const podsOf = (service: Microservice) => ({ podSelector: { matchLabels: service.labels } });

describe('ServiceNetworkPolicy (deny by default, derived from declared dependencies)', () => {
  test('admits only the declared dependents, on the container ports', () => {
    const chart = newChart();
    const payments = new Microservice(chart, 'payments', web);
    const orders = new Microservice(chart, 'orders', { ...web, dependencies: [payments] });
    new Microservice(chart, 'catalog', web);
    expect(policyOf(chart, 'payments')).toEqual({
      podSelector: { matchLabels: payments.labels },
      policyTypes: ['Ingress'],
      ingress: [{ from: [podsOf(orders)], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
  });

  test('a dependency declared after the policy was made still counts', () => {
    const chart = newChart();
    const payments = new Microservice(chart, 'payments', web);
    const orders = new Microservice(chart, 'orders', web);
    const cart = new Microservice(chart, 'cart', web);
    orders.addDependency(payments);
    cart.addDependency(payments);
    expect(policyOf(chart, 'payments').ingress[0].from).toEqual([podsOf(orders), podsOf(cart)]);
    expect(payments.dependents).toEqual([orders, cart]);
  });

  test('a service nobody depends on admits nothing; a worker without ports admits nothing', () => {
    const chart = newChart();
    new Microservice(chart, 'lonely', web);
    new Microservice(chart, 'worker', { image: digestImage() });
    expect(policyOf(chart, 'lonely').ingress).toEqual([]);
    expect(policyOf(chart, 'worker').ingress).toEqual([]);
  });

  test('a dependent in another namespace is admitted by pod and namespace', () => {
    const app = new App();
    const backend = new Chart(app, 'backend', { namespace: 'backend' });
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    const payments = new Microservice(backend, 'payments', web);
    const frontend = new Microservice(edge, 'frontend', { ...web, dependencies: [payments] });
    expect(policyOf(backend, 'payments').ingress[0].from).toEqual([
      { ...podsOf(frontend), namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } } },
    ]);
  });

  test('allowIngressFrom admits a namespace, or anywhere', () => {
    const chart = newChart();
    new Microservice(chart, 'api', { ...web, allowIngressFrom: [IngressPeer.namespace('istio-ingress')] });
    new Microservice(chart, 'frontend', { ...web, allowIngressFrom: [IngressPeer.anywhere()] });
    expect(policyOf(chart, 'api').ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
    expect(policyOf(chart, 'frontend').ingress).toEqual([{ ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('networkPolicy: false leaves the service without one', () => {
    const chart = newChart();
    new Microservice(chart, 'legacy', { ...web, networkPolicy: false });
    expect(findObjects(synthObjects(chart), { kind: 'NetworkPolicy' })).toEqual([]);
  });

  test('fails when an allowed namespace is not a DNS label', () => {
    const error = validationErrorOf(() => new Microservice(newChart(), 'api', { ...web, allowIngressFrom: [IngressPeer.namespace('Istio_Ingress')] }));
    expect(error.message).toMatch(/allowIngressFrom namespace must be .* got 'Istio_Ingress'/);
    expect(error.path).toBe('test/api');
  });
});
