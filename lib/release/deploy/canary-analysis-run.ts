import { CanaryAnalysisSpec } from '../../core/canary-steps';
import { AnalysisReading, checkCanary } from './canary-analysis-check';
import { DeployEvent } from './deploy-events';
import { PrometheusClient } from './prometheus-client';

/** A canary analysis that failed a step, and why. */
export interface AnalysisFailure {
  /** The service, `<namespace>/<name>`. */
  readonly service: string;
  readonly reason: string;
}

/**
 * Holds a canary stage for its pause while its analyses check Prometheus,
 * each every `intervalSeconds` and once more at the pause's end. Fails at
 * the first check that finds a canary worse than allowed, or that cannot
 * query Prometheus (fail safe: nothing shows the canary is healthy); at the
 * end, fails each analysis none of whose checks was conclusive (too few
 * canary requests, no stable traffic to compare with).
 *
 * @returns the failure; `undefined` when every analysis passed
 */
export async function analyseDuringPause(
  client: PrometheusClient,
  analyses: readonly CanaryAnalysisSpec[],
  pauseSeconds: number,
  report: (event: DeployEvent) => void,
): Promise<AnalysisFailure | undefined> {
  report({ type: 'analysis', services: analyses.map((a) => a.service), prometheus: client.displayUrl, seconds: pauseSeconds });
  const start = Date.now();
  const end = start + pauseSeconds * 1000;
  const stop = new AbortController();
  let failure: AnalysisFailure | undefined;
  const fail = (found: AnalysisFailure) => {
    if (failure === undefined) {
      failure = found;
      stop.abort();
      report({ type: 'analysis-failed', ...found });
    }
  };
  await Promise.all(analyses.map(async (spec) => {
    let judged = false;
    let last: AnalysisReading | undefined;
    for (let at = start + spec.intervalSeconds * 1000; ; at += spec.intervalSeconds * 1000) {
      const due = Math.min(at, end);
      if (!await waitUntil(due, stop.signal)) {
        return;
      }
      try {
        last = await checkCanary(client, spec);
      } catch (error) {
        fail({ service: spec.service, reason: `Prometheus could not be queried, so the canary cannot be judged and is not trusted: ${(error as Error).message}` });
        return;
      }
      if (stop.signal.aborted) {
        return;
      }
      report({ type: 'analysis-check', reading: last, elapsedSeconds: (Date.now() - start) / 1000 });
      if (last.verdict === 'fail') {
        fail({ service: spec.service, reason: last.summary });
        return;
      }
      judged ||= last.verdict === 'pass';
      if (due >= end) {
        break;
      }
    }
    if (!judged) {
      fail({
        service: spec.service,
        reason: `inconclusive: no check in the ${pauseSeconds}s pause could judge the canary (the last: ${last!.summary}), and an unproven canary is not trusted; ` +
          'send it traffic during the pause, lengthen the pause, or lower minRequests',
      });
    }
  }));
  return failure;
}

/**
 * Waits until `time` (ms since the epoch) unless `signal` aborts first.
 *
 * @returns whether the time came (false: aborted)
 */
function waitUntil(time: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted);
      resolve(true);
    }, Math.max(0, time - Date.now()));
    function aborted(): void {
      clearTimeout(timer);
      resolve(false);
    }
    signal.addEventListener('abort', aborted, { once: true });
  });
}
