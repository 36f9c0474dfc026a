import { IConstruct } from 'constructs';
import { assertObjectName } from '../../core/names';
import { checkProps } from '../../core/prop-schema';
import { ValidationError } from '../../core/validation-error';
import { CONFIG_KEY } from '../immutable-data';
import { triggerAuthArgumentsSchema } from './keda-schemas';

/** A content-hashed Secret of the revision a scaler authenticates for. */
export interface RevisionSecret {
  /** The logical name the service declares it under, e.g. 'rabbitmq'. */
  readonly logicalName: string;
  /** The object name, `<service>-<name>-<hash>`. */
  readonly objectName: string;
  /** The keys of its data. */
  readonly keys: readonly string[];
}

/** What a trigger's auth is resolved against. */
export interface TriggerAuthContext {
  /** Errors name this construct. */
  readonly scope: IConstruct;
  /** Names the trigger in messages, e.g. `eventScaling.triggers[0] (rabbitmq)`. */
  readonly what: string;
  /** The revision's content-hashed Secrets. */
  readonly secrets: readonly RevisionSecret[];
}

/** One `secretTargetRef` entry of a KEDA TriggerAuthentication. */
export interface SecretTargetRef {
  /** The scaler's parameter, e.g. 'host'. */
  readonly parameter: string;
  /** The Secret's name. */
  readonly name: string;
  /** The key in the Secret. */
  readonly key: string;
}

/** A trigger's auth resolved to Secret references. */
export interface ResolvedTriggerAuth {
  /** The parameters the scaler receives, sorted. */
  readonly parameters: readonly string[];
  /** The `secretTargetRef` entries, sorted by parameter. */
  readonly secretTargetRef: readonly SecretTargetRef[];
}

type SecretSource = { readonly kind: 'existing' | 'service'; readonly name: string };

const PARAMETER = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Credentials a KEDA scaler reads from a Secret, as a TriggerAuthentication
 * with `secretTargetRef`: each scaler parameter (e.g. RabbitMQ's `host`) comes
 * from one key of the Secret. Every trigger lists the parameters it reads.
 *
 * @see https://keda.sh/docs/latest/concepts/authentication/
 */
export class TriggerAuth {
  /**
   * Parameters from a Secret that exists in the cluster, managed elsewhere.
   *
   * @param secretName the Secret's name
   * @param parameters scaler parameter → key in the Secret, e.g. `{ host: 'amqp-url' }`
   */
  public static fromSecret(secretName: string, parameters: Readonly<Record<string, string>>): TriggerAuth {
    return new TriggerAuth({ kind: 'existing', name: secretName }, parameters);
  }

  /**
   * Parameters from one of the service's own `secrets`, by logical name (the
   * Secret the pods get too). Its object name changes with its content, so
   * the revision's TriggerAuthentication follows the revision's Secret.
   *
   * @param name the logical name of a source in the revision's `secrets`
   * @param parameters scaler parameter → key in the Secret, e.g. `{ host: 'amqp-url' }`
   */
  public static fromServiceSecret(name: string, parameters: Readonly<Record<string, string>>): TriggerAuth {
    return new TriggerAuth({ kind: 'service', name }, parameters);
  }

  private constructor(
    private readonly source: SecretSource,
    private readonly parameters: Readonly<Record<string, string>>,
  ) {}

  /**
   * The Secret references of this auth for one trigger.
   *
   * @param allowed the parameters the trigger's scaler reads
   * @throws ValidationError for no parameters, a parameter the scaler does not
   *   read, a bad Secret name or key, or a service secret or key that does not exist
   */
  public resolve(allowed: readonly string[], context: TriggerAuthContext): ResolvedTriggerAuth {
    const { scope, what } = context;
    const factory = this.source.kind === 'existing' ? 'TriggerAuth.fromSecret' : 'TriggerAuth.fromServiceSecret';
    checkProps(triggerAuthArgumentsSchema, { name: this.source.name, parameters: this.parameters }, scope, { prefix: `${what} auth (${factory})` });
    const entries = Object.entries(this.parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) {
      throw new ValidationError(`${what} auth maps no parameters; map at least one, e.g. { ${allowed[0]}: '<key in the Secret>' }`, scope);
    }
    for (const [parameter] of entries) {
      if (!allowed.includes(parameter)) {
        const shape = PARAMETER.test(parameter) ? '' : ' (parameter names are letters and digits)';
        throw new ValidationError(
          `${what} auth maps parameter '${parameter}', which this scaler does not read${shape}; use one of: ${allowed.join(', ')}`,
          scope,
        );
      }
    }
    const secretName = this.secretName(context);
    const keys = this.source.kind === 'service' ? context.secrets.find((s) => s.logicalName === this.source.name)!.keys : undefined;
    for (const [parameter, key] of entries) {
      if (!CONFIG_KEY.test(key) || key.length > 253) {
        throw new ValidationError(
          `${what} auth parameter '${parameter}' names Secret key '${key}', which is not a valid key; ` +
            "use ≤ 253 letters, digits, '-', '_' or '.'",
          scope,
        );
      }
      if (keys !== undefined && !keys.includes(key)) {
        throw new ValidationError(
          `${what} auth parameter '${parameter}' names key '${key}', which secret '${this.source.name}' does not have; ` +
            `its keys: ${keys.map((k) => `'${k}'`).join(', ')}`,
          scope,
        );
      }
    }
    return {
      parameters: entries.map(([parameter]) => parameter),
      secretTargetRef: entries.map(([parameter, key]) => ({ parameter, name: secretName, key })),
    };
  }

  private secretName(context: TriggerAuthContext): string {
    const { scope, what, secrets } = context;
    if (this.source.kind === 'existing') {
      assertObjectName(`${what} auth secretName`, this.source.name, scope);
      return this.source.name;
    }
    const secret = secrets.find((s) => s.logicalName === this.source.name);
    if (secret === undefined) {
      const declared = secrets.length === 0 ? 'it declares none' : `declared: ${secrets.map((s) => `'${s.logicalName}'`).join(', ')}`;
      throw new ValidationError(
        `${what} auth names secret '${this.source.name}', which is not one of the revision's secrets (${declared}); ` +
          'add it to secrets, or use TriggerAuth.fromSecret for a Secret managed elsewhere',
        scope,
      );
    }
    return secret.objectName;
  }
}
