import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { L1 } from '../core/checked-objects';
import { AnnotationKeys, LabelKeys } from '../core/labels';
import { revisionObjectName } from '../core/names';
import { revisionId } from '../core/revision-id';
import { claimObjectName } from '../core/synth-validation';
import { ValidationError } from '../core/validation-error';
import { buildPodTemplate, PodTemplateInput } from './pod-template';
import { podTemplateJson } from './pod-template-json';
import { AutoscalingProps } from './revision-props';
import { EventScaler } from './scaling/event-scaler';
import { RevisionSecret } from './scaling/trigger-auth';
import { ServicePort } from './service-port';

/** Props of {@link Revision}; made by `Microservice.addRevision`. */
export interface RevisionConstructProps extends PodTemplateInput {
  /** The data of every ConfigMap and Secret the revision uses, by object name. */
  readonly configContents: Readonly<Record<string, unknown>>;
  /** Names of existing Secrets the revision references. */
  readonly externalSecretNames: readonly string[];
  /** The service's other live revisions. */
  readonly liveRevisions: readonly Revision[];
  /** The ports of the service's stable Service, which the revision's own Service copies. */
  readonly servicePorts: readonly ServicePort[];
}

/**
 * One immutable revision of a service: a Deployment `<service>-<revision id>`
 * (plus its autoscaler or KEDA ScaledObject, and its disruption budget when it
 * can run more than one pod) whose pod template never changes. Any change of
 * image, command, env, config content, resources, probes or security makes a
 * new revision with new names.
 */
export class Revision extends Construct {
  /** The revision id: a hash of the pod template and the config it uses. */
  public readonly revisionId: string;
  /** The name of the revision's objects, `<service>-<revision id>`. */
  public readonly name: string;
  /** The stack's name for this revision, e.g. 'stable' or 'canary'. */
  public readonly track: string;
  /** Fixed replica count, or `undefined` when autoscaled or scaled on events. */
  public readonly replicas: number | undefined;
  /** The revision's Deployment: its main object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, track: string, props: RevisionConstructProps) {
    super(scope, track);
    this.track = track;
    const template = buildPodTemplate(props, this);
    this.revisionId = revisionId({
      podTemplate: podTemplateJson(template),
      configContents: props.configContents,
      externalSecretNames: props.externalSecretNames,
      servicePorts: props.servicePorts.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
    });
    this.name = revisionObjectName(props.serviceName, this.revisionId);
    const namespace = Chart.of(this).namespace;
    const revisionLabels = { ...props.labels, [LabelKeys.REVISION]: this.revisionId };
    const selector = { [LabelKeys.NAME]: props.serviceName, [LabelKeys.REVISION]: this.revisionId };
    const { autoscaling, eventScaling } = props.props;
    this.replicas = autoscaling || eventScaling ? undefined : checkReplicas(props.props.replicas ?? 1, this);

    const twin = props.liveRevisions.find((r) => r.revisionId === this.revisionId);
    if (twin !== undefined) {
      throw new ValidationError(
        `revision '${track}' is identical to revision '${twin.track}' (both ${this.revisionId}); ` +
          'change its image, config, env or resources, or drop it',
        this,
      );
    }
    claimObjectName(this, 'Deployment', namespace, this.name);
    this.apiObject = new L1.Deployment(this, 'Resource', {
      metadata: { name: this.name, labels: revisionLabels, annotations: mutableImageAnnotation(template) },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          ...template,
          metadata: {
            ...template.metadata,
            labels: { ...template.metadata?.labels, [LabelKeys.REVISION]: this.revisionId },
            annotations: withRevisionAnnotation(template.metadata?.annotations, props.podMetadata?.revisionAnnotation, this.revisionId),
          },
        },
      },
    });

    if (autoscaling) {
      checkAutoscaling(autoscaling, this);
      new L1.HorizontalPodAutoscaler(this, 'Autoscaler', {
        metadata: { name: this.name, labels: revisionLabels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: autoscaling.minReplicas,
          maxReplicas: autoscaling.maxReplicas,
          metrics: autoscalingMetrics(autoscaling),
        },
      });
    }

    const eventScaler = eventScaling && new EventScaler(this, 'EventScaler', {
      name: this.name,
      labels: revisionLabels,
      deploymentName: this.name,
      scaling: eventScaling,
      secrets: revisionSecrets(props),
    });

    // The budget keeps a node drain from evicting more than one pod of the revision at a time. It
    // matters wherever the revision can run more than one pod: a fixed count above one, or an
    // autoscaler or KEDA that may scale it out (at one pod or none it allows that one eviction).
    const mostReplicas = autoscaling ? autoscaling.maxReplicas : eventScaler ? eventScaler.maxReplicas : this.replicas!;
    if (mostReplicas > 1) {
      new L1.PodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: this.name, labels: revisionLabels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }
  }
  /** @deprecated use {@link apiObject}, the name every construct of the library gives its main object. */
  public get deployment(): ApiObject {
    return this.apiObject;
  }

}

