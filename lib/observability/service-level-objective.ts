import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';

/** A latency objective: the share of requests that must be faster than a threshold. */
export interface LatencyObjectiveProps {
  /** The share of requests, in percent, that must finish within the threshold, e.g. 99. */
  readonly percent: number;
  /**
   * The threshold in milliseconds. It must be a bucket boundary of the latency
   * histogram (the mesh's, or the declared `bucketsSeconds` of the app's).
   */
  readonly thresholdMilliseconds: number;
}

/**
 * The service level objectives of a service or function, over 30 days. Each
 * becomes recording rules of its error ratio over the burn-rate windows and
 * multi-window multi-burn-rate alerts (page: 1h/5m at 14.4×, 6h/30m at 6×;
 * ticket: 1d/2h at 3×, 3d/6h at 1×).
 *
 * @see https://sre.google/workbook/alerting-on-slos/
 */
export interface ServiceLevelObjectiveProps {
  /**
   * The share of requests, in percent, that must not fail, e.g. 99.9.
   * @default - no availability objective
   */
  readonly availabilityPercent?: number;
  /**
   * The latency objective.
   * @default - no latency objective
   */
  readonly latency?: LatencyObjectiveProps;
}

/** One objective, resolved: what it measures and its error budget. */
export interface ServiceLevelObjective {
  /** 'availability' or 'latency': the `slo` label of its rules. */
  readonly kind: 'availability' | 'latency';
  /** The objective in percent. */
  readonly percent: number;
  /** The error budget as a ratio, e.g. 0.001 for 99.9%. */
  readonly errorBudget: number;
  /** For latency: the threshold in milliseconds. */
  readonly thresholdMilliseconds?: number;
}

/** A burn-rate alert: both windows must burn faster than `factor` × the budget. */
export interface BurnRateWindow {
  readonly long: string;
  readonly short: string;
  readonly factor: number;
  readonly severity: 'page' | 'ticket';
}

/** The multi-window multi-burn-rate alerts of the SRE workbook, as SLO generators (Sloth, Pyrra) emit them. */
export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { long: '1h', short: '5m', factor: 14.4, severity: 'page' },
  { long: '6h', short: '30m', factor: 6, severity: 'page' },
  { long: '1d', short: '2h', factor: 3, severity: 'ticket' },
  { long: '3d', short: '6h', factor: 1, severity: 'ticket' },
];

/** Every window an SLI is recorded over, shortest first. */
export const SLI_WINDOWS: readonly string[] = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/**
 * The objectives, checked.
 *
 * @throws ValidationError for a percent outside (0, 100) or a threshold that is not a positive number
 *
 * @internal
 */
export function resolveObjectives(props: ServiceLevelObjectiveProps, scope: IConstruct): ServiceLevelObjective[] {
  const objectives: ServiceLevelObjective[] = [];
  if (props.availabilityPercent !== undefined) {
    objectives.push({ kind: 'availability', ...budget('slo.availabilityPercent', props.availabilityPercent, scope) });
  }
  if (props.latency !== undefined) {
    const threshold = props.latency.thresholdMilliseconds;
    if (!(threshold > 0)) {
      throw new ValidationError(`slo.latency.thresholdMilliseconds must be a positive number of milliseconds, got ${threshold}; e.g. 250`, scope);
    }
    objectives.push({ kind: 'latency', thresholdMilliseconds: threshold, ...budget('slo.latency.percent', props.latency.percent, scope) });
  }
  return objectives;
}

function budget(what: string, percent: number, scope: IConstruct): { percent: number; errorBudget: number } {
  if (!(percent > 0 && percent < 100)) {
    throw new ValidationError(`${what} must be above 0 and below 100, got ${percent}; e.g. 99.9 for 99.9%`, scope);
  }
  return { percent, errorBudget: decimal((100 - percent) / 100) };
}

/**
 * A number without float noise (0.0009999999999999432 → 0.001), so rules show what was declared.
 *
 * @internal
 */
export function decimal(value: number): number {
  return Number(value.toPrecision(12));
}
