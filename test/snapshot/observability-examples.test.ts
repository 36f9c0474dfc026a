import { App } from 'cdk8s';
import { observedShop } from '../../examples/observed-shop';
import { snapshotOf, synthObjects } from '../../lib/testing';

describe('observed-shop', () => {
  test.each(['observed-shop', 'observed-shop-search', 'observed-shop-batch'])('%s', (id) => {
    const chart = observedShop(new App()).charts.find((c) => c.node.id === id)!;
    expect(snapshotOf(chart)).toMatchSnapshot();
  });

  test('observing adds objects and changes none: every other object is the one of the shop without observability', () => {
    const observed = observedShop(new App()).charts.flatMap((c) => synthObjects(c));
    const plain = observedShop(new App(), { observed: false }).charts.flatMap((c) => synthObjects(c));
    const added = observed.filter((o) => !plain.some((p) => JSON.stringify(p) === JSON.stringify(o)));
    expect(observed.length - added.length).toBe(plain.length);
    expect(added.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/monitoring/grafana-dashboard-app-shop',
      'ConfigMap/monitoring/grafana-dashboard-observed-shop-batch-reports',
      'ConfigMap/monitoring/grafana-dashboard-observed-shop-orders',
      'ConfigMap/monitoring/grafana-dashboard-observed-shop-payments',
      'ConfigMap/monitoring/grafana-dashboard-observed-shop-receipts',
      'ConfigMap/monitoring/grafana-dashboard-observed-shop-search-search',
      'PodMonitor/observed-shop-batch/reports',
      'PodMonitor/observed-shop-search/search',
      'PodMonitor/observed-shop/orders',
      'PodMonitor/observed-shop/payments',
      'PodMonitor/observed-shop/receipts',
      'PrometheusRule/observed-shop-batch/reports',
      'PrometheusRule/observed-shop-search/search',
      'PrometheusRule/observed-shop/orders',
      'PrometheusRule/observed-shop/payments',
      'PrometheusRule/observed-shop/receipts',
      'Telemetry/observed-shop/orders',
    ]);
  });
});
