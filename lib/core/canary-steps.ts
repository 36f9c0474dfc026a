/**
 * The annotation a stepped canary puts on its route pointers (VirtualService,
 * HTTPRoute): what `immutable-infra deploy` needs to walk the steps.
 */
export const CANARY_STEPS_ANNOTATION = 'immutable-infra.dev/canary-steps';

/** One backend of a stepped canary: how Istio (subset = track) and HTTPRoutes (backend = revision name) name it. */
export interface CanaryBackend {
  readonly track: string;
  readonly name: string;
}

/** The value of {@link CANARY_STEPS_ANNOTATION}, as JSON. */
export interface CanaryStepsAnnotation {
  /** The index of the canary's route among the service's routes (its rule in the pointer). */
  readonly route: number;
  readonly stable: CanaryBackend;
  readonly canary: CanaryBackend;
  /** The canary's share and the pause at each step, increasing. */
  readonly steps: ReadonlyArray<{ readonly percent: number; readonly pauseSeconds?: number }>;
}
