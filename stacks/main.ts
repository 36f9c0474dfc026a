/**
 * The cdk8s entry (`cdk8s.yaml` runs it): synthesizes the reference shop for
 * every environment into `dist/`: dev, staging, and prod pinned to the
 * revisions promoted from staging.
 */
import { join } from 'path';
import { App } from 'cdk8s';
import { synthApp } from '../lib';
import { ShopChart } from './shop/shop-chart';

const app = new App();
new ShopChart(app, 'shop-dev', { environment: 'dev' });
new ShopChart(app, 'shop-staging', { environment: 'staging' });
// prod runs what passed in staging (immutable-infra promote --from dist --namespace shop-staging --to prod)
new ShopChart(app, 'shop-prod', { environment: 'prod', promotionFile: join(__dirname, 'shop', 'promotion.prod.json') });
synthApp(app);
