import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../../core/validation-error';
import { KnativeServingApi } from './knative-serving-api';

/**
 * How a function's revision scales, with Knative's autoscaler (KPA).
 *
 * @see https://knative.dev/docs/serving/autoscaling/
 */
export interface FunctionScalingProps {
  /**
   * Fewest pods. 0 lets the revision scale to zero when idle (a cold start on
   * the next request); 1 or more keeps pods warm.
   * @default 0
   */
  readonly minScale?: number;
  /**
   * Most pods.
   * @default - no limit of the function's own (the cluster's `max-scale`)
   */
  readonly maxScale?: number;
  /**
   * Soft target of requests in flight per pod; the autoscaler adds pods to
   * keep the average near it. One of `targetConcurrency` and
   * `targetRequestsPerSecond`.
   * @default - the cluster's `container-concurrency-target-default` (100)
   */
  readonly targetConcurrency?: number;
  /**
   * Soft target of requests per second per pod, instead of concurrency.
   * @default - scale on concurrency
   */
  readonly targetRequestsPerSecond?: number;
  /**
   * Hard limit of requests in flight per pod (`containerConcurrency`); more
   * wait in the queue-proxy. 0 means no limit.
   * @default 0
   */
  readonly containerConcurrency?: number;
  /**
   * How long demand must stay low before pods are removed (whole seconds, at
   * most 1h): smooths bursty traffic and delays scale to zero.
   * @default - none: scale down as soon as demand drops
   */
  readonly scaleDownDelay?: Duration;
}

/** The autoscaling part of a revision template. */
export interface RenderedScaling {
  /** The `autoscaling.knative.dev/*` annotations. */
  readonly annotations: Record<string, string>;
  /** The hard concurrency limit. */
  readonly containerConcurrency: number;
}

/**
 * The annotations and hard limit of a function's scaling.
 *
 * @throws ValidationError for a scale or target out of range, min above max,
 *   both targets, a soft target above the hard limit, or a sub-second or too long delay
 * @internal
 */
export function renderScaling(props: FunctionScalingProps, scope: IConstruct): RenderedScaling {
  const minScale = props.minScale ?? 0;
  assertWhole('scaling.minScale', minScale, 0, Number.MAX_SAFE_INTEGER, scope);
  const annotations: Record<string, string> = { [KnativeServingApi.MIN_SCALE]: String(minScale) };
  if (props.maxScale !== undefined) {
    assertWhole('scaling.maxScale', props.maxScale, 1, Number.MAX_SAFE_INTEGER, scope);
    if (minScale > props.maxScale) {
      throw new ValidationError(
        `scaling.minScale (${minScale}) is above scaling.maxScale (${props.maxScale}), so the function could never scale; ` +
          'lower minScale or raise maxScale',
        scope,
      );
    }
    annotations[KnativeServingApi.MAX_SCALE] = String(props.maxScale);
  }
  const containerConcurrency = props.containerConcurrency ?? 0;
  assertWhole('scaling.containerConcurrency', containerConcurrency, 0, KnativeServingApi.MAX_CONTAINER_CONCURRENCY, scope);
  if (props.targetConcurrency !== undefined && props.targetRequestsPerSecond !== undefined) {
    throw new ValidationError(
      'scaling sets both targetConcurrency and targetRequestsPerSecond, and Knative scales on one metric; keep one',
      scope,
    );
  }
  if (props.targetConcurrency !== undefined) {
    assertTarget('scaling.targetConcurrency', props.targetConcurrency, scope);
    if (containerConcurrency > 0 && props.targetConcurrency > containerConcurrency) {
      throw new ValidationError(
        `scaling.targetConcurrency (${props.targetConcurrency}) is above the hard limit containerConcurrency (${containerConcurrency}), ` +
          'so the target is never reached; lower the target or raise the limit',
        scope,
      );
    }
    annotations[KnativeServingApi.METRIC] = 'concurrency';
    annotations[KnativeServingApi.TARGET] = String(props.targetConcurrency);
  }
  if (props.targetRequestsPerSecond !== undefined) {
    assertTarget('scaling.targetRequestsPerSecond', props.targetRequestsPerSecond, scope);
    annotations[KnativeServingApi.METRIC] = 'rps';
    annotations[KnativeServingApi.TARGET] = String(props.targetRequestsPerSecond);
  }
  if (props.scaleDownDelay !== undefined) {
    const seconds = wholeSeconds('scaling.scaleDownDelay', props.scaleDownDelay, 1, KnativeServingApi.MAX_SCALE_DOWN_DELAY_SECONDS, scope);
    annotations[KnativeServingApi.SCALE_DOWN_DELAY] = `${seconds}s`;
  }
  return { annotations, containerConcurrency };
}

/**
 * A duration as whole seconds within bounds.
 *
 * @throws ValidationError for a fraction of a second or a value out of bounds
 * @internal
 */
export function wholeSeconds(what: string, duration: Duration, min: number, max: number, scope: IConstruct): number {
  const millis = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(millis / 1000) || millis / 1000 < min || millis / 1000 > max) {
    throw new ValidationError(`${what} must be whole seconds from ${min}s to ${max}s, got ${millis}ms`, scope);
  }
  return millis / 1000;
}

function assertWhole(what: string, value: number, min: number, max: number, scope: IConstruct): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new ValidationError(`${what} must be a whole number ${range}, got ${value}`, scope);
  }
}

/** Knative reads targets with two decimals and needs at least 0.01. */
function assertTarget(what: string, value: number, scope: IConstruct): void {
  if (!Number.isFinite(value) || value < 0.01 || Math.abs(Math.round(value * 100) - value * 100) > 1e-9) {
    throw new ValidationError(`${what} must be a number ≥ 0.01 with at most two decimals, got ${value}`, scope);
  }
}
