import { spawnSync } from 'child_process';
import { join } from 'path';
import { Manifest } from '../../lib';
import { toYaml } from '../../lib/internal';
import { engines } from './engines';

const KUBECTL = join(engines().bin, 'kubectl');

/** The result of one kubectl call. */
export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs kubectl against the suite's cluster; never throws on a non-zero exit. */
export function kubectl(args: readonly string[], input?: string): KubectlResult {
  const result = spawnSync(KUBECTL, [...args], { input, encoding: 'utf8', env: process.env, maxBuffer: 256 * 1024 * 1024 });
  if (result.error !== undefined) {
    return { status: -1, stdout: '', stderr: `kubectl could not run: ${result.error.message}` };
  }
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs kubectl and fails with its stderr on a non-zero exit. */
export function kubectlOk(args: readonly string[], input?: string): string {
  const result = kubectl(args, input);
  if (result.status !== 0) {
    throw new Error(`kubectl ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  }
  return result.stdout;
}

/** Server-side applies the objects (optionally as a server dry run). */
export function applyServerSide(objects: readonly Manifest[], options: { dryRun?: boolean } = {}): KubectlResult {
  const args = ['apply', '--server-side', '--field-manager=immutable-infra', '-f', '-'];
  if (options.dryRun) {
    args.push('--dry-run=server');
  }
  return kubectl(args, toYaml(objects));
}

/** How kubectl names an object's resource type: `kind.group` (just `kind` for the core group). */
export function resourceType(manifest: Pick<Manifest, 'apiVersion' | 'kind'>): string {
  const slash = manifest.apiVersion.indexOf('/');
  return slash < 0 ? manifest.kind : `${manifest.kind}.${manifest.apiVersion.slice(0, slash)}`;
}

/** The live object, or `undefined` when it does not exist. */
export function getLive(kind: string, name: string, namespace?: string): Record<string, any> | undefined {
  const args = ['get', kind, name, '-o', 'json', ...(namespace ? ['-n', namespace] : [])];
  const result = kubectl(args);
  if (result.status !== 0) {
    if (/NotFound|not found/.test(result.stderr)) {
      return undefined;
    }
    throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

/** The live object's resourceVersion, or `undefined` when it does not exist. */
export function liveResourceVersion(manifest: Manifest): string | undefined {
  return getLive(resourceType(manifest), manifest.metadata.name!, manifest.metadata.namespace)?.metadata.resourceVersion;
}

/** Deletes a namespace and waits until it is gone. */
export function deleteNamespace(name: string): void {
  kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=true', '--timeout=180s']);
}

/**
 * Polls `probe` until it returns a value other than `undefined`, for at most
 * `timeoutMs`; returns the last value (`undefined` on timeout).
 */
export function pollFor<T>(probe: () => T | undefined, timeoutMs = 60_000, intervalMs = 500): T | undefined {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() > deadline) {
      return value;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, intervalMs);
  }
}
