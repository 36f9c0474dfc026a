import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CanaryAnalysisSpec } from '../../core/canary-steps';
import { ValidationError } from '../../core/validation-error';
import { ObservedWorkload } from '../../observability/observed-workload';
import { revisionSignalQueries } from '../../observability/revision-signals';
import { decimal } from '../../observability/service-level-objective';
import type { Microservice } from '../../workload/microservice';
import type { Revision } from '../../workload/revision';

/**
 * What `immutable-infra deploy` checks during a canary step's pause: the
 * canary revision's golden signals against the stable revision's, read from
 * Prometheus (`--prometheus-url`) with the queries of the service's recording
 * rules (so the service must be observed with `Monitoring.observe`). A check
 * that finds the canary worse than allowed fails the step: every moved
 * pointer is put back, as when a health gate fails. A check counts only
 * once the canary served `minRequests` in the window; a pause that ends
 * without any check that counted fails the step too (there was no evidence
 * the canary is healthy), and so does a Prometheus that cannot be queried.
 *
 * @example
 *   steps: [{ percent: 10, pause: Duration.minutes(5), analysis: { maxErrorPercentAboveStable: 1 } }]
 */
export interface CanaryAnalysis {
  /**
   * How many percentage points the canary's error rate (the share of its
   * requests that failed, as the service's recording rules count failures:
   * 5xx responses) may exceed the stable revision's, 0-100. An absolute
   * margin: with 1, a stable revision failing 0.5% of its requests lets the
   * canary fail up to 1.5%; with 0, the canary may fail no more than the
   * stable one.
   */
  readonly maxErrorPercentAboveStable: number;
  /**
   * How many milliseconds the canary's latency at `latencyPercentile` may
   * exceed the stable revision's.
   * @default - latency is not compared
   */
  readonly maxLatencyMsAboveStable?: number;
  /**
   * The latency percentile compared (with `maxLatencyMsAboveStable`), above 0 and below 100.
   * @default 99
   */
  readonly latencyPercentile?: number;
  /**
   * How many requests the canary must have served in the window for a check
   * to count; a check with fewer is inconclusive and the pause goes on.
   * @default 20
   */
  readonly minRequests?: number;
  /**
   * How often Prometheus is queried during the pause, in whole seconds, at
   * most the pause; the pause's end is always a check.
   * @default - 30 seconds, or the pause if it is shorter
   */
  readonly interval?: Duration;
  /**
   * How far back each query looks (the range of its `rate()`), in whole
   * seconds; at least two scrape intervals of the service's `Monitoring`,
   * so every range holds two samples.
   * @default - 1 minute, or two scrape intervals if that is longer
   */
  readonly window?: Duration;
}

/**
 * A step's analysis with the checks that need nothing but its own values done.
 *
 * @internal
 */
export interface CheckedAnalysis {
  /** Where it is declared, e.g. 'steps[0].analysis'. */
  readonly at: string;
  readonly analysis: CanaryAnalysis;
  readonly intervalSeconds: number;
  /** The window, when declared (the default depends on the scrape interval). */
  readonly windowSeconds: number | undefined;
  readonly minRequests: number;
}

const DEFAULT_INTERVAL_SECONDS = 30;
const DEFAULT_MIN_REQUESTS = 20;
const DEFAULT_LATENCY_PERCENTILE = 99;
const MIN_DEFAULT_WINDOW_SECONDS = 60;

/**
 * Checks an analysis's values against each other and the step's pause.
 *
 * @param at where it is declared, for messages, e.g. 'steps[0].analysis'
 * @throws ValidationError for a bad margin, count, percentile or duration, or a step without a pause
 * @internal
 */
