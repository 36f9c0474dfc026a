import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';

/** A dist folder that cannot be read as a synthesis. */
export class DistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistError';
  }
}

const YAML_FILE = /\.ya?ml$/;

/**
 * The objects of a synthesis: every document of every `*.yaml` / `*.yml` file
 * directly in `dir` (what `cdk8s synth` writes), files in byte order of their
 * names, documents in file order; empty documents skipped.
 *
 * @throws DistError when `dir` is not a directory or has no YAML file, a file
 *   does not parse, a document is not a Kubernetes object, or two documents
 *   are the same object
 */
export function readDist(dir: string): Manifest[] {
  if (!isDirectory(dir)) {
    throw new DistError(`${dir} is not a directory; pass the folder cdk8s synth wrote (e.g. dist/)`);
  }
  const files = readdirSync(dir).filter((f) => YAML_FILE.test(f) && statSync(join(dir, f)).isFile()).sort(byteOrder);
  if (files.length === 0) {
    throw new DistError(`${dir} has no *.yaml files; run the synthesis first (npm run synth)`);
  }
  const manifests: Manifest[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const path = join(dir, file);
    parseAllDocuments(readFileSync(path, 'utf8')).forEach((document, index) => {
      const where = `${path}, document ${index + 1}`;
      if (document.errors.length > 0) {
        throw new DistError(`${where} is not valid YAML: ${document.errors[0].message}`);
      }
      const value: unknown = document.toJS();
      if (value === null || value === undefined) {
        return;
      }
      const manifest = asManifest(value, where);
      const identity = objectIdentity(manifest);
      if (seen.has(identity)) {
        throw new DistError(`${where} is ${manifest.kind} ${manifest.metadata.name} again (first in ${seen.get(identity)}); keep one`);
      }
      seen.set(identity, where);
      manifests.push(manifest);
    });
  }
  return manifests;
}

function asManifest(value: unknown, where: string): Manifest {
  const object = value as Partial<Manifest>;
  const ok = typeof value === 'object' && !Array.isArray(value) &&
    typeof object.apiVersion === 'string' && typeof object.kind === 'string' &&
    typeof object.metadata === 'object' && object.metadata !== null && typeof object.metadata.name === 'string';
  if (!ok) {
    throw new DistError(`${where} is not a Kubernetes object (apiVersion, kind and metadata.name are required)`);
  }
  return object as Manifest;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
