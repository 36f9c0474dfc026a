import { App } from 'cdk8s';
import { MeshProvider } from '../../lib';
import { snapshotOf } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';

describe('reference shop stack', () => {
  test.each(['dev', 'staging', 'prod'] as const)('%s', (environment) => {
    expect(snapshotOf(new ShopChart(new App(), `shop-${environment}`, { environment }))).toMatchSnapshot();
  });

  test('prod in a Linkerd mesh (the same stack code, one prop)', () => {
    expect(snapshotOf(new ShopChart(new App(), 'shop-prod', { environment: 'prod', meshProvider: MeshProvider.linkerd() }))).toMatchSnapshot();
  });
});
