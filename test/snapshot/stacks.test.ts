import { App } from 'cdk8s';
import { snapshotOf } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';

describe('reference shop stack', () => {
  test.each(['dev', 'prod'] as const)('%s', (environment) => {
    expect(snapshotOf(new ShopChart(new App(), `shop-${environment}`, { environment }))).toMatchSnapshot();
  });
});
