import { Duration } from 'cdk8s';
import { ScaleTrigger } from './scale-trigger';

/**
 * Event-driven scaling of a revision by KEDA: a ScaledObject that scales the
 * revision's Deployment on queues, streams or schedules, down to zero when
 * idle. KEDA makes and owns the HorizontalPodAutoscaler, so a revision scaled
 * by events has neither fixed replicas nor `autoscaling`.
 *
 * @see https://keda.sh/docs/latest/reference/scaledobject-spec/
 */
export interface EventScalingProps {
  /**
   * Fewest replicas; 0 scales the revision to zero while no trigger is active.
   * @default 0
   */
  readonly minReplicas?: number;
  /** Most replicas (≥ 1, ≥ minReplicas). */
  readonly maxReplicas: number;
  /** What to scale on; the revision gets the most replicas any trigger asks for. */
  readonly triggers: readonly ScaleTrigger[];
  /**
   * How often KEDA checks each trigger (whole seconds).
   * @default Duration.seconds(30)
   */
  readonly pollingInterval?: Duration;
  /**
   * How long after the last active trigger the revision goes to zero (whole
   * seconds); only for a revision that scales to zero.
   * @default Duration.minutes(5)
   */
  readonly cooldownPeriod?: Duration;
  /**
   * With `minReplicas` ≥ 1: go to zero while no trigger is active, and straight
   * back to `minReplicas` when one is (KEDA `idleReplicaCount: 0`).
   * @default false
   */
  readonly idleToZero?: boolean;
  /**
   * Replicas to run while a trigger's scaler keeps failing (its broker is
   * unreachable), instead of leaving the count where it is.
   * @default - no fallback
   */
  readonly fallbackReplicas?: number;
  /**
   * Consecutive failures of a scaler before `fallbackReplicas` apply.
   * @default 3
   */
  readonly fallbackFailureThreshold?: number;
}