/** The pod annotations, plus the mesh's revision annotation (if it has one) set to the revision id. */
function withRevisionAnnotation(
  annotations: Record<string, string> | undefined,
  key: string | undefined,
  id: string,
): Record<string, string> | undefined {
  return key === undefined ? annotations : { ...annotations, [key]: id };
}

/** The opt-out of digest pinning, repeated on the Deployment where reviewers look. */
function mutableImageAnnotation(template: k8s.PodTemplateSpec): Record<string, string> | undefined {
  const value = template.metadata?.annotations?.[AnnotationKeys.MUTABLE_IMAGES];
  return value === undefined ? undefined : { [AnnotationKeys.MUTABLE_IMAGES]: value };
}

/** The revision's content-hashed Secrets, by the logical names the service declares them under. */
function revisionSecrets(props: RevisionConstructProps): RevisionSecret[] {
  return (props.props.secrets ?? []).map((source) => ({
    logicalName: source.name,
    // a content-hashed name never equals the logical name, as an existing Secret's does
    objectName: props.mounts.find((m) => m.kind === 'Secret' && m.logicalName === source.name && m.objectName !== source.name)!.objectName,
    keys: [...Object.keys(source.literals ?? {}), ...Object.keys(source.files ?? {})].sort(),
  }));
}

/** The most a replica count may be: the API server stores it as a 32-bit integer. */
const MAX_REPLICAS = 2_147_483_647;

function checkReplicas(replicas: number, scope: Construct): number {
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > MAX_REPLICAS) {
    throw new ValidationError(`replicas must be a whole number ≥ 0 (at most ${MAX_REPLICAS}), got ${replicas}`, scope);
  }
  return replicas;
}

function checkAutoscaling(a: AutoscalingProps, scope: Construct): void {
  if (!Number.isInteger(a.minReplicas) || a.minReplicas < 1 || a.minReplicas > MAX_REPLICAS) {
    throw new ValidationError(`autoscaling.minReplicas must be a whole number ≥ 1 (at most ${MAX_REPLICAS}), got ${a.minReplicas}`, scope);
  }
  if (!Number.isInteger(a.maxReplicas) || a.maxReplicas > MAX_REPLICAS) {
    throw new ValidationError(`autoscaling.maxReplicas must be a whole number (at most ${MAX_REPLICAS}), got ${a.maxReplicas}`, scope);
  }
  if (a.maxReplicas < a.minReplicas) {
    throw new ValidationError(
      `autoscaling.minReplicas (${a.minReplicas}) is greater than maxReplicas (${a.maxReplicas}); set maxReplicas ≥ minReplicas`,
      scope,
    );
  }
  for (const field of ['cpuUtilizationPercent', 'memoryUtilizationPercent'] as const) {
    const value = a[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 100)) {
      throw new ValidationError(`autoscaling.${field} must be a whole number 1-100, got ${value}`, scope);
    }
  }
}

function autoscalingMetrics(a: AutoscalingProps): k8s.MetricSpecV2[] {
  const cpu = a.cpuUtilizationPercent ?? (a.memoryUtilizationPercent === undefined ? 70 : undefined);
  const targets: Array<[string, number | undefined]> = [['cpu', cpu], ['memory', a.memoryUtilizationPercent]];
  return targets
    .filter((t): t is [string, number] => t[1] !== undefined)
    .map(([name, averageUtilization]) => ({
      type: 'Resource',
      resource: { name, target: { type: 'Utilization', averageUtilization } },
    }));
}
