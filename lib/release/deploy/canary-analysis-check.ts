import { CanaryAnalysisSpec } from '../../core/canary-steps';
import { PrometheusClient, PrometheusError } from './prometheus-client';

/** What one check of a canary analysis read, and its verdict. */
export interface AnalysisReading {
  /** The service, `<namespace>/<name>`. */
  readonly service: string;
  /**
   * - `pass`: the canary is within every margin;
   * - `fail`: it is worse than a margin allows;
   * - `inconclusive`: too few canary requests, or nothing to compare with.
   */
  readonly verdict: 'pass' | 'fail' | 'inconclusive';
  /** The reading in words, e.g. "canary 0.5% errors of 120 requests, stable 0.2% (allowed: +1 points)". */
  readonly summary: string;
  /** Requests the canary served in the window. */
  readonly canaryRequests: number;
  readonly canaryErrorPercent?: number;
  readonly stableErrorPercent?: number;
  readonly canaryLatencyMs?: number;
  readonly stableLatencyMs?: number;
}

/** Differences this small are float noise, not a breach. */
const EPSILON = 1e-9;

/**
 * Reads an analysis's signals once and judges the canary: enough requests
 * (`minRequests` in the window), then its error percentage against the
 * stable revision's plus the margin, then (if asked) its latency likewise.
 *
 * @throws PrometheusError when a query fails or gives more than one series
 */
export async function checkCanary(client: PrometheusClient, spec: CanaryAnalysisSpec): Promise<AnalysisReading> {
  const latency = spec.maxLatencyMsAboveStable !== undefined;
  const [canaryRate, canaryRatio, stableRatio, canarySeconds, stableSeconds] = await Promise.all([
    single(client, spec.canary.requestRate),
    single(client, spec.canary.errorRatio),
    single(client, spec.stable.errorRatio),
    latency ? single(client, spec.canary.latencySeconds!) : undefined,
    latency ? single(client, spec.stable.latencySeconds!) : undefined,
  ]);
  const window = `the last ${spec.windowSeconds}s`;
  const canaryRequests = (canaryRate ?? 0) * spec.windowSeconds;
  const base = { service: spec.service, canaryRequests: round(canaryRequests) };
  if (!(canaryRequests >= spec.minRequests) || canaryRatio === undefined) {
    return { ...base, verdict: 'inconclusive', summary: `the canary served ${round(canaryRequests)} requests in ${window}, fewer than minRequests (${spec.minRequests})` };
  }
  if (stableRatio === undefined) {
    return { ...base, verdict: 'inconclusive', summary: `the stable revision served no request in ${window}, so there is nothing to compare the canary with` };
  }
  const canaryErrorPercent = round(canaryRatio * 100);
  const stableErrorPercent = round(stableRatio * 100);
  const errors = { ...base, canaryErrorPercent, stableErrorPercent };
  const errorText = `canary ${canaryErrorPercent}% errors of ${base.canaryRequests} requests, stable ${stableErrorPercent}%`;
  const margin = spec.maxErrorPercentAboveStable;
  if (canaryRatio * 100 - stableRatio * 100 > margin + EPSILON) {
    return { ...errors, verdict: 'fail', summary: `${errorText}: ${round(canaryErrorPercent - stableErrorPercent)} points above the stable revision, more than the ${margin} allowed (maxErrorPercentAboveStable)` };
  }
  const errorsOk = `${errorText} (allowed: +${margin} points)`;
  if (!latency) {
    return { ...errors, verdict: 'pass', summary: errorsOk };
  }
  const p = `p${spec.latencyPercentile}`;
  if (canarySeconds === undefined || stableSeconds === undefined || stableSeconds === Infinity) {
    const which = canarySeconds === undefined ? 'the canary' : 'the stable revision';
    const why = stableSeconds === Infinity ? `the stable revision's ${p} latency lies beyond the histogram's last bucket` : `no ${p} latency of ${which} in ${window}`;
    return { ...errors, verdict: 'inconclusive', summary: `${errorsOk}; ${why}` };
  }
  const canaryLatencyMs = round(canarySeconds * 1000);
  const stableLatencyMs = round(stableSeconds * 1000);
  const readings = { ...errors, canaryLatencyMs, stableLatencyMs };
  const latencyText = `${p} latency canary ${canaryLatencyMs} ms, stable ${stableLatencyMs} ms`;
  const allowed = spec.maxLatencyMsAboveStable!;
  if (canarySeconds * 1000 - stableSeconds * 1000 > allowed + EPSILON) {
    return { ...readings, verdict: 'fail', summary: `${errorsOk}; ${latencyText}: ${round(canaryLatencyMs - stableLatencyMs)} ms above the stable revision, more than the ${allowed} ms allowed (maxLatencyMsAboveStable)` };
  }
  return { ...readings, verdict: 'pass', summary: `${errorsOk}; ${latencyText} (allowed: +${allowed} ms)` };
}

/**
 * The value of a query that gives at most one series; `undefined` for none
 * or NaN (a ratio of no requests); +Inf stays (a quantile beyond the last bucket).
 */
async function single(client: PrometheusClient, query: string): Promise<number | undefined> {
  const samples = await client.query(query);
  if (samples.length > 1) {
    throw new PrometheusError(`the query gave ${samples.length} series where one was expected (${samples.map((s) => JSON.stringify(s.labels)).join(', ')}): ${query}`);
  }
  const value = samples[0]?.value;
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/** Two decimals at most, for reading. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
