import { Manifest } from '../../core/manifest-schema';
import { toYaml } from '../../core/yaml';
import { GENERATED_HEADER, GitopsFile, GitopsLayout, repoFolder } from './gitops-layout';
import { stepFile } from './step-objects';

/** Flux's namespace for its sources and Kustomizations. */
export const FLUX_NAMESPACE = 'flux-system';
/** kustomize-controller's per-object apply policy: `IfNotPresent` creates an object, never updates it. */
export const FLUX_SSA = 'kustomize.toolkit.fluxcd.io/ssa';
/** kustomize-controller's per-object prune policy: `disabled` never deletes the object. */
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

/** How often the controllers look again without a change (drift is corrected then). */
const INTERVAL = '10m';
/** How often source-controller polls the repository. */
const SOURCE_INTERVAL = '1m';

/**
 * Flux output: `sync/flux.yaml` holds a GitRepository and a Kustomization per
 * step (`<name>-prepare`, `<name>-revisions`, `<name>-pointers`), each with
 * `dependsOn` the one before and `wait: true` (Ready only once every object
 * it applied is healthy: Deployments available; past the layout's timeout
 * it is not Ready, health check failed, and the steps after it never
 * apply), then `<name>-retire`, depending on the pointers, over the
 * revisions folder again with `prune: true`: the only Kustomization that
 * owns revision objects, so retired revisions are deleted once the pointers
 * moved and held.
 * `<name>-revisions` only creates (`ssa: IfNotPresent`, through its
 * `commonMetadata`) and never prunes; `<name>-retire` then takes the new
 * revisions over (one write of Flux's owner labels; nothing in them
 * changes). `prepare` and `pointers` prune what they no longer have right
 * after applying the rest; Namespaces are never pruned (`prune: disabled`:
 * deleting one deletes every revision in it, including those still live).
 */
export function fluxFiles(layout: GitopsLayout): GitopsFile[] {
  const steps = layout.steps.map((step) => stepFile(step, GENERATED_HEADER, (m: Manifest): Record<string, string> => (isNamespace(m) ? { [FLUX_PRUNE]: 'disabled' } : {})));
  const kustomizations: object[] = [];
  let previous: string | undefined;
  for (const step of layout.steps) {
    const name = `${layout.name}-${step.name}`;
    const revisions = step.name === 'revisions';
    kustomizations.push(kustomization(layout, name, step.folder, previous, {
      prune: !revisions,
      ...(revisions ? { commonMetadata: { annotations: { [FLUX_SSA]: 'IfNotPresent' } } } : {}),
    }));
    previous = name;
  }
  const revisionsStep = layout.steps.find((s) => s.name === 'revisions');
  if (revisionsStep !== undefined) {
    kustomizations.push(kustomization(layout, `${layout.name}-retire`, revisionsStep.folder, previous, { prune: true }));
  }
  const repository = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: layout.name, namespace: FLUX_NAMESPACE },
    spec: { interval: SOURCE_INTERVAL, url: layout.repoUrl, ref: { branch: layout.branch } },
  };
  return [{ path: 'sync/flux.yaml', content: GENERATED_HEADER + toYaml([repository, ...kustomizations]) }, ...steps];
}

function kustomization(layout: GitopsLayout, name: string, folder: string, dependsOn: string | undefined, fields: Record<string, unknown>): object {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: FLUX_NAMESPACE },
    spec: {
      interval: INTERVAL,
      timeout: goDuration(layout.timeoutSeconds),
      sourceRef: { kind: 'GitRepository', name: layout.name },
      path: `./${repoFolder(layout, `steps/${folder}`)}`,
      ...(dependsOn === undefined ? {} : { dependsOn: [{ name: dependsOn }] }),
      wait: true,
      ...fields,
    },
  };
}

/** Seconds as a Go duration, in whole minutes when they are (`600` → `10m`, `45` → `45s`). */
function goDuration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

function isNamespace(m: Manifest): boolean {
  return m.kind === 'Namespace' && m.apiVersion === 'v1';
}
