/**
 * The Pulumi entry (`Pulumi.yaml` runs it): deploys the reference shop through
 * the library's bridge. The same stack code as `cdk8s synth`; environment,
 * image digests and extra settings come from stack config:
 *
 *   immutable-infra:environment   dev | prod                     (default dev)
 *   immutable-infra:images        { <service>: <image@digest> }  (default: DEFAULT_SHOP_IMAGES)
 *   immutable-infra:settings      { <service>: { KEY: value } }  (default: none)
 *   immutable-infra:skipAwait     true only for clusters without a kubelet (default false)
 */
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { ChartDeployment } from '../lib/pulumi';
import { ShopEnvironment } from './shop/environments';
import { DEFAULT_SHOP_IMAGES, ShopImages, ShopService } from './shop/images';
import { ShopChart } from './shop/shop-chart';

const config = new pulumi.Config('immutable-infra');
const environment = config.get('environment') ?? 'dev';
if (environment !== 'dev' && environment !== 'prod') {
  throw new Error(`config immutable-infra:environment must be 'dev' or 'prod', got '${environment}'`);
}
const images: ShopImages = { ...DEFAULT_SHOP_IMAGES, ...config.getObject<Partial<ShopImages>>('images') };
const settings = config.getObject<Partial<Record<ShopService, Record<string, string>>>>('settings');

const app = new App();
const shop = new ShopChart(app, `shop-${environment}`, { environment: environment as ShopEnvironment, images, settings });
const deployment = new ChartDeployment('shop', { charts: [shop], skipAwait: config.getBoolean('skipAwait') ?? false });

/** The Pulumi resource names of the deployed objects. */
export const resources = Object.keys(deployment.resources);