export function checkAnalysis(analysis: CanaryAnalysis, pauseSeconds: number | undefined, at: string, scope: IConstruct): CheckedAnalysis {
  const fail = (detail: string) => new ValidationError(`${at}.${detail}`, scope);
  if (pauseSeconds === undefined || pauseSeconds === 0) {
    throw new ValidationError(`${at} runs during the step's pause, and the step has none; give the step a pause, e.g. pause: Duration.minutes(5)`, scope);
  }
  const margin = analysis.maxErrorPercentAboveStable;
  if (!(margin >= 0 && margin <= 100)) {
    throw fail(`maxErrorPercentAboveStable must be 0-100 (percentage points), got ${margin}`);
  }
  const latency = analysis.maxLatencyMsAboveStable;
  if (latency !== undefined && !(latency >= 0)) {
    throw fail(`maxLatencyMsAboveStable must be a number of milliseconds ≥ 0, got ${latency}`);
  }
  const percentile = analysis.latencyPercentile;
  if (percentile !== undefined && latency === undefined) {
    throw fail('latencyPercentile compares nothing without maxLatencyMsAboveStable; add it, or drop latencyPercentile');
  }
  if (percentile !== undefined && !(percentile > 0 && percentile < 100)) {
    throw fail(`latencyPercentile must be above 0 and below 100, got ${percentile}`);
  }
  const minRequests = analysis.minRequests ?? DEFAULT_MIN_REQUESTS;
  if (!Number.isInteger(minRequests) || minRequests < 1) {
    throw fail(`minRequests must be a whole number ≥ 1, got ${minRequests}`);
  }
  const intervalSeconds = analysis.interval === undefined ? Math.min(DEFAULT_INTERVAL_SECONDS, pauseSeconds) : wholeSeconds(analysis.interval, 'interval', fail);
  if (intervalSeconds > pauseSeconds) {
    throw fail(`interval (${intervalSeconds}s) is longer than the step's pause (${pauseSeconds}s), so no check would run before its end; shorten the interval or lengthen the pause`);
  }
  const windowSeconds = analysis.window === undefined ? undefined : wholeSeconds(analysis.window, 'window', fail);
  return { at, analysis, intervalSeconds, windowSeconds, minRequests };
}

function wholeSeconds(duration: Duration, name: string, fail: (detail: string) => ValidationError): number {
  const seconds = duration.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw fail(`${name} must be a whole number of seconds ≥ 1, got ${seconds}s`);
  }
  return seconds;
}

/**
 * The `Monitoring.observe` of a service anywhere in its app, if any.
 *
 * @internal
 */
export function observationOf(service: Microservice): ObservedWorkload | undefined {
  return service.node.root.node.findAll().find((c): c is ObservedWorkload =>
    c instanceof ObservedWorkload && c.target.name === service.serviceName && c.target.namespace === service.namespace);
}

/**
 * What is wrong with an analysis of `service` once the app is complete: the
 * service is not observed, or the window is too short for its scrape interval.
 *
 * @internal
 */
export function analysisProblems(checked: CheckedAnalysis, service: Microservice): string[] {
  const observed = observationOf(service);
  if (observed === undefined) {
    return [
      `${checked.at} compares the canary's golden signals with the stable revision's in Prometheus, but service ${service.serviceName} is not observed, ` +
        `so no series carries its revision; observe it: monitoring.observe(${service.serviceName}) with a Monitoring in the app`,
    ];
  }
  const shortest = 2 * observed.scrapeIntervalSeconds;
  if (checked.windowSeconds !== undefined && checked.windowSeconds < shortest) {
    return [
      `${checked.at}.window (${checked.windowSeconds}s) is shorter than two scrape intervals of service ${service.serviceName} (${observed.scrapeIntervalSeconds}s each), ` +
        `so a range could hold fewer than two samples and rate() would have nothing; use at least Duration.seconds(${shortest})`,
    ];
  }
  return [];
}

/**
 * The analysis as the release's pointers carry it, with the PromQL of both revisions.
 *
 * @internal
 */
export function analysisSpec(checked: CheckedAnalysis, observed: ObservedWorkload, stable: Revision, canary: Revision): CanaryAnalysisSpec {
  const { analysis } = checked;
  const windowSeconds = checked.windowSeconds ?? Math.max(MIN_DEFAULT_WINDOW_SECONDS, 2 * observed.scrapeIntervalSeconds);
  const latency = analysis.maxLatencyMsAboveStable;
  const percentile = latency === undefined ? undefined : analysis.latencyPercentile ?? DEFAULT_LATENCY_PERCENTILE;
  const quantile = percentile === undefined ? undefined : decimal(percentile / 100);
  return {
    service: `${observed.target.namespace ?? 'default'}/${observed.target.name}`,
    intervalSeconds: checked.intervalSeconds,
    windowSeconds,
    minRequests: checked.minRequests,
    maxErrorPercentAboveStable: analysis.maxErrorPercentAboveStable,
    ...(latency === undefined ? {} : { maxLatencyMsAboveStable: latency, latencyPercentile: percentile }),
    canary: revisionSignalQueries(observed.target, canary.revisionId, windowSeconds, quantile),
    stable: revisionSignalQueries(observed.target, stable.revisionId, windowSeconds, quantile),
  };
}
