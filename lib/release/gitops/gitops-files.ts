import { posix } from 'path';
import { LabelKeys } from '../../core/labels';
import { Manifest } from '../../core/manifest-schema';
import { isDnsLabel } from '../../core/names';
import { argocdFiles } from './argocd-files';
import { fluxFiles } from './flux-files';
import { GitopsError } from './gitops-error';
import { GitopsFile, GitopsLayout } from './gitops-layout';
import { gitopsSteps } from './gitops-steps';

/** The GitOps engines `gitopsFiles` writes for. */
export const GITOPS_FLAVORS = ['argocd', 'flux'] as const;

/** A GitOps engine: Argo CD or Flux. */
export type GitopsFlavor = (typeof GITOPS_FLAVORS)[number];

/** Options of {@link gitopsFiles}. */
export interface GitopsOptions {
  /** The engine to write for. */
  readonly flavor: GitopsFlavor;
  /** The git repository the engine reads (Flux: `http://`, `https://` or `ssh://`). */
  readonly repoUrl: string;
  /** The folder the output is committed to, relative to the repository's root (`.` for the root). */
  readonly path: string;
  /**
   * The branch the engine follows.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * The name of the Argo CD Application, or of the Flux GitRepository and
   * the prefix of its Kustomizations: a DNS label of at most 50 characters.
   * @default - the synthesis's one `app.kubernetes.io/part-of` value
   */
  readonly name?: string;
  /**
   * Write Secrets into the output, to be committed in plain text (base64 is
   * no encryption): only for a repository nobody else can read.
   * @default false - a synthesis with a Secret is refused
   */
  readonly allowSecrets?: boolean;
  /**
   * Flux: how long each step's Kustomization may take to apply and turn
   * healthy (its `spec.timeout`); past it, the step is not Ready (health
   * check failed) and the steps after it wait. Argo CD has no such bound
   * (a sync wave waits until its objects are healthy or degraded): refused
   * for `argocd`.
   * @default 600 - deploy's gate timeout
   */
  readonly timeoutSeconds?: number;
}

/** Longest name: `<name>-revisions` and the like stay short, readable object names. */
const MAX_NAME_LENGTH = 50;
/** Each step's time to turn healthy, unless the options say: `deploy`'s gate timeout. */
const DEFAULT_TIMEOUT_SECONDS = 600;

/**
 * The files that hand a synthesis to a GitOps engine in release order, to
 * commit under `options.path`:
 * - `steps/<n>-<step>/objects.yaml`: the objects of each step (`1-prepare`,
 *   `2-revisions`, `3-pointers`; see {@link gitopsSteps});
 * - `sync/application.yaml` (Argo CD): an Application whose sync waves are
 *   the steps, pruning last; or `sync/flux.yaml` (Flux): a GitRepository and
 *   one Kustomization per step, each depending on the one before, waiting
 *   for health, plus one that prunes retired revisions once the pointers
 *   moved.
 * The same synthesis and options always give the same bytes.
 *
 * @throws GitopsError for a bad name, path, repository URL or timeout, a synthesis
 *   whose name cannot be told (no or several `app.kubernetes.io/part-of`
 *   values), or a Secret without `allowSecrets`
 */
export function gitopsFiles(dist: readonly Manifest[], options: GitopsOptions): GitopsFile[] {
  const layout: GitopsLayout = {
    name: appName(dist, options.name),
    repoUrl: repoUrl(options),
    branch: branch(options.branch ?? 'main'),
    path: repoPath(options.path),
    timeoutSeconds: timeoutSeconds(options),
    steps: gitopsSteps(dist),
  };
  if (options.allowSecrets !== true) {
    const secret = dist.find((m) => m.kind === 'Secret' && m.apiVersion === 'v1');
    if (secret !== undefined) {
      throw new GitopsError(
        `Secret ${secret.metadata.namespace ?? ''}/${secret.metadata.name} would be committed to git in plain text (base64 is no encryption); ` +
          'keep Secrets out of a GitOps synthesis (sealed-secrets, SOPS, External Secrets), or allow them for a private repository (--allow-secrets)',
      );
    }
  }
  switch (options.flavor) {
    case 'argocd':
      return argocdFiles(layout);
    case 'flux':
      return fluxFiles(layout);
    default:
      throw new GitopsError(`flavor must be one of ${GITOPS_FLAVORS.join(', ')}, got '${String(options.flavor)}'`);
  }
}

function appName(dist: readonly Manifest[], given: string | undefined): string {
  if (given !== undefined) {
    if (!isDnsLabel(given, MAX_NAME_LENGTH)) {
      throw new GitopsError(`name must be a DNS label (lower-case letters, digits and '-') of at most ${MAX_NAME_LENGTH} characters, got '${given}'`);
    }
    return given;
  }
  const partOf = (m: Manifest) => ((m.metadata.labels ?? {}) as Record<string, string>)[LabelKeys.PART_OF];
  const values = [...new Set(dist.map(partOf).filter((v) => v !== undefined))].sort();
  if (values.length !== 1 || !isDnsLabel(values[0], MAX_NAME_LENGTH)) {
    const found = values.length === 0 ? 'none' : values.join(', ');
    throw new GitopsError(`cannot name the app from the synthesis's ${LabelKeys.PART_OF} labels (found: ${found}); give a name (--name), a DNS label of at most ${MAX_NAME_LENGTH} characters`);
  }
  return values[0];
}

const FLUX_URL = /^(http|https|ssh):\/\/\S+$/;

function repoUrl(options: GitopsOptions): string {
  const url = options.repoUrl;
  if (typeof url !== 'string' || url.trim() === '' || /\s/.test(url)) {
    throw new GitopsError(`repository URL must be a URL without spaces, got '${String(url)}'`);
  }
  if (options.flavor === 'flux' && !FLUX_URL.test(url)) {
    throw new GitopsError(`Flux reads git over http://, https:// or ssh:// URLs; got '${url}' (write git@host:repo as ssh://git@host/repo)`);
  }
  return url;
}

function timeoutSeconds(options: GitopsOptions): number {
  const value = options.timeoutSeconds;
  if (value === undefined) {
    return DEFAULT_TIMEOUT_SECONDS;
  }
  if (options.flavor === 'argocd') {
    throw new GitopsError(
      `an Argo CD Application has no field that bounds how long a sync wave waits for health (got a timeout of ${value}s): a wave waits until its objects are healthy or degraded; ` +
        "leave the timeout out for argocd, and bound a Deployment's rollout with its progress deadline",
    );
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new GitopsError(`timeout must be a whole number of seconds ≥ 1, got ${String(value)}`);
  }
  return value;
}

function branch(value: string): string {
  if (value.trim() === '' || /[\s~^:?*[\\]|\.\.|^[-/]|\/$|\.lock$/.test(value)) {
    throw new GitopsError(`branch must be a git branch name, got '${value}'`);
  }
  return value;
}

function repoPath(value: string): string {
  const normalized = posix.normalize(value.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (value.trim() === '' || posix.isAbsolute(normalized) || normalized === '..' || normalized.startsWith('../')) {
    throw new GitopsError(`path must be a folder inside the repository, relative to its root (e.g. gitops/shop, or . for the root), got '${value}'`);
  }
  return normalized === '.' ? '' : normalized;
}
