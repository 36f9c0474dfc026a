import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { AnnotationKeys } from '../../core/labels';
import { ValidationError } from '../../core/validation-error';
import { renderContainerData } from '../../workload/container-data';
import { ContainerImage } from '../../workload/container-image';
import type { MountedConfig } from '../../workload/pod-template';
import { Probe } from '../../workload/probe';
import { renderResources } from '../../workload/resources';
import { renderSecurityContext } from '../../workload/security';
import type { MeshPodMetadata } from '../../workload/service-mesh';
import { FunctionProtocol } from './function-protocol';
import { FunctionRevisionProps } from './function-revision-props';
import { renderScaling, wholeSeconds } from './function-scaling';
import { KnativeServingApi } from './knative-serving-api';

/** Everything a function's revision template is built from. */
export interface FunctionTemplateInput {
  /** The function's name, also its container's. */
  readonly functionName: string;
  /** The image. */
  readonly image: ContainerImage;
  /** The revision's props, the function's filled in. */
  readonly props: FunctionRevisionProps;
  /** The container port requests arrive on. */
  readonly port: number;
  /** The protocol on that port. */
  readonly protocol: FunctionProtocol;
  /** The ServiceAccount the pods run as. */
  readonly serviceAccountName: string;
  /** The config and secrets, by object name. */
  readonly mounts: readonly MountedConfig[];
  /** Labels of the pods. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * A mesh's injection labels and annotations.
   * @default - none
   */
  readonly podMetadata?: MeshPodMetadata;
}

/** Knative admits only this capability without the `kubernetes.containerspec-addcapabilities` flag. */
const ADDABLE_CAPABILITY = 'NET_BIND_SERVICE';

/**
 * A Knative revision template (`spec.template` of a Service), without its
 * name and revision label, which are derived from its hash. Only fields that
 * Knative admits with its default feature flags are written: the pod-level
 * settings Knative gates (security context, affinity) stay on the container
 * or are left out.
 *
 * @see https://knative.dev/docs/serving/configuration/feature-flags/
 * @throws ValidationError for any invalid part
 */
export function buildFunctionTemplate(input: FunctionTemplateInput, scope: IConstruct): Record<string, any> {
  const { props } = input;
  input.image.validate(scope);
  const security = renderSecurityContext(props.security ?? {}, scope);
  const extra = (security.capabilities?.add ?? []).filter((c) => c !== ADDABLE_CAPABILITY);
  if (extra.length > 0) {
    throw new ValidationError(
      `security.capabilitiesAdd holds ${extra.join(', ')}, which Knative refuses unless the cluster enables ` +
        `'kubernetes.containerspec-addcapabilities'; a function may add only ${ADDABLE_CAPABILITY}`,
      scope,
    );
  }
  const data = renderContainerData(input.mounts, props.env ?? {}, security.readOnlyRootFilesystem === true, scope);
  const scaling = renderScaling(props.scaling ?? {}, scope);
  const probe = (role: string, p: Probe | undefined) =>
    p && numericPort(k8s.toJson_Probe(p.render(role, [{ name: input.protocol, containerPort: input.port }], scope))!, input.port);
  const container = k8s.toJson_Container({
    name: input.functionName,
    image: input.image.reference,
    imagePullPolicy: input.image.pullPolicy,
    command: props.command ? [...props.command] : undefined,
    args: props.args ? [...props.args] : undefined,
    env: data.env.length > 0 ? data.env : undefined,
    envFrom: data.envFrom.length > 0 ? data.envFrom : undefined,
    ports: [{ name: input.protocol, containerPort: input.port, protocol: 'TCP' }],
    resources: renderResources(props.resources ?? {}, scope),
    // Knative refuses `privileged` even when false; never privileged is its own rule.
    securityContext: { ...security, privileged: undefined },
    volumeMounts: data.volumeMounts.length > 0 ? data.volumeMounts : undefined,
  });
  const annotations: Record<string, string> = { ...scaling.annotations, ...input.podMetadata?.annotations };
  if (input.image.isMutable) {
    annotations[AnnotationKeys.MUTABLE_IMAGES] = `${input.functionName}=${input.image.reference}`;
  }
  return {
    metadata: {
      labels: { ...input.labels, ...input.podMetadata?.labels },
      annotations,
    },
    spec: {
      serviceAccountName: input.serviceAccountName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      containerConcurrency: scaling.containerConcurrency,
      timeoutSeconds: props.timeout && wholeSeconds('timeout', props.timeout, 1, KnativeServingApi.MAX_TIMEOUT_SECONDS, scope),
      containers: [{
        ...container,
        readinessProbe: withKnativeReadinessDefaults(probe('readiness probe', props.readiness), input.port),
        livenessProbe: probe('liveness probe', props.liveness),
      }],
      volumes: data.volumes.length > 0 ? data.volumes.map((v) => k8s.toJson_Volume(v)) : undefined,
    },
  };
}

/**
 * The readiness probe with the defaults Knative's webhook gives the serving container written
 * out: a TCP check of the port when none is set, `successThreshold` 1, and, when a period is
 * set, `failureThreshold` 3 and `timeoutSeconds` 1. Knative adds them at creation, but on an
 * update that keeps the revision name it skips its defaulting and refuses any template change
 * ("Saw the following changes without a name change"); an apply replaces the containers list
 * whole, so a default missing from our template is such a change, and re-applying the same
 * Service (a traffic move, or the same release again) would be refused.
 */
function withKnativeReadinessDefaults(probe: Record<string, any> | undefined, port: number): Record<string, any> {
  const p = probe ?? { tcpSocket: { port } };
  const timing = p.periodSeconds === undefined ? {} : { failureThreshold: p.failureThreshold ?? 3, timeoutSeconds: p.timeoutSeconds ?? 1 };
  return { ...p, ...timing, successThreshold: p.successThreshold ?? 1 };
}

/** Knative wants a probe's port as the container port number (or none), not its name. */
function numericPort(probe: Record<string, any>, port: number): Record<string, any> {
  for (const handler of ['httpGet', 'tcpSocket']) {
    if (probe[handler] !== undefined) {
      probe[handler] = { ...probe[handler], port };
    }
  }
  return probe;
}
