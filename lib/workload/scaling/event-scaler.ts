import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { ValidationError } from '../../core/validation-error';
import { EventScalingProps } from './event-scaling-props';
import { RevisionSecret, SecretTargetRef } from './trigger-auth';
import { RenderedTrigger, TriggerContext } from './trigger-rendering';

/** Props of {@link EventScaler}. */
export interface EventScalerProps {
  /** The name of the ScaledObject and of its first TriggerAuthentication: the revision's. */
  readonly name: string;
  /** The labels of the objects: the revision's. */
  readonly labels: Readonly<Record<string, string>>;
  /** The Deployment to scale, in the same namespace. */
  readonly deploymentName: string;
  /** How to scale. */
  readonly scaling: EventScalingProps;
  /**
   * The revision's content-hashed Secrets, for `TriggerAuth.fromServiceSecret`.
   * @default - none
   */
  readonly secrets?: readonly RevisionSecret[];
}

const KEDA_API_VERSION = 'keda.sh/v1alpha1';

/**
 * A KEDA ScaledObject (`Resource`) that scales one Deployment on events, and a
 * TriggerAuthentication per distinct set of credentials its triggers use,
 * named after the ScaledObject (`<name>`, `<name>-2`, …). Made by a revision
 * with `eventScaling`; KEDA owns the Deployment's replica count.
 *
 * Bad input is a ValidationError naming `scope`, the construct it is made in (the revision).
 */
export class EventScaler extends Construct {
  /** The ScaledObject: its main object. */
  public readonly apiObject: ApiObject;
  /** The fewest replicas while a trigger is active. */
  public readonly minReplicas: number;
  /** The most replicas KEDA scales the Deployment to. */
  public readonly maxReplicas: number;

