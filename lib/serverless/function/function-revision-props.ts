import { Duration } from 'cdk8s';
import { RevisionConfigProps } from '../../workload/config-objects';
import { ContainerImage } from '../../workload/container-image';
import { Probe } from '../../workload/probe';
import { ResourceProps } from '../../workload/resources';
import { SecurityProps } from '../../workload/security';
import { FunctionScalingProps } from './function-scaling';

/**
 * What one revision of a function runs and how it scales. All of it is the
 * revision's identity: Knative makes a new immutable revision for any change,
 * so the library names it by the hash of all of it.
 */
export interface FunctionRevisionProps extends RevisionConfigProps {
  /**
   * The container image, by digest (`repo@sha256:…`), or a visible opt-out via
   * `ContainerImage.fromMutableTag`.
   * @default - the function's image
   */
  readonly image?: ContainerImage | string;
  /**
   * The entrypoint.
   * @default - the function's, else the image's ENTRYPOINT
   */
  readonly command?: readonly string[];
  /**
   * Arguments to the entrypoint.
   * @default - the function's, else the image's CMD
   */
  readonly args?: readonly string[];
  /**
   * Plain environment variables.
   * @default - the function's env, or none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * CPU and memory requests and limits.
   * @default - the function's, else 100m/500m CPU, 128Mi/256Mi memory, 128Mi/1Gi ephemeral storage
   */
  readonly resources?: ResourceProps;
  /**
   * Container security settings.
   * @default - the function's, else non-root, read-only root FS, no escalation, drop ALL, RuntimeDefault seccomp
   */
  readonly security?: SecurityProps;
  /**
   * Readiness probe on the function's port (Knative sends traffic to ready pods only).
   * @default - the function's, else Knative's TCP check of the port
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe on the function's port.
   * @default - the function's, else none
   */
  readonly liveness?: Probe;
  /**
   * Autoscaling.
   * @default - the function's, else scale to zero, no max, the cluster's targets
   */
  readonly scaling?: FunctionScalingProps;
  /**
   * How long a request may take before Knative answers 504 (whole seconds, at most 600s).
   * @default - the function's, else the cluster's `revision-timeout-seconds` (300s)
   */
  readonly timeout?: Duration;
}
