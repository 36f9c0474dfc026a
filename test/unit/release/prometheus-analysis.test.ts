import { createServer } from 'net';
import { CanaryAnalysisSpec } from '../../../lib/core/canary-steps';
import { checkCanary } from '../../../lib/release/deploy/canary-analysis-check';
import { analyseDuringPause } from '../../../lib/release/deploy/canary-analysis-run';
import { DeployEvent } from '../../../lib/release/deploy/deploy-events';
import { PrometheusClient, PrometheusError } from '../../../lib/release/deploy/prometheus-client';
import { FakePrometheus, PrometheusAnswer, vector } from './fake-prometheus';

/** An analysis whose queries name what they read, so the fake can answer each. */
function spec(overrides: Partial<CanaryAnalysisSpec> = {}): CanaryAnalysisSpec {
  return {
    service: 'shop/reviews',
    intervalSeconds: 1,
    windowSeconds: 60,
    minRequests: 20,
    maxErrorPercentAboveStable: 1,
    canary: { requestRate: 'canary_rate', errorRatio: 'canary_ratio', latencySeconds: 'canary_latency' },
    stable: { requestRate: 'stable_rate', errorRatio: 'stable_ratio', latencySeconds: 'stable_latency' },
    ...overrides,
  };
}

const withLatency = (maxLatencyMsAboveStable: number) => spec({ maxLatencyMsAboveStable, latencyPercentile: 99 });

