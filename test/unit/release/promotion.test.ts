import { App, Chart } from 'cdk8s';
import {
  comparePromotion, ContainerImage, promoteSynthesis, Promotion, PromotionError, PromotionLock, promotionLockJson, PromotionProps,
  SynthValidationError,
} from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { digestImage, expectRefusal, synthProblemMessages, validationErrorOf } from '../../fixtures';
import { TinyChart, tinyObjects } from './promotion-fixtures';

const revisionOf = (chart: TinyChart, service: 'api' | 'worker') => chart[service].revisions.map((r) => r.revisionId);

describe('dev → staging → prod', () => {
  const dev = tinyObjects('dev');
  const toStaging = promoteSynthesis(dev, { to: 'staging' });
  const staging = new TinyChart(new App(), 'staging', { lock: toStaging });
  const stagingObjects = synthObjects(staging);
  const toProd = promoteSynthesis(stagingObjects, { to: 'prod' });
  const prod = new TinyChart(new App(), 'prod', { lock: toProd });
  const prodObjects = synthObjects(prod);

  test('staging runs the revisions of dev, byte for byte: same revision ids, same config names', () => {
    const devChart = new TinyChart(new App(), 'dev');
    expect(revisionOf(staging, 'api')).toEqual(revisionOf(devChart, 'api'));
    expect(revisionOf(staging, 'worker')).toEqual(revisionOf(devChart, 'worker'));
    const names = (objects: typeof dev, kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
    expect(names(stagingObjects, 'ConfigMap')).toEqual(names(dev, 'ConfigMap'));
    expect(names(stagingObjects, 'Deployment')).toEqual(names(dev, 'Deployment'));
    expect(comparePromotion(toStaging, stagingObjects).services.map((s) => [s.service, s.differences])).toEqual([['api', []], ['worker', []]]);
  });

  test('prod keeps the revision of every service whose values are not environment-specific', () => {
    expect(revisionOf(prod, 'worker')).toEqual(revisionOf(staging, 'worker'));
    expect(revisionOf(prod, 'worker')).toEqual([toStaging.services.worker.revision]);
  });

  test('a declared environment-specific value makes a new revision, and the report names it', () => {
    expect(revisionOf(prod, 'api')).not.toEqual(revisionOf(staging, 'api'));
    const report = comparePromotion(toProd, prodObjects);
    expect(report).toMatchObject({ from: 'tiny-staging', to: 'prod', notPromoted: [] });
    const api = report.services.find((s) => s.service === 'api')!;
    expect(api.promotedRevision).toBe(revisionOf(staging, 'api')[0]);
    expect(api.differences).toEqual([
      { kind: 'config', what: 'api-settings', key: 'LOG_LEVEL', promoted: 'debug', value: 'warn' },
      { kind: 'resources', what: 'spec.containers[name=api].resources.limits.cpu', promoted: '250m', value: '1' },
      { kind: 'resources', what: 'spec.containers[name=api].resources.limits.memory', promoted: '128Mi', value: '512Mi' },
      { kind: 'resources', what: 'spec.containers[name=api].resources.requests.cpu', promoted: '50m', value: '250m' },
      { kind: 'resources', what: 'spec.containers[name=api].resources.requests.memory', promoted: '64Mi', value: '256Mi' },
    ]);
  });

  test('the lock pins images by digest and config content, never Secret data, with sorted keys', () => {
    expect(toProd.services.worker.images).toEqual({ worker: digestImage('ghcr.io/acme/worker', 'b') });
    expect(toProd.services.api.configs).toEqual({ 'api-settings': { LOG_LEVEL: 'debug', TIMEOUT_MS: '500' } });
    const json = promotionLockJson(toProd);
    expect(json).toBe(promotionLockJson(JSON.parse(json) as PromotionLock));
    expect(json.indexOf('"from"')).toBeLessThan(json.indexOf('"kind"'));
    expect(json.endsWith('}\n')).toBe(true);
  });
});

describe('what a promoted environment refuses, at synth', () => {
  const lock = promoteSynthesis(tinyObjects('staging'), { to: 'prod' });

  test('fails when a value that is not environment-specific changed after it passed', () => {
    expect(synthProblemMessages(new TinyChart(new App(), 'prod', { lock, apiTimeout: '900' }))).toEqual([
      expect.stringMatching(/^service 'api' runs revision \w+, not \w+ promoted from tiny-staging, because of config api-settings TIMEOUT_MS: "500" → "900": that did not pass tiny-staging\. Promote again/),
    ]);
  });

  test('fails when a service runs an image the lock does not promote', () => {
    const [problem] = synthProblemMessages(new TinyChart(new App(), 'prod', { lock, workerImage: digestImage('ghcr.io/acme/worker', 'c') }));
    expect(problem).toContain(`image worker: "${digestImage('ghcr.io/acme/worker', 'b')}" → "${digestImage('ghcr.io/acme/worker', 'c')}"`);
    expect(problem).toContain("Take images from the lock (promotion.image('worker'))");
  });

  test('fails when environment-specific values change the revision without being declared', () => {
    const problems = synthProblemMessages(new TinyChart(new App(), 'prod', { lock, declareNothing: true }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config api-settings LOG_LEVEL: "debug" → "warn"');
    expect(problems[0]).toContain('spec.containers[name=api].resources.limits.cpu: "250m" → "1"');
  });

  test('fails when the lock is for another environment', () => {
    const error = validationErrorOf(() => new TinyChart(new App(), 'staging', { lock }));
    expect(error.message).toBe("the promotion lock is for environment 'prod', not 'staging': use promotion.staging.json (immutable-infra promote --from <dist> --to staging) (at tiny-staging/Promotion)");
  });

  test('fails when the lock holds an image without a digest', () => {
    const tagged: PromotionLock = { ...lock, services: { ...lock.services, worker: { ...lock.services.worker, images: { worker: 'ghcr.io/acme/worker:1.2' } } } };
    const error = validationErrorOf(() => new TinyChart(new App(), 'prod', { lock: tagged }));
    expect(error.detail).toBe(
      "the promotion lock gives service 'worker' container 'worker' the image 'ghcr.io/acme/worker:1.2', which has no digest: a tag can move after the release passed; " +
        'promote again from a synthesis whose images are pinned by digest (image@sha256:<64 hex>)',
    );
  });

  test('fails when the lock is not a lock', () => {
    const error = validationErrorOf(() => new TinyChart(new App(), 'prod', { lock: { ...lock, version: 2 } as unknown as PromotionLock }));
    expect(error.detail).toMatch(/^lock version must be 1, got 2/);
  });

  test('fails when a service is not in the lock', () => {
    const { worker, ...onlyApi } = lock.services;
    expect(worker).toBeDefined();
    const error = validationErrorOf(() => new TinyChart(new App(), 'prod', { lock: { ...lock, services: onlyApi } }));
    expect(error.detail).toBe("service 'worker' is not in the promotion lock from tiny-staging (it has api): promote a synthesis that has it, or give a fallback image for a service new in this environment");
  });

  test('image() gives the promoted image of a container, a fallback for a service the lock does not have', () => {
    const promotion = new Promotion(new Chart(new App(), 'tiny-prod', { namespace: 'tiny-prod' }), 'Promotion', { environment: 'prod', lock });
    expect(promotion.image('api')).toBe(digestImage('ghcr.io/acme/api', 'a'));
    expect(promotion.image('api', { container: 'api' })).toBe(digestImage('ghcr.io/acme/api', 'a'));
    expect(promotion.image('search', { fallback: digestImage('ghcr.io/acme/search', 'd') })).toBe(digestImage('ghcr.io/acme/search', 'd'));
    expect(validationErrorOf(() => promotion.image('api', { container: 'sidecar' })).detail).toBe("service 'api' has no container 'sidecar' in the promotion lock (it has api)");
  });

  test('the whole synthesis is a SynthValidationError naming the Promotion', () => {
    expect(() => synthObjects(new TinyChart(new App(), 'prod', { lock, apiTimeout: '900' }))).toThrow(SynthValidationError);
  });
});

describe('promoteSynthesis refuses', () => {
  test('fails when an image has no digest: tags are mutable', () => {
    const objects = tinyObjects('dev', { workerImage: ContainerImage.fromMutableTag('ghcr.io/acme/worker:1.2') });
    expect(() => promoteSynthesis(objects, { to: 'staging' })).toThrow(new PromotionError(
      "service 'worker' of tiny-dev runs container 'worker' from 'ghcr.io/acme/worker:1.2', a tag: a tag can move after the release passed, so the next environment could run other bytes; " +
        'pin the image by digest (image@sha256:<64 hex>, ContainerImage.fromDigest()), synthesize and test again, then promote',
    ));
  });

  test('fails when a service has two live revisions', () => {
    const chart = new TinyChart(new App(), 'dev');
    chart.worker.addRevision('canary', { image: digestImage('ghcr.io/acme/worker', 'c') });
    expect(() => promoteSynthesis(synthObjects(chart), { to: 'staging' })).toThrow(/^service 'worker' of tiny-dev has 2 live revisions \(\w+, \w+\): promote a finished release/);
  });

  test('fails when the synthesis holds several environments and none is chosen, or the chosen one is not there', () => {
    const both = [...tinyObjects('dev'), ...tinyObjects('staging')];
    expect(() => promoteSynthesis(both, { to: 'prod' })).toThrow('the synthesis holds the revisions of 2 namespaces (tiny-dev, tiny-staging); choose the environment to promote with --namespace <name>');
    expect(() => promoteSynthesis(both, { to: 'prod', namespace: 'tiny-qa' })).toThrow("the synthesis has no revisions in namespace 'tiny-qa'; it has revisions in tiny-dev, tiny-staging");
    expect(promoteSynthesis(both, { to: 'prod', namespace: 'tiny-staging' }).from).toBe('tiny-staging');
  });

  test('fails when there is no revision to promote', () => {
    const objects = tinyObjects('dev').filter((o) => o.kind !== 'Deployment');
    expect(() => promoteSynthesis(objects, { to: 'staging' })).toThrow(/^the synthesis holds no revision Deployments/);
  });
});

describe('Promotion props (bad input)', () => {
  const lock = promoteSynthesis(tinyObjects('staging'), { to: 'prod' });
  const promotionIn = (props: unknown) => () => new Promotion(new Chart(new App(), 'tiny-prod', { namespace: 'tiny-prod' }), 'Promotion', props as PromotionProps);

  test('fails when environmentSpecific has an unknown key', () => {
    expectRefusal(promotionIn({ environment: 'prod', lock, environmentSpecific: { resource: true } }), {
      path: 'tiny-prod/Promotion', prop: 'environmentSpecific.resource', shown: 'resource', fix: /resources/,
    });
  });

  test('fails when configKeys is a string, not a list', () => {
    expectRefusal(promotionIn({ environment: 'prod', lock, environmentSpecific: { configKeys: 'LOG_LEVEL' } }), {
      path: 'tiny-prod/Promotion', prop: 'environmentSpecific.configKeys', shown: "'LOG_LEVEL'", fix: /pass each item on its own: \['LOG_LEVEL'\]/,
    });
  });

  test('fails when neither or both of file and lock are given', () => {
    expect(validationErrorOf(promotionIn({ environment: 'prod' })).detail).toBe('give the promotion lock as exactly one of file (the path promote wrote) or lock');
    expect(validationErrorOf(promotionIn({ environment: 'prod', lock, file: 'promotion.prod.json' })).detail).toBe('give the promotion lock as exactly one of file (the path promote wrote) or lock');
  });

  test('fails when the lock file cannot be read or is not JSON', () => {
    expect(validationErrorOf(promotionIn({ environment: 'prod', file: '/nonexistent/promotion.prod.json' })).detail)
      .toBe('cannot read promotion lock /nonexistent/promotion.prod.json: no such file or directory; write it with immutable-infra promote --from <dist> --to <environment>');
    expect(validationErrorOf(promotionIn({ environment: 'prod', file: __filename })).detail).toMatch(/^promotion lock .*promotion\.test\.ts is not JSON \(/);
  });
});