  constructor(scope: Construct, id: string, props: EventScalerProps) {
    super(scope, id);
    const { scaling } = props;
    this.minReplicas = whole('eventScaling.minReplicas', scaling.minReplicas ?? 0, 0, scope);
    const maxReplicas = whole('eventScaling.maxReplicas', scaling.maxReplicas, 1, scope);
    this.maxReplicas = maxReplicas;
    if (this.minReplicas > maxReplicas) {
      throw new ValidationError(
        `eventScaling.minReplicas (${this.minReplicas}) is greater than maxReplicas (${maxReplicas}); set maxReplicas ≥ minReplicas`,
        scope,
      );
    }
    if (scaling.triggers.length === 0) {
      throw new ValidationError('eventScaling.triggers is empty, so nothing would scale the revision; add one, e.g. ScaleTrigger.rabbitMq({ … })', scope);
    }
    if (scaling.idleToZero === true && this.minReplicas === 0) {
      throw new ValidationError('eventScaling.idleToZero needs minReplicas ≥ 1 (minReplicas 0 already scales to zero); drop it or raise minReplicas', scope);
    }
    const idlesToZero = this.minReplicas === 0 || scaling.idleToZero === true;
    const pollingInterval = scaling.pollingInterval === undefined ? undefined : seconds('eventScaling.pollingInterval', scaling.pollingInterval, 1, scope);
    const cooldownPeriod = scaling.cooldownPeriod === undefined ? undefined : seconds('eventScaling.cooldownPeriod', scaling.cooldownPeriod, 0, scope);
    if (cooldownPeriod !== undefined && !idlesToZero) {
      throw new ValidationError(
        `eventScaling.cooldownPeriod only applies to a revision that scales to zero, and minReplicas is ${this.minReplicas}; ` +
          'drop it, or set minReplicas to 0 or idleToZero',
        scope,
      );
    }
    const fallback = fallbackOf(scaling, this.minReplicas, maxReplicas, scope);

    const context: Omit<TriggerContext, 'what'> = { scope, secrets: props.secrets ?? [], minReplicas: this.minReplicas, maxReplicas, idlesToZero };
    const rendered = scaling.triggers.map((trigger, i) => trigger.render({ ...context, what: `eventScaling.triggers[${i}] (${trigger.type})` }));
    if (idlesToZero && !rendered.some((t) => t.wakesFromZero)) {
      throw new ValidationError(
        'eventScaling scales the revision to zero, but none of its triggers sees work while it has no pods ' +
          "(a Redis stream's pending entries need a consumer); add one that does, such as ScaleTrigger.redisStream({ lagCount }), or set minReplicas ≥ 1",
        scope,
      );
    }

    const authNames = this.emitAuthentications(rendered, props);
    this.apiObject = emitObject(this, 'Resource', {
      apiVersion: KEDA_API_VERSION,
      kind: 'ScaledObject',
      metadata: { name: props.name, labels: { ...props.labels } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deploymentName },
        minReplicaCount: this.minReplicas,
        maxReplicaCount: maxReplicas,
        idleReplicaCount: scaling.idleToZero === true ? 0 : undefined,
        pollingInterval,
        cooldownPeriod,
        fallback,
        triggers: rendered.map((t, i) => ({
          type: t.type,
          metadata: { ...t.metadata },
          authenticationRef: authNames[i] === undefined ? undefined : { name: authNames[i] },
        })),
      },
    });
  }
  /** @deprecated use {@link apiObject}, the name every construct of the library gives its main object. */
  public get scaledObject(): ApiObject {
    return this.apiObject;
  }


  /** One TriggerAuthentication per distinct set of Secret references; the name each trigger uses. */
  private emitAuthentications(rendered: readonly RenderedTrigger[], props: EventScalerProps): Array<string | undefined> {
    const byContent = new Map<string, string>();
    return rendered.map((trigger) => {
      if (trigger.auth === undefined) {
        return undefined;
      }
      const refs: readonly SecretTargetRef[] = trigger.auth.secretTargetRef;
      const content = JSON.stringify(refs);
      const existing = byContent.get(content);
      if (existing !== undefined) {
        return existing;
      }
      const suffix = byContent.size === 0 ? '' : `-${byContent.size + 1}`;
      const name = `${props.name}${suffix}`;
      emitObject(this, `TriggerAuthentication${suffix}`, {
        apiVersion: KEDA_API_VERSION,
        kind: 'TriggerAuthentication',
        metadata: { name, labels: { ...props.labels } },
        spec: { secretTargetRef: refs.map((r) => ({ ...r })) },
      });
      byContent.set(content, name);
      return name;
    });
  }
}

function whole(what: string, value: number, min: number, scope: IConstruct): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValidationError(`${what} must be a whole number ≥ ${min}, got ${value}`, scope);
  }
  return value;
}

function seconds(what: string, duration: Duration, min: number, scope: IConstruct): number {
  const value = duration.toSeconds({ integral: false });
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValidationError(`${what} must be a whole number of seconds ≥ ${min}, got ${value}s`, scope);
  }
  return value;
}

/** KEDA's `fallback`, or `undefined` without `fallbackReplicas`. */
function fallbackOf(
  scaling: EventScalingProps,
  minReplicas: number,
  maxReplicas: number,
  scope: IConstruct,
): { failureThreshold: number; replicas: number } | undefined {
  if (scaling.fallbackReplicas === undefined) {
    if (scaling.fallbackFailureThreshold !== undefined) {
      throw new ValidationError('eventScaling.fallbackFailureThreshold is set without fallbackReplicas, so there is no fallback; set fallbackReplicas or drop it', scope);
    }
    return undefined;
  }
  const replicas = whole('eventScaling.fallbackReplicas', scaling.fallbackReplicas, 1, scope);
  if (replicas < minReplicas || replicas > maxReplicas) {
    throw new ValidationError(
      `eventScaling.fallbackReplicas (${replicas}) is outside minReplicas-maxReplicas (${minReplicas}-${maxReplicas}), where the autoscaler would clamp it; ` +
        'pick a count within them',
      scope,
    );
  }
  const failureThreshold = whole('eventScaling.fallbackFailureThreshold', scaling.fallbackFailureThreshold ?? 3, 1, scope);
  return { failureThreshold, replicas };
}