/** Answers each query of {@link spec} from `values` (a missing one: no series). */
function signals(values: Partial<Record<string, number | string>>): (q: { query: string }) => PrometheusAnswer {
  return ({ query }) => vector(values[query]);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let prometheus: FakePrometheus;
beforeEach(async () => {
  prometheus = await FakePrometheus.start(() => vector());
});
afterEach(() => prometheus.close());

describe('PrometheusClient', () => {
  test('POSTs an instant query as a form under the base URL\'s path, with basic authentication from the URL, never shown', async () => {
    prometheus.answer(() => vector(0.25));
    const url = new URL(prometheus.url);
    const client = new PrometheusClient(`http://ops:s3cret@${url.host}/prometheus`);
    expect(await client.query('up{job="x"}')).toEqual([{ labels: { series: '0' }, value: 0.25 }]);
    const [received] = prometheus.queries;
    expect(received).toMatchObject({ method: 'POST', path: '/prometheus/api/v1/query', query: 'up{job="x"}' });
    expect(received.headers.authorization).toBe(`Basic ${Buffer.from('ops:s3cret').toString('base64')}`);
    expect(client.displayUrl).toBe(`http://${url.host}/prometheus`);
  });

  test('reads NaN, +Inf and a scalar result', async () => {
    prometheus.answer(({ query }) => (query === 'scalar'
      ? { status: 200, body: { status: 'success', data: { resultType: 'scalar', result: [1, '3'] } } }
      : vector('NaN', '+Inf')));
    const client = new PrometheusClient(prometheus.url);
    expect((await client.query('v')).map((s) => s.value)).toEqual([NaN, Infinity]);
    expect(await client.query('scalar')).toEqual([{ labels: {}, value: 3 }]);
  });

  test.each<[string, PrometheusAnswer, RegExp]>([
    ['an error answer', { status: 400, body: { status: 'error', errorType: 'bad_data', error: 'parse error at char 3' } }, /answered HTTP 400: bad_data: parse error at char 3$/],
    ['a body that is not JSON', { status: 200, text: '<html>login</html>' }, /answered HTTP 200 with a body that is not JSON \(is it Prometheus's URL\?\): <html>login<\/html>$/],
    ['a range result', { status: 200, body: { status: 'success', data: { resultType: 'matrix', result: [] } } }, /answered a matrix result; the query must give an instant vector$/],
  ])('fails with a PrometheusError on %s', async (_, answer, message) => {
    prometheus.answer(() => answer);
    await expect(new PrometheusClient(prometheus.url).query('up')).rejects.toThrow(message);
  });

  test('fails when Prometheus cannot be reached, or does not answer in time', async () => {
    const port = await closedPort();
    await expect(new PrometheusClient(`http://127.0.0.1:${port}`).query('up')).rejects.toThrow(new PrometheusError(`http://127.0.0.1:${port}/api/v1/query cannot be reached: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${port})`));
    prometheus.answer(() => 'hang');
    await expect(new PrometheusClient(prometheus.url, 200).query('up')).rejects.toThrow(`${prometheus.url} did not answer within 0.2s`);
  });

  test.each([
    ['localhost 9090', /^'localhost 9090' is not a URL; give Prometheus's base URL/],
    ['prometheus:9090', /^the Prometheus URL must start with http:\/\/ or https:\/\/, e.g. http:\/\/prometheus.monitoring:9090; its scheme is 'prometheus:'$/],
    ['ftp://prometheus', /its scheme is 'ftp:'$/],
    ['http://prometheus:9090/graph?g0.expr=up', /its base URL, without a query or fragment/],
  ])('refuses the URL %s', (url, message) => {
    expect(() => PrometheusClient.parseUrl(url)).toThrow(message);
  });
});

describe('checkCanary', () => {
  const check = (analysis: CanaryAnalysisSpec) => checkCanary(new PrometheusClient(prometheus.url), analysis);

  test('passes a canary within the margin', async () => {
    prometheus.answer(signals({ canary_rate: 2, canary_ratio: 0.015, stable_ratio: 0.01 }));
    expect(await check(spec())).toEqual({
      service: 'shop/reviews',
      verdict: 'pass',
      summary: 'canary 1.5% errors of 120 requests, stable 1% (allowed: +1 points)',
      canaryRequests: 120,
      canaryErrorPercent: 1.5,
      stableErrorPercent: 1,
    });
    expect(prometheus.queries.map((q) => q.query).sort()).toEqual(['canary_rate', 'canary_ratio', 'stable_ratio']);
  });

  test('fails a canary whose error rate exceeds the stable one by more than the margin (percentage points)', async () => {
    prometheus.answer(signals({ canary_rate: 2, canary_ratio: 0.05, stable_ratio: 0.01 }));
    expect(await check(spec())).toMatchObject({
      verdict: 'fail',
      summary: 'canary 5% errors of 120 requests, stable 1%: 4 points above the stable revision, more than the 1 allowed (maxErrorPercentAboveStable)',
    });
  });

  test('a margin of 0: the canary may do no worse than the stable revision', async () => {
    prometheus.answer(signals({ canary_rate: 2, canary_ratio: 0.01, stable_ratio: 0.01 }));
    expect((await check(spec({ maxErrorPercentAboveStable: 0 }))).verdict).toBe('pass');
    prometheus.answer(signals({ canary_rate: 2, canary_ratio: 0.011, stable_ratio: 0.01 }));
    expect((await check(spec({ maxErrorPercentAboveStable: 0 }))).verdict).toBe('fail');
  });

  test.each<[string, Record<string, number>, string]>([
    ['too few canary requests', { canary_rate: 0.3, canary_ratio: 1, stable_ratio: 0 }, 'the canary served 18 requests in the last 60s, fewer than minRequests (20)'],
    ['no canary series at all', {}, 'the canary served 0 requests in the last 60s, fewer than minRequests (20)'],
    ['no stable traffic', { canary_rate: 2, canary_ratio: 0.5 }, 'the stable revision served no request in the last 60s, so there is nothing to compare the canary with'],
  ])('is inconclusive with %s, whatever the canary\'s errors', async (_, values, summary) => {
    prometheus.answer(signals(values));
    expect(await check(spec())).toMatchObject({ verdict: 'inconclusive', summary });
  });

  test('compares latency at the percentile when asked', async () => {
    prometheus.answer(signals({ canary_rate: 2, canary_ratio: 0, stable_ratio: 0, canary_latency: 0.3, stable_latency: 0.2 }));
    expect(await check(withLatency(150))).toMatchObject({
      verdict: 'pass',
      canaryLatencyMs: 300,
      stableLatencyMs: 200,
      summary: 'canary 0% errors of 120 requests, stable 0% (allowed: +1 points); p99 latency canary 300 ms, stable 200 ms (allowed: +150 ms)',
    });
    expect(await check(withLatency(50))).toMatchObject({
      verdict: 'fail',
      summary: 'canary 0% errors of 120 requests, stable 0% (allowed: +1 points); p99 latency canary 300 ms, stable 200 ms: 100 ms above the stable revision, more than the 50 ms allowed (maxLatencyMsAboveStable)',
    });
    prometheus.answer(signals({ canary_rate: 2, canary_ratio: 0, stable_ratio: 0, canary_latency: 0.3 }));
    expect(await check(withLatency(50))).toMatchObject({ verdict: 'inconclusive', summary: expect.stringContaining('no p99 latency of the stable revision in the last 60s') });
  });

  test('fails when a query gives more than one series', async () => {
    prometheus.answer(({ query }) => (query === 'canary_rate' ? vector(1, 2) : vector(0)));
    await expect(check(spec())).rejects.toThrow(/the query gave 2 series where one was expected .*: canary_rate$/);
  });
});

describe('analyseDuringPause', () => {
  const run = (analyses: CanaryAnalysisSpec[], pauseSeconds: number, url = prometheus.url) => {
    const events: DeployEvent[] = [];
    return analyseDuringPause(new PrometheusClient(url), analyses, pauseSeconds, (e) => events.push(e)).then((failure) => ({ failure, events }));
  };

  test('checks at each interval and at the end of the pause; passes a healthy canary', async () => {
    prometheus.answer(signals({ canary_rate: 2, canary_ratio: 0, stable_ratio: 0 }));
    const { failure, events } = await run([spec({ intervalSeconds: 1 })], 2);
    expect(failure).toBeUndefined();
    expect(events[0]).toEqual({ type: 'analysis', services: ['shop/reviews'], prometheus: prometheus.url, seconds: 2 });
    const checks = events.filter((e) => e.type === 'analysis-check');
    expect(checks.map((e) => e.type === 'analysis-check' && e.reading.verdict)).toEqual(['pass', 'pass']);
    expect(checks.every((e) => e.type === 'analysis-check' && e.elapsedSeconds >= 1)).toBe(true);
  });

  test('fails at the first check that finds the canary worse, and checks no more', async () => {
    prometheus.answer(signals({ canary_rate: 2, canary_ratio: 0.2, stable_ratio: 0 }));
    const started = Date.now();
    const { failure, events } = await run([spec({ intervalSeconds: 1 })], 30);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(failure).toEqual({ service: 'shop/reviews', reason: expect.stringMatching(/^canary 20% errors of 120 requests, stable 0%: 20 points above/) });
    expect(events.at(-1)).toEqual({ type: 'analysis-failed', ...failure });
    expect(prometheus.queries).toHaveLength(3);
  });

  test('fails safe when Prometheus cannot be reached', async () => {
    const port = await closedPort();
    const { failure } = await run([spec()], 1, `http://127.0.0.1:${port}`);
    expect(failure?.reason).toBe(`Prometheus could not be queried, so the canary cannot be judged and is not trusted: http://127.0.0.1:${port}/api/v1/query cannot be reached: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${port})`);
  });

  test('fails safe when no check of the pause was conclusive', async () => {
    prometheus.answer(signals({ canary_rate: 0.1, canary_ratio: 0, stable_ratio: 0 }));
    const { failure, events } = await run([spec()], 1);
    expect(events.filter((e) => e.type === 'analysis-check')).toHaveLength(1);
    expect(failure?.reason).toBe(
      'inconclusive: no check in the 1s pause could judge the canary (the last: the canary served 6 requests in the last 60s, fewer than minRequests (20)), ' +
        'and an unproven canary is not trusted; send it traffic during the pause, lengthen the pause, or lower minRequests',
    );
  });

  test('an inconclusive check followed by a passing one passes', async () => {
    let calls = 0;
    prometheus.answer(({ query }) => (query === 'canary_rate' ? vector(calls++ === 0 ? 0 : 2) : vector(0)));
    const { failure, events } = await run([spec({ intervalSeconds: 1 })], 2);
    expect(failure).toBeUndefined();
    expect(events.flatMap((e) => (e.type === 'analysis-check' ? [e.reading.verdict] : []))).toEqual(['inconclusive', 'pass']);
  });

  test('analyses of several services run side by side; one failing stops the others', async () => {
    const other = spec({ service: 'shop/ratings', intervalSeconds: 1, canary: { requestRate: 'r_rate', errorRatio: 'r_ratio' }, stable: { requestRate: 'r_stable_rate', errorRatio: 'r_stable_ratio' } });
    prometheus.answer(signals({ canary_rate: 2, canary_ratio: 0, stable_ratio: 0, r_rate: 2, r_ratio: 0.5, r_stable_ratio: 0 }));
    const { failure, events } = await run([spec({ intervalSeconds: 5 }), other], 10);
    expect(failure?.service).toBe('shop/ratings');
    expect(events.filter((e) => e.type === 'analysis-failed')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'analysis-check' && e.reading.service === 'shop/reviews')).toEqual([]);
  });
});
