import { ConfigSource, ExistingSecretReference } from './config-source';
import { ContainerImage } from './container-image';
import { Probe } from './probe';
import { ResourceProps } from './resources';
import type { EventScalingProps } from './scaling/event-scaling-props';
import { SecurityProps } from './security';

/**
 * Horizontal pod autoscaling of a revision (autoscaling/v2).
 *
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export interface AutoscalingProps {
  /** Fewest replicas (≥ 1). */
  readonly minReplicas: number;
  /** Most replicas (≥ minReplicas). */
  readonly maxReplicas: number;
  /**
   * Target average CPU use, in percent of the CPU request.
   * @default 70 when no memory target is set, else no CPU target
   */
  readonly cpuUtilizationPercent?: number;
  /**
   * Target average memory use, in percent of the memory request.
   * @default - no memory target
   */
  readonly memoryUtilizationPercent?: number;
}

/**
 * What one revision of a service runs. Everything here except its scale
 * (`replicas`, `autoscaling`, `eventScaling`) is part of the revision
 * identity: change a byte and a new revision (new object names) is made.
 */
export interface RevisionProps {
  /**
   * The container image, by digest (`repo@sha256:…`), or a visible opt-out via
   * `ContainerImage.fromMutableTag`.
   * @default - the service's image
   */
  readonly image?: ContainerImage | string;
  /**
   * The entrypoint.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: readonly string[];
  /**
   * Arguments to the entrypoint.
   * @default - the image's CMD
   */
  readonly args?: readonly string[];
  /**
   * Plain environment variables.
   * @default - the service's env, or none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Extra labels on the revision's pods (e.g. a team or cost-centre label).
   * Part of the revision identity, like everything in the pod template: a
   * changed label makes a new revision. Labels the library sets itself (the
   * service's `app.kubernetes.io/*` labels, the revision id, a mesh's
   * injection label) cannot be set here.
   * @default - the service's podLabels, or none
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Configuration, each source a content-hashed immutable ConfigMap.
   * @default - the service's configs, or none
   */
  readonly configs?: readonly ConfigSource[];
  /**
   * Secret data, each source a content-hashed immutable Secret.
   * @default - the service's secrets, or none
   */
  readonly secrets?: readonly ConfigSource[];
  /**
   * Secrets managed outside this stack, referenced by name.
   * @default - the service's existing secrets, or none
   */
  readonly existingSecrets?: readonly ExistingSecretReference[];
  /**
   * CPU and memory requests and limits.
   * @default - the service's resources, else 100m/500m CPU, 128Mi/256Mi memory, 128Mi/1Gi ephemeral storage
   */
  readonly resources?: ResourceProps;
  /**
   * Container security settings.
   * @default - the service's, else non-root, read-only root FS, no escalation, drop ALL, RuntimeDefault seccomp
   */
  readonly security?: SecurityProps;
  /**
   * Readiness probe: traffic only reaches ready pods.
   * @default - the service's, else a TCP probe on the first port (none without ports)
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe: restarts a stuck container.
   * @default - the service's, else none
   */
  readonly liveness?: Probe;
  /**
   * Startup probe: holds the other probes until the app has started.
   * @default - the service's, else none
   */
  readonly startup?: Probe;
  /**
   * Pods of this revision. Without a mesh the Service spreads traffic over the
   * pods of all live revisions, so replicas are the traffic split. Not part of
   * the revision identity: changing it scales the revision in place. Above 1,
   * the revision gets a PodDisruptionBudget (`maxUnavailable: 1`).
   * @default - the service's replicas, else 1
   */
  readonly replicas?: number;
  /**
   * Scale the revision with a HorizontalPodAutoscaler instead of fixed replicas.
   * With `maxReplicas` above 1 the revision gets a PodDisruptionBudget
   * (`maxUnavailable: 1`), so a node drain never takes several of its pods at once.
   * @default - the service's autoscaling, else fixed replicas
   */
  readonly autoscaling?: AutoscalingProps;
  /**
   * Scale the revision on events (queues, streams, schedules) with a KEDA
   * ScaledObject instead of fixed replicas or `autoscaling`; down to zero
   * when idle. Not part of the revision identity. With `maxReplicas` above 1
   * the revision gets a PodDisruptionBudget (`maxUnavailable: 1`).
   * @default - the service's eventScaling, else fixed replicas
   */
  readonly eventScaling?: EventScalingProps;
}
