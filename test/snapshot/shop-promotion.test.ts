import { readFileSync } from 'fs';
import { join } from 'path';
import { App } from 'cdk8s';
import { comparePromotion, promoteSynthesis, promotionLockJson, PromotionLock } from '../../lib';
import { synthYaml, synthObjects } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';

const LOCK_FILE = join(__dirname, '..', '..', 'stacks', 'shop', 'promotion.prod.json');

describe('the shop promoted from staging to prod', () => {
  test('the committed lock is what staging synthesizes today (after a change that passed staging: npm run promote:shop)', () => {
    const staging = synthObjects(new ShopChart(new App(), 'shop-staging', { environment: 'staging' }));
    expect(readFileSync(LOCK_FILE, 'utf8')).toBe(promotionLockJson(promoteSynthesis(staging, { to: 'prod' })));
  });

  test('prod pinned to the lock synthesizes the same bytes as prod with its own images', () => {
    const pinned = synthYaml(new ShopChart(new App(), 'shop-prod', { environment: 'prod', promotionFile: LOCK_FILE }));
    expect(pinned).toBe(synthYaml(new ShopChart(new App(), 'shop-prod', { environment: 'prod' })));
  });

  test('prod runs the revisions of staging, except where ENVIRONMENT_SPECIFIC values differ', () => {
    const lock = JSON.parse(readFileSync(LOCK_FILE, 'utf8')) as PromotionLock;
    const prod = synthObjects(new ShopChart(new App(), 'shop-prod', { environment: 'prod', promotionFile: LOCK_FILE }));
    const report = comparePromotion(lock, prod);
    const reasons = Object.fromEntries(report.services.map((s) => [s.service, s.differences.map((d) => d.key ?? d.kind)]));
    expect(reasons).toEqual({
      'catalog': ['ENVIRONMENT'],
      'cart': ['ENVIRONMENT'],
      'payments': ['ENVIRONMENT'],
      'shipping': ['ENVIRONMENT'],
      'orders-db': [],
      'orders': ['ENVIRONMENT'],
      'frontend': ['ENVIRONMENT', 'PUBLIC_URL'],
    });
    expect(report.notPromoted).toEqual([]);
  });

  test('fails when prod is given images besides its promotion', () => {
    expect(() => new ShopChart(new App(), 'shop-prod', { environment: 'prod', promotionFile: LOCK_FILE, images: {} as never }))
      .toThrow('give images or promotionFile, not both: a promoted environment runs the images of its promotion lock (at shop-prod)');
  });
});
