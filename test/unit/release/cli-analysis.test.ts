import { deployReporter } from '../../../lib/release/cli/render-deploy';
import { textStyle } from '../../../lib/release/cli/style';
import { DeployEvent } from '../../../lib/release/deploy/deploy-events';
import { cli } from './cli-run';
import { apiService, TempDists } from './plan-fixtures';

const dists = new TempDists();
afterAll(() => dists.cleanUp());

describe('deploy --prometheus-url', () => {
  test.each([
    ['ftp://prometheus', "--prometheus-url: the Prometheus URL must start with http:// or https://, e.g. http://prometheus.monitoring:9090; its scheme is 'ftp:'"],
    ['prometheus 9090', "--prometheus-url: 'prometheus 9090' is not a URL; give Prometheus's base URL, e.g. http://prometheus.monitoring:9090"],
  ])('refuses %s as a usage error, before reading the kubeconfig', async (url, message) => {
    const run = await cli(['deploy', dists.withObjects(apiService()), '--kubeconfig', '/nonexistent/kubeconfig', '--prometheus-url', url]);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(`error: ${message}`);
  });
});

describe('the progress of a canary analysis', () => {
  function printed(events: DeployEvent[]): { stdout: string; stderr: string } {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} };
    const report = deployReporter(io, textStyle(false));
    events.forEach(report);
    return { stdout, stderr };
  }

  test('the pause names what is analysed and where; each check shows its reading; a failure goes to stderr', () => {
    const reading = { service: 'shop/reviews', canaryRequests: 120, canaryErrorPercent: 0, stableErrorPercent: 0 };
    expect(printed([
      { type: 'analysis', services: ['shop/reviews'], prometheus: 'http://127.0.0.1:9090', seconds: 60 },
      { type: 'analysis-check', reading: { ...reading, verdict: 'inconclusive', summary: 'the canary served 6 requests in the last 60s, fewer than minRequests (20)' }, elapsedSeconds: 10 },
      { type: 'analysis-check', reading: { ...reading, verdict: 'pass', summary: 'canary 0% errors of 120 requests, stable 0% (allowed: +1 points)' }, elapsedSeconds: 20.04 },
      { type: 'analysis-check', reading: { ...reading, verdict: 'fail', summary: 'canary 9% errors of 120 requests, stable 0%: 9 points above the stable revision, more than the 1 allowed (maxErrorPercentAboveStable)' }, elapsedSeconds: 30 },
      { type: 'analysis-failed', service: 'shop/reviews', reason: 'canary 9% errors …' },
    ])).toEqual({
      stdout: [
        '  … holding for 60s, analysing shop/reviews in Prometheus http://127.0.0.1:9090',
        '  … analysis shop/reviews: inconclusive, the canary served 6 requests in the last 60s, fewer than minRequests (20) (10.0s)',
        '  ✓ analysis shop/reviews: canary 0% errors of 120 requests, stable 0% (allowed: +1 points) (20.0s)',
        '  ✗ analysis shop/reviews: canary 9% errors of 120 requests, stable 0%: 9 points above the stable revision, more than the 1 allowed (maxErrorPercentAboveStable) (30.0s)',
        '',
      ].join('\n'),
      stderr: 'error: canary analysis: shop/reviews: canary 9% errors …\n',
    });
  });
});
