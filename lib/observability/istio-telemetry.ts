/** Where a workload's traces go. */
export interface TracingProps {
  /**
   * The name of a tracing extension provider of the mesh config
   * (`meshConfig.extensionProviders`), e.g. an OpenTelemetry collector or Jaeger.
   */
  readonly provider: string;
  /**
   * The share of requests traced, in percent (0-100).
   * @default 1
   */
  readonly samplingPercentage?: number;
}

/**
 * The `spec` of an Istio Telemetry for one workload's pods: its tracing
 * provider and sampling, and its access log provider.
 *
 * @see https://istio.io/latest/docs/reference/config/telemetry/
 *
 * @internal
 */
export function istioTelemetrySpec(
  podSelector: Readonly<Record<string, string>>,
  tracing: TracingProps | undefined,
  accessLogProvider: string | undefined,
): Record<string, unknown> {
  return {
    selector: { matchLabels: { ...podSelector } },
    ...(tracing === undefined
      ? {}
      : { tracing: [{ providers: [{ name: tracing.provider }], randomSamplingPercentage: tracing.samplingPercentage ?? 1 }] }),
    ...(accessLogProvider === undefined ? {} : { accessLogging: [{ providers: [{ name: accessLogProvider }] }] }),
  };
}
