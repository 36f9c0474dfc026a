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
  /** The canary's share, the pause and the analysis during the pause at each step, increasing. */
  readonly steps: ReadonlyArray<{ readonly percent: number; readonly pauseSeconds?: number; readonly analysis?: CanaryAnalysisSpec }>;
}

/** The PromQL of one revision's golden signals an analysis reads. */
export interface CanaryAnalysisQueries {
  /** Requests per second over the window. */
  readonly requestRate: string;
  /** Failed requests per request over the window. */
  readonly errorRatio: string;
  /** The latency at the percentile compared, in seconds; absent when latency is not compared. */
  readonly latencySeconds?: string;
}

/**
 * What `immutable-infra deploy` checks in Prometheus during a step's pause
 * (see `CanaryAnalysis`), with the queries themselves, so deploy needs
 * nothing but the dist and the Prometheus URL.
 */
export interface CanaryAnalysisSpec {
  /** The service analysed, `<namespace>/<name>`, for messages. */
  readonly service: string;
  readonly intervalSeconds: number;
  readonly windowSeconds: number;
  readonly minRequests: number;
  readonly maxErrorPercentAboveStable: number;
  readonly maxLatencyMsAboveStable?: number;
  readonly latencyPercentile?: number;
  readonly canary: CanaryAnalysisQueries;
  readonly stable: CanaryAnalysisQueries;
}
