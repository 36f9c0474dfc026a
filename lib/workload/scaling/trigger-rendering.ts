import { IConstruct } from 'constructs';
import { ValidationError } from '../../core/validation-error';
import { ResolvedTriggerAuth, TriggerAuthContext } from './trigger-auth';

/** What a trigger is rendered for: its revision's scale bounds and Secrets. */
export interface TriggerContext extends TriggerAuthContext {
  /** The fewest replicas while a trigger is active. */
  readonly minReplicas: number;
  /** The most replicas. */
  readonly maxReplicas: number;
  /** Whether the revision goes to zero replicas when no trigger is active. */
  readonly idlesToZero: boolean;
}

/** One trigger of a ScaledObject, ready to emit. */
export interface RenderedTrigger {
  /** The KEDA scaler type, e.g. 'rabbitmq'. */
  readonly type: string;
  /** The scaler metadata; every value a string. */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * The credentials, emitted as a TriggerAuthentication.
   * @default - none
   */
  readonly auth?: ResolvedTriggerAuth;
  /** Whether the scaler sees work while the revision has no pods, so it can scale up from zero. */
  readonly wakesFromZero: boolean;
}

/** A whole number ≥ `min`, as the string KEDA reads. */
export function wholeNumber(what: string, value: number, min: number, scope: IConstruct): string {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValidationError(`${what} must be a whole number ≥ ${min}, got ${value}`, scope);
  }
  return String(value);
}

/** A finite number > 0, as the string KEDA reads. */
export function positiveNumber(what: string, value: number, scope: IConstruct): string {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ValidationError(`${what} must be a number > 0, got ${value}`, scope);
  }
  return String(value);
}

/** A finite number ≥ 0 (an activation threshold), as the string KEDA reads. */
export function nonNegativeNumber(what: string, value: number, scope: IConstruct): string {
  if (!Number.isFinite(value) || value < 0) {
    throw new ValidationError(`${what} must be a number ≥ 0, got ${value}`, scope);
  }
  return String(value);
}

/** A string with something in it besides blanks. */
export function nonBlank(what: string, value: string, example: string, scope: IConstruct): string {
  if (value.trim() === '' || value !== value.trim()) {
    throw new ValidationError(`${what} must be non-empty without surrounding blanks, got '${value}'; pass e.g. '${example}'`, scope);
  }
  return value;
}

/**
 * The TLS parameters scalers share: `cert` and `key` together, `keyPassword`
 * only with a `key`, and none of them without TLS switched on, or the scaler
 * would silently connect without them.
 *
 * @param tlsOn whether TLS is switched on by the trigger's props or an auth `tls` parameter
 * @param howToSwitchOn how the user switches TLS on for this scaler
 */
export function checkTlsParameters(what: string, parameters: readonly string[], tlsOn: boolean, howToSwitchOn: string, scope: IConstruct): void {
  const has = (p: string) => parameters.includes(p);
  if (has('cert') !== has('key')) {
    throw new ValidationError(`${what} auth maps ${has('cert') ? "'cert' without 'key'" : "'key' without 'cert'"}; map both or neither`, scope);
  }
  if (has('keyPassword') && !has('key')) {
    throw new ValidationError(`${what} auth maps 'keyPassword' without 'key'; map the key it decrypts, or drop it`, scope);
  }
  const tlsFiles = ['ca', 'cert', 'key', 'keyPassword'].filter(has);
  if (tlsFiles.length > 0 && !tlsOn) {
    throw new ValidationError(
      `${what} auth maps ${tlsFiles.map((p) => `'${p}'`).join(', ')} but TLS is off, so the scaler would ignore them; ${howToSwitchOn}`,
      scope,
    );
  }
}
