import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

// CRD schemas read from a Go module pinned in scripts/engines/versions.env,
// the same module and version scripts/engines/build.sh installs on the
// integration cluster. The module comes from the Go module cache, fetched
// with `go mod download` when absent; the CRDs are never copied into the
// project.

type Schema = Record<string, any>;

/** A module that ships CRD YAML: its path, the versions.env key of its version, the folder of the CRDs, the kinds read. */
interface CrdModule {
  readonly module: string;
  readonly pin: string;
  readonly dir: string;
  readonly kinds: readonly string[];
}

/** The API groups checked against a module's CRDs. */
export const MODULE_CRDS: Readonly<Record<string, CrdModule>> = {
  'monitoring.coreos.com': {
    module: 'github.com/prometheus-operator/prometheus-operator',
    pin: 'PROMETHEUS_OPERATOR_VERSION',
    dir: 'example/prometheus-operator-crd',
    kinds: ['PodMonitor', 'PrometheusRule', 'ServiceMonitor'],
  },
};

const VERSIONS_FILE = join(__dirname, '..', 'scripts', 'engines', 'versions.env');
const cache = new Map<string, Map<string, Schema>>();

/** The version versions.env pins under `key`. */
export function pinnedVersion(key: string): string {
  const line = readFileSync(VERSIONS_FILE, 'utf8').split('\n').find((l) => l.startsWith(`${key}=`));
  const version = line?.slice(key.length + 1).trim();
  if (!version) {
    throw new Error(`scripts/engines/versions.env pins no ${key}`);
  }
  return version;
}

/** The directory of `module@version` in the Go module cache, downloaded if need be. */
function moduleDir(module: string, version: string): string {
  const scratch = mkdtempSync(join(tmpdir(), 'immutable-infra-crds-'));
  try {
    const out = execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], {
      cwd: scratch,
      encoding: 'utf8',
      env: { ...process.env, GOWORK: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    });
    return (JSON.parse(out) as { Dir: string }).Dir;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The openAPIV3Schema of every served version of a group's kinds, by
 * `group/version/Kind`; `undefined` for a group no module provides.
 */
export function moduleCrdSchemas(group: string): Map<string, Schema> | undefined {
  const source = MODULE_CRDS[group];
  if (source === undefined) {
    return undefined;
  }
  const cached = cache.get(group);
  if (cached !== undefined) {
    return cached;
  }
  const schemas = new Map<string, Schema>();
  const dir = join(moduleDir(source.module, pinnedVersion(source.pin)), source.dir);
  // the CRD files are named <group>_<plural>.yaml; read only the kinds the library emits (the others are ~4 MB)
  const files = readdirSync(dir).filter((f) => source.kinds.some((kind) => f === `${group}_${kind.toLowerCase()}s.yaml`));
  for (const file of files.sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind === 'CustomResourceDefinition' && crd.spec.group === group) {
        for (const version of crd.spec.versions) {
          schemas.set(`${group}/${version.name}/${crd.spec.names.kind}`, version.schema.openAPIV3Schema);
        }
      }
    }
  }
  cache.set(group, schemas);
  return schemas;
}
