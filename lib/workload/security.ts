import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';

/**
 * The container's security settings. Every default is the hardened choice;
 * override one where a workload truly needs it (e.g. GKE Autopilot's own
 * seccomp handling, or an image that must write to its root filesystem).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export interface SecurityProps {
  /**
   * Refuse to start a container whose user is root.
   * @default true
   */
  readonly runAsNonRoot?: boolean;
  /**
   * The UID the container runs as (numeric, so the kubelet can verify non-root).
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * The primary GID of the container's processes.
   * @default 10001
   */
  readonly runAsGroup?: number;
  /**
   * Mount the root filesystem read-only; a writable `/tmp` emptyDir is added.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Allow a process to gain more privileges than its parent (setuid binaries).
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;
  /**
   * Linux capabilities added back after dropping ALL, e.g. `['NET_BIND_SERVICE']`.
   * @default - none
   */
  readonly capabilitiesAdd?: readonly string[];
  /**
   * The seccomp profile.
   * @default 'RuntimeDefault'
   */
  readonly seccompProfile?: 'RuntimeDefault' | 'Unconfined';
}

const CAPABILITY = /^[A-Z_]+$/;

/**
 * The container securityContext, defaults filled in.
 *
 * @internal
 */
export function renderSecurityContext(props: SecurityProps, scope: IConstruct): k8s.SecurityContext {
  const runAsNonRoot = props.runAsNonRoot ?? true;
  const runAsUser = props.runAsUser ?? 10001;
  const runAsGroup = props.runAsGroup ?? 10001;
  for (const [field, value] of [['runAsUser', runAsUser], ['runAsGroup', runAsGroup]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 2147483647) {
      throw new ValidationError(`security.${field} must be a whole number 0-2147483647, got ${value}`, scope);
    }
  }
  if (runAsNonRoot && runAsUser === 0) {
    throw new ValidationError(
      'security.runAsUser is 0 (root) while runAsNonRoot is true, so the pod could never start; ' +
        'pick a non-zero UID or set runAsNonRoot: false deliberately',
      scope,
    );
  }
  const add = [...(props.capabilitiesAdd ?? [])];
  for (const capability of add) {
    if (!CAPABILITY.test(capability)) {
      throw new ValidationError(
        `security.capabilitiesAdd holds '${capability}'; name capabilities in upper case without 'CAP_', e.g. 'NET_BIND_SERVICE'`,
        scope,
      );
    }
  }
  return {
    runAsNonRoot,
    runAsUser,
    runAsGroup,
    readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
    allowPrivilegeEscalation: props.allowPrivilegeEscalation ?? false,
    privileged: false,
    capabilities: { drop: ['ALL'], add: add.length > 0 ? add.sort() : undefined },
    seccompProfile: { type: props.seccompProfile ?? 'RuntimeDefault' },
  };
}
