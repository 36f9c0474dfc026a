import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { AnnotationKeys, LabelKeys } from '../core/labels';
import { renderContainerData } from './container-data';
import { ContainerImage } from './container-image';
import { extraPodLabels } from './pod-labels';
import { ProbePortTarget } from './probe';
import { renderResources } from './resources';
import { RevisionProps } from './revision-props';
import { renderSecurityContext } from './security';

/** A port of the service's container. */
export interface ContainerPortSpec extends ProbePortTarget {
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** A ConfigMap or Secret a revision uses, resolved to its object name. */
export interface MountedConfig {
  readonly kind: 'ConfigMap' | 'Secret';
  /** The logical name, e.g. 'settings'. */
  readonly logicalName: string;
  /** The object name in the cluster. */
  readonly objectName: string;
  /**
   * Directory to mount the keys in.
   * @default - every key exposed as an environment variable
   */
  readonly mountPath?: string;
}

/** Everything a pod template is built from. */
export interface PodTemplateInput {
  /** The service the pods belong to (names the revision; its pods are spread across nodes). */
  readonly serviceName: string;
  readonly containerName: string;
  readonly image: ContainerImage;
  readonly props: RevisionProps;
  readonly ports: readonly ContainerPortSpec[];
  readonly serviceAccountName: string;
  readonly mounts: readonly MountedConfig[];
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Extra pod labels and annotations, e.g. a mesh's injection switch.
   * @default - none
   */
  readonly podMetadata?: {
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
    /**
     * An annotation set to the revision id after hashing, as the revision label is.
     * @default - none
     */
    readonly revisionAnnotation?: string;
  };
}

/**
 * The pod template of a revision, without the revision label (which is the
 * hash of this template and of the config it uses).
 */
export function buildPodTemplate(input: PodTemplateInput, scope: IConstruct): k8s.PodTemplateSpec {
  const { props } = input;
  input.image.validate(scope);
  const security = renderSecurityContext(props.security ?? {}, scope);
  const { env, envFrom, volumes, volumeMounts } = renderContainerData(input.mounts, props.env ?? {}, security.readOnlyRootFilesystem === true, scope);

  const probe = (role: string, p: RevisionProps['readiness']) => p?.render(role, input.ports, scope);
  const defaultReadiness = input.ports.length > 0 && props.readiness === undefined
    ? { tcpSocket: { port: k8s.IntOrString.fromString(input.ports[0].name) } }
    : undefined;

  const container: k8s.Container = {
    name: input.containerName,
    image: input.image.reference,
    imagePullPolicy: input.image.pullPolicy,
    command: props.command ? [...props.command] : undefined,
    args: props.args ? [...props.args] : undefined,
    env: env.length > 0 ? env : undefined,
    envFrom: envFrom.length > 0 ? envFrom : undefined,
    ports: input.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })),
    resources: renderResources(props.resources ?? {}, scope),
    securityContext: security,
    readinessProbe: probe('readiness probe', props.readiness) ?? defaultReadiness,
    livenessProbe: probe('liveness probe', props.liveness),
    startupProbe: probe('startup probe', props.startup),
    volumeMounts: volumeMounts.length > 0 ? volumeMounts : undefined,
  };

  const annotations: Record<string, string> = { ...input.podMetadata?.annotations };
  if (input.image.isMutable) {
    annotations[AnnotationKeys.MUTABLE_IMAGES] = `${input.containerName}=${input.image.reference}`;
  }
  const libraryLabels = { ...input.labels, ...input.podMetadata?.labels };
  return {
    metadata: {
      labels: { ...libraryLabels, ...extraPodLabels(props.podLabels, libraryLabels, scope) },
      annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
    },
    spec: {
      serviceAccountName: input.serviceAccountName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: security.runAsNonRoot, seccompProfile: security.seccompProfile },
      affinity: spreadAcrossNodes(input.serviceName),
      containers: [container],
      volumes: volumes.length > 0 ? volumes : undefined,
    },
  };
}

/** Prefer one pod of the service per node, so losing a node loses few replicas. */
function spreadAcrossNodes(serviceName: string): k8s.Affinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: 100,
        podAffinityTerm: {
          labelSelector: { matchLabels: { [LabelKeys.NAME]: serviceName } },
          topologyKey: 'kubernetes.io/hostname',
        },
      }],
    },
  };
}
