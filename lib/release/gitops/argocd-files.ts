import { toYaml } from '../../core/yaml';
import { GENERATED_HEADER, GitopsFile, GitopsLayout, repoFolder } from './gitops-layout';
import { stepFile } from './step-objects';

/** Argo CD's annotation that orders a sync: lower waves apply, and turn healthy, first. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
/** Argo CD's per-object sync options annotation. */
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** Prune (delete what git no longer has) only after every wave applied and turned healthy. */
export const PRUNE_LAST = 'PruneLast=true';

/**
 * Argo CD output: each step's objects carry its sync wave (`1` prepare, `2`
 * revisions, `3` pointers; Argo CD applies a wave only once every object of
 * the waves before is healthy) and `PruneLast=true`; `sync/application.yaml`
 * is an Application in namespace `argocd` syncing `steps/` (recursively)
 * automatically, with pruning and self-heal, `PruneLast=true` for every
 * object (those applied before they carried the annotation too): retired
 * revisions are deleted after the pointers moved and held.
 */
export function argocdFiles(layout: GitopsLayout): GitopsFile[] {
  const steps = layout.steps.map((step) => stepFile(step, GENERATED_HEADER, () => ({ [SYNC_WAVE]: String(step.order), [SYNC_OPTIONS]: PRUNE_LAST })));
  const application = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: layout.name, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: {
        repoURL: layout.repoUrl,
        targetRevision: layout.branch,
        path: repoFolder(layout, 'steps'),
        directory: { recurse: true },
      },
      destination: { server: 'https://kubernetes.default.svc' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: [PRUNE_LAST],
      },
    },
  };
  return [{ path: 'sync/application.yaml', content: GENERATED_HEADER + toYaml([application]) }, ...steps];
}
