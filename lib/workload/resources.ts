import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';

/**
 * CPU and memory of one container, as Kubernetes quantities
 * (`'250m'`, `'1'`, `'512Mi'`, `'1Gi'`).
 *
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ResourceProps {
  /**
   * CPU the scheduler reserves.
   * @default '100m'
   */
  readonly cpuRequest?: string;
  /**
   * CPU the container may use at most.
   * @default '500m'
   */
  readonly cpuLimit?: string;
  /**
   * Memory the scheduler reserves.
   * @default '128Mi'
   */
  readonly memoryRequest?: string;
  /**
   * Memory after which the container is OOM-killed.
   * @default '256Mi'
   */
  readonly memoryLimit?: string;
  /**
   * Local disk (container logs, writable layers, emptyDir volumes such as the
   * writable `/tmp`) the scheduler reserves.
   * @default '128Mi'
   */
  readonly ephemeralStorageRequest?: string;
  /**
   * Local disk after which the pod is evicted.
   * @default '1Gi'
   */
  readonly ephemeralStorageLimit?: string;
}

const DEFAULTS: Required<ResourceProps> = {
  cpuRequest: '100m',
  cpuLimit: '500m',
  memoryRequest: '128Mi',
  memoryLimit: '256Mi',
  ephemeralStorageRequest: '128Mi',
  ephemeralStorageLimit: '1Gi',
};

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const MULTIPLIERS: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * The value of a Kubernetes quantity in base units, or `undefined` if it is malformed.
 *
 * @internal
 */
export function parseQuantity(quantity: string): number | undefined {
  const match = QUANTITY.exec(quantity);
  return match ? Number(match[1]) * MULTIPLIERS[match[2] ?? ''] : undefined;
}

/**
 * The container's `resources`, defaults filled in.
 *
 * @throws ValidationError for a malformed or zero quantity, or a request above its limit
 * @internal
 */
export function renderResources(props: ResourceProps, scope: IConstruct): k8s.ResourceRequirements {
  // a prop given as undefined takes its default, as every other optional prop does
  const given = Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
  const merged: Required<ResourceProps> = { ...DEFAULTS, ...given };
  const check = (field: keyof ResourceProps, example: string): number => {
    const value = merged[field];
    const parsed = parseQuantity(value);
    if (parsed === undefined || parsed <= 0 || (!field.startsWith('cpu') && value.endsWith('m'))) {
      throw new ValidationError(
        `resources.${field} must be a positive Kubernetes quantity such as '${example}', got '${value}'`,
        scope,
      );
    }
    return parsed;
  };
  const cpu = { request: check('cpuRequest', '250m'), limit: check('cpuLimit', '1') };
  const memory = { request: check('memoryRequest', '256Mi'), limit: check('memoryLimit', '512Mi') };
  const ephemeralStorage = { request: check('ephemeralStorageRequest', '256Mi'), limit: check('ephemeralStorageLimit', '2Gi') };
  for (const [resource, values] of [['cpu', cpu], ['memory', memory], ['ephemeralStorage', ephemeralStorage]] as const) {
    if (values.request > values.limit) {
      throw new ValidationError(
        `resources.${resource}Request (${merged[`${resource}Request`]}) exceeds resources.${resource}Limit (${merged[`${resource}Limit`]}); ` +
          'the API server rejects a request above its limit: raise the limit or lower the request',
        scope,
      );
    }
  }
  const quantity = (field: keyof ResourceProps) => k8s.Quantity.fromString(merged[field]);
  return {
    requests: { 'cpu': quantity('cpuRequest'), 'memory': quantity('memoryRequest'), 'ephemeral-storage': quantity('ephemeralStorageRequest') },
    limits: { 'cpu': quantity('cpuLimit'), 'memory': quantity('memoryLimit'), 'ephemeral-storage': quantity('ephemeralStorageLimit') },
  };
}
