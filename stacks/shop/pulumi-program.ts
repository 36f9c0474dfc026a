import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { ChartDeployment } from '../../lib/pulumi';
import { ShopEnvironment } from './environments';
import { DEFAULT_SHOP_IMAGES, ShopImages, ShopService } from './images';
import { ShopChart } from './shop-chart';

/**
 * The Pulumi program of the reference shop: the same stack code as
 * `cdk8s synth`, deployed through the library's bridge. Reads stack config:
 *
 *   immutable-infra:environment   dev | staging | prod           (default dev)
 *   immutable-infra:images        { <service>: <image@digest> }  (default: DEFAULT_SHOP_IMAGES)
 *   immutable-infra:settings      { <service>: { KEY: value } }  (default: none)
 *   immutable-infra:skipAwait     true only for clusters without a kubelet (default false)
 *
 * @returns the Pulumi resource names of the deployed objects (a pointer's is
 *   its construct path, a revision object's `<kind>/<namespace>/<name>`)
 */
export function deployShop(): string[] {
  const config = new pulumi.Config('immutable-infra');
  const environment = config.get('environment') ?? 'dev';
  if (environment !== 'dev' && environment !== 'staging' && environment !== 'prod') {
    throw new Error(`config immutable-infra:environment must be 'dev', 'staging' or 'prod', got '${environment}'`);
  }
  const images: ShopImages = { ...DEFAULT_SHOP_IMAGES, ...config.getObject<Partial<ShopImages>>('images') };
  const settings = config.getObject<Partial<Record<ShopService, Record<string, string>>>>('settings');
  const app = new App();
  const shop = new ShopChart(app, `shop-${environment}`, { environment: environment as ShopEnvironment, images, settings });
  const deployment = new ChartDeployment('shop', { charts: [shop], skipAwait: config.getBoolean('skipAwait') ?? false });
  return Object.values(deployment.resourceNames);
}
