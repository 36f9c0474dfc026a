import { readFileSync } from 'fs';
import { isAbsolute } from 'path';
import { IConstruct } from 'constructs';
import { unrenderableKeyProblem } from '../core/map-keys';
import { describeValue } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';
import { CONFIG_KEY, MAX_CONFIG_BYTES } from './immutable-data';

/**
 * Configuration (or secret) data of a service: literals and files, exposed to
 * the container as environment variables or as files in a directory.
 */
export interface ConfigSource {
  /**
   * Logical name: part of the object name (`<service>-<name>-<hash>`) and of
   * the volume name. Lower-case letters, digits and '-'.
   */
  readonly name: string;
  /**
   * Literal key/value pairs.
   * @default - none
   */
  readonly literals?: Readonly<Record<string, string>>;
  /**
   * Keys whose values are the content of local files, read at synth time:
   * key → absolute path (use `path.join(__dirname, 'app.conf')`).
   * @default - none
   */
  readonly files?: Readonly<Record<string, string>>;
  /**
   * Mount the data as files (one per key) in this directory. Without it every
   * key becomes an environment variable, so keys must then be valid variable
   * names (Kubernetes would silently skip the others).
   * @default - exposed as environment variables
   */
  readonly mountPath?: string;
}

/** A Secret that exists in the cluster already, managed elsewhere. */
export interface ExistingSecretReference {
  /** The Secret's name. */
  readonly secretName: string;
  /**
   * Mount the Secret as files in this directory.
   * @default - every key exposed as an environment variable
   */
  readonly mountPath?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why a file cannot be read, for the usual errors (the others give Node's message). */
const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'a directory, not a file',
  ELOOP: 'a symlink loop',
};

/**
 * The data of a config source, literals and files merged, keys validated.
 *
 * @param what names the source in errors, e.g. "config 'settings'"
 * @param secret whether the data is a Secret's: a file value that is not an
 *   absolute path (perhaps the content itself) is then never shown
 * @throws ValidationError for bad keys, relative or unreadable files, duplicate keys, no data, > 1 MiB
 * @internal
 */
export function readConfigSource(what: string, source: ConfigSource, scope: IConstruct, secret = false): Record<string, string> {
  const data: Record<string, string> = {};
  for (const key of [...Object.keys(source.literals ?? {}), ...Object.keys(source.files ?? {})]) {
    const unrenderable = unrenderableKeyProblem(key);
    if (unrenderable !== undefined) {
      throw new ValidationError(`${what} key ${unrenderable}; rename the key`, scope);
    }
  }
  for (const [key, value] of Object.entries(source.literals ?? {})) {
    data[key] = value;
  }
  for (const [key, file] of Object.entries(source.files ?? {})) {
    if (Object.hasOwn(data, key)) {
      throw new ValidationError(`${what} key '${key}' is both a literal and a file; keep one`, scope);
    }
    if (!isAbsolute(file)) {
      throw new ValidationError(
        secret
          ? `${what} file for key '${key}' is a relative path, not an absolute one (its value, ${file.length} characters, is not shown: it may be the secret itself); ` +
            `pass the path of a file holding the secret, such as path.join(__dirname, '${key}'), or the content under literals`
          : `${what} file ${describeValue(file)} for key '${key}' is a relative path, which would depend on the working directory; ` +
            "pass an absolute path such as path.join(__dirname, 'app.conf')",
        scope,
      );
    }
    try {
      data[key] = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const reason = READ_ERRORS[code] ?? (error as Error).message;
      throw new ValidationError(`${what} file ${describeValue(file)} for key '${key}' cannot be read (${reason}); check the path`, scope);
    }
  }
  const keys = Object.keys(data).sort();
  if (keys.length === 0) {
    throw new ValidationError(`${what} has no data; add literals or files`, scope);
  }
  const envMounted = source.mountPath === undefined;
  let bytes = 0;
  for (const key of keys) {
    if (!CONFIG_KEY.test(key) || key.length > 253) {
      throw new ValidationError(
        `${what} key '${key}' is invalid: keys are 1-253 letters, digits, '-', '_' or '.'`,
        scope,
      );
    }
    if (envMounted && !ENV_NAME.test(key)) {
      throw new ValidationError(
        `${what} key '${key}' is not a valid environment variable name, and the data is exposed as environment variables ` +
          "(Kubernetes would silently skip it); rename the key (e.g. 'LOG_LEVEL') or set mountPath to mount files",
        scope,
      );
    }
    bytes += Buffer.byteLength(key) + Buffer.byteLength(data[key]);
  }
  if (bytes > MAX_CONFIG_BYTES) {
    throw new ValidationError(`${what} holds ${bytes} bytes, above the 1 MiB limit of a ConfigMap or Secret; split it`, scope);
  }
  const sorted: Record<string, string> = {};
  for (const key of keys) {
    sorted[key] = data[key];
  }
  return sorted;
}
