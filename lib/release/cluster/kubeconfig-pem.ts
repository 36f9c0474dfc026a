import { readFileSync } from 'fs';
import { isAbsolute } from 'path';
import { fileErrorReason } from '../plan/read-dist';
import { KubeconfigError } from './cluster-error';

/**
 * The PEM of `<key>-data` (base64) or of the file `<key>` (relative to the
 * kubeconfig's directory); `undefined` when neither is set.
 *
 * @throws KubeconfigError when the file cannot be read or the data is not base64
 */
export function pemOf(entry: Readonly<Record<string, unknown>>, key: string, where: string, fileOf: (path: string) => string): Buffer | undefined {
  const data = entry[`${key}-data`];
  if (typeof data === 'string' && data !== '') {
    if (!/^[A-Za-z0-9+/=\s]+$/.test(data)) {
      throw new KubeconfigError(`${where}: ${key}-data is not base64`);
    }
    return Buffer.from(data, 'base64');
  }
  const path = entry[key];
  if (typeof path !== 'string' || path === '') {
    return undefined;
  }
  const file = isAbsolute(path) ? path : fileOf(path);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new KubeconfigError(`${where}: cannot read ${key} ${file}: ${fileErrorReason(error, file)}`);
  }
}
