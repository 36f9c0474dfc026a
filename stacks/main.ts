/**
 * The cdk8s entry (`cdk8s.yaml` runs it): synthesizes the reference shop for
 * every environment into `dist/`.
 */
import { App } from 'cdk8s';
import { synthApp } from '../lib';
import { ShopChart } from './shop/shop-chart';

const app = new App();
new ShopChart(app, 'shop-dev', { environment: 'dev' });
new ShopChart(app, 'shop-prod', { environment: 'prod' });
synthApp(app);
