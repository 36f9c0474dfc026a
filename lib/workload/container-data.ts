import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { contentHash } from '../core/content-hash';
import { assertDnsLabel, contentAddressedName, DNS_LABEL_MAX_LENGTH, isDnsLabel } from '../core/names';
import { ValidationError } from '../core/validation-error';
import type { MountedConfig } from './pod-template';

/** What a container reads: its variables and the volumes mounted in it. */
export interface ContainerData {
  /** Plain variables, sorted by name. */
  readonly env: k8s.EnvVar[];
  /** ConfigMaps and Secrets exposed whole as variables. */
  readonly envFrom: k8s.EnvFromSource[];
  /** The pod's volumes: the writable `/tmp`, then the mounted sources. */
  readonly volumes: k8s.Volume[];
  /** Where the container mounts them; everything but `/tmp` read-only. */
  readonly volumeMounts: k8s.VolumeMount[];
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const TMP_VOLUME = 'tmp';

/**
 * The variables and volumes of a container: every ConfigMap and Secret as
 * variables or as files in its directory, plus a writable `/tmp` emptyDir
 * when the root filesystem is read-only.
 *
 * @throws ValidationError for a bad variable name, mount path or volume name, or two sources in one directory
 */
export function renderContainerData(
  mounts: readonly MountedConfig[],
  env: Readonly<Record<string, string>>,
  readOnlyRootFilesystem: boolean,
  scope: IConstruct,
): ContainerData {
  const volumes: k8s.Volume[] = [];
  const volumeMounts: k8s.VolumeMount[] = [];
  const envFrom: k8s.EnvFromSource[] = [];
  const mountPaths = new Map<string, string>();
  const mountAt = (path: string, volume: k8s.Volume, what: string) => {
    if (!path.startsWith('/') || path === '/' || path.includes('..') || path.includes(':')) {
      throw new ValidationError(`${what} mountPath must be an absolute directory other than '/', without '..' or ':', got '${path}'`, scope);
    }
    const normalized = path.replace(/\/+$/, '');
    const taken = mountPaths.get(normalized);
    if (taken !== undefined) {
      throw new ValidationError(`${what} mountPath '${path}' is already used by ${taken}; mount each source in its own directory`, scope);
    }
    mountPaths.set(normalized, what);
    volumes.push(volume);
    volumeMounts.push({ name: volume.name, mountPath: normalized, readOnly: volume.emptyDir === undefined });
  };

  if (readOnlyRootFilesystem) {
    mountAt('/tmp', { name: TMP_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }, 'the writable /tmp');
  }
  for (const mount of mounts) {
    const what = `${mount.kind === 'ConfigMap' ? 'config' : 'secret'} '${mount.logicalName}'`;
    if (mount.mountPath === undefined) {
      envFrom.push(
        mount.kind === 'ConfigMap'
          ? { configMapRef: { name: mount.objectName } }
          : { secretRef: { name: mount.objectName } },
      );
      continue;
    }
    const volumeName = volumeNameOf(mount, volumes.map((v) => v.name));
    assertDnsLabel(`volume name '${volumeName}' (from ${what})`, volumeName, DNS_LABEL_MAX_LENGTH, scope);
    const source = mount.kind === 'ConfigMap'
      ? { configMap: { name: mount.objectName } }
      : { secret: { secretName: mount.objectName } };
    mountAt(mount.mountPath, { name: volumeName, ...source }, what);
  }

  const variables: k8s.EnvVar[] = Object.keys(env).sort().map((name) => {
    if (!ENV_NAME.test(name)) {
      throw new ValidationError(`env name '${name}' is invalid: use letters, digits, '_', '-' or '.', not starting with a digit`, scope);
    }
    return { name, value: env[name] };
  });
  return { env: variables, envFrom, volumes, volumeMounts };
}

/**
 * The volume of a mounted source: `config-<name>` or `secret-<name>`. An
 * existing Secret's name is a DNS subdomain ('tls.v2', up to 253
 * characters) where a volume name must be a DNS label, and may be the name
 * of a secret source too (an existing Secret 'db' beside the source 'db'),
 * so such a name gets a content-addressed volume name instead.
 *
 * @param taken the names of the volumes made before
 */
function volumeNameOf(mount: MountedConfig, taken: readonly string[]): string {
  const plain = `${mount.kind === 'ConfigMap' ? 'config' : 'secret'}-${mount.logicalName}`;
  if (isDnsLabel(plain) && !taken.includes(plain)) {
    return plain;
  }
  return contentAddressedName(plain.replace(/[^-a-z0-9]/g, '-'), contentHash({ logicalName: mount.logicalName, objectName: mount.objectName }));
}
