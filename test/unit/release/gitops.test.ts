import { parse, parseAllDocuments } from 'yaml';
import { GitopsError, gitopsFiles, GitopsOptions, gitopsSteps, Manifest } from '../../../lib';
import { apiService } from './plan-fixtures';

/** The one-service app of the plan tests (namespace `app`, part-of `app`), without its Secret, plus its Namespace. */
function app(): Manifest[] {
  return [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } }, ...apiService({ secrets: [] })];
}

/** The app without the objects of the prepare step. */
function withoutPrerequisites(): Manifest[] {
  return app().filter((m) => !['Namespace', 'ServiceAccount', 'NetworkPolicy'].includes(m.kind));
}

const ARGO: GitopsOptions = { flavor: 'argocd', repoUrl: 'https://git.example.com/acme/deploy.git', path: 'gitops/app' };
const FLUX: GitopsOptions = { ...ARGO, flavor: 'flux' };

/** The documents of one output file, by its path. */
function documents(options: GitopsOptions, path: string, dist = app()): any[] {
  const file = gitopsFiles(dist, options).find((f) => f.path === path);
  if (file === undefined) {
    throw new Error(`no ${path}`);
  }
  return parseAllDocuments(file.content).map((d) => d.toJS());
}
const ids = (objects: readonly Manifest[]) => objects.map((m) => `${m.kind}/${m.metadata.name}`);

describe('gitopsSteps', () => {
  test('orders a synthesis as deploy orders a first release: prerequisites, revisions, pointers', () => {
    const steps = gitopsSteps(app());
    expect(steps.map((s) => [s.order, s.folder])).toEqual([[1, '1-prepare'], [2, '2-revisions'], [3, '3-pointers']]);
    expect(ids(steps[0].objects)).toEqual(['Namespace/app', 'ServiceAccount/api', 'NetworkPolicy/api']);
    expect(ids(steps[1].objects)).toEqual([expect.stringMatching(/^ConfigMap\/api-settings-/), expect.stringMatching(/^Deployment\/api-/)]);
    expect(ids(steps[2].objects)).toEqual(expect.arrayContaining(['Service/api']));
    expect(steps.flatMap((s) => s.objects)).toHaveLength(app().length);
  });

  test('leaves out steps without objects', () => {
    const steps = gitopsSteps(withoutPrerequisites());
    expect(steps.map((s) => s.name)).toEqual(['revisions', 'pointers']);
    expect(steps.map((s) => s.order)).toEqual([2, 3]);
  });
});

describe('Argo CD output', () => {
  test('writes the Application and one file per step, each object in its sync wave and pruned last', () => {
    expect(gitopsFiles(app(), ARGO).map((f) => f.path)).toEqual([
      'sync/application.yaml', 'steps/1-prepare/objects.yaml', 'steps/2-revisions/objects.yaml', 'steps/3-pointers/objects.yaml',
    ]);
    for (const [path, wave] of [['steps/1-prepare/objects.yaml', '1'], ['steps/2-revisions/objects.yaml', '2'], ['steps/3-pointers/objects.yaml', '3']]) {
      for (const object of documents(ARGO, path)) {
        expect(object.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-wave': wave, 'argocd.argoproj.io/sync-options': 'PruneLast=true' });
      }
    }
    const [application] = documents(ARGO, 'sync/application.yaml');
    expect(application).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'app', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: ARGO.repoUrl, targetRevision: 'main', path: 'gitops/app/steps', directory: { recurse: true } },
        destination: { server: 'https://kubernetes.default.svc' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true'] },
      },
    });
  });

  test('keeps the objects as synthesized apart from the two annotations', () => {
    const written = documents(ARGO, 'steps/2-revisions/objects.yaml');
    const synthesized = gitopsSteps(app())[1].objects;
    const strip = (m: any) => {
      const annotations = { ...m.metadata.annotations };
      delete annotations['argocd.argoproj.io/sync-wave'];
      delete annotations['argocd.argoproj.io/sync-options'];
      return { ...m, metadata: { ...m.metadata, annotations } };
    };
    const withAnnotations = (m: Manifest) => ({ ...m, metadata: { ...m.metadata, annotations: m.metadata.annotations ?? {} } });
    expect(written.map(strip)).toEqual(synthesized.map((m) => strip(withAnnotations(m))));
  });

  test('a repository root path and another branch and name', () => {
    const [application] = documents({ ...ARGO, path: '.', branch: 'release/prod', name: 'shop-prod' }, 'sync/application.yaml');
    expect(application.metadata.name).toBe('shop-prod');
    expect(application.spec.source).toMatchObject({ path: 'steps', targetRevision: 'release/prod' });
  });
});

describe('Flux output', () => {
  test('chains one waiting Kustomization per step, then the one that prunes retired revisions', () => {
    const [repository, ...kustomizations] = documents(FLUX, 'sync/flux.yaml');
    expect(repository).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'app', namespace: 'flux-system' },
      spec: { interval: '1m', url: FLUX.repoUrl, ref: { branch: 'main' } },
    });
    const summary = kustomizations.map((k) => ({
      name: k.metadata.name, path: k.spec.path, dependsOn: k.spec.dependsOn?.map((d: any) => d.name), wait: k.spec.wait, prune: k.spec.prune,
    }));
    expect(summary).toEqual([
      { name: 'app-prepare', path: './gitops/app/steps/1-prepare', dependsOn: undefined, wait: true, prune: true },
      { name: 'app-revisions', path: './gitops/app/steps/2-revisions', dependsOn: ['app-prepare'], wait: true, prune: false },
      { name: 'app-pointers', path: './gitops/app/steps/3-pointers', dependsOn: ['app-revisions'], wait: true, prune: true },
      { name: 'app-retire', path: './gitops/app/steps/2-revisions', dependsOn: ['app-pointers'], wait: true, prune: true },
    ]);
    for (const k of kustomizations) {
      expect(k).toMatchObject({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', metadata: { namespace: 'flux-system' } });
      expect(k.spec).toMatchObject({ interval: '10m', timeout: '10m', sourceRef: { kind: 'GitRepository', name: 'app' } });
    }
    // Only the revisions step creates without updating: the retire step owns (and prunes) the revisions.
    expect(kustomizations.map((k) => k.spec.commonMetadata)).toEqual([undefined, { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' } }, undefined, undefined]);
  });

  test('never prunes a Namespace; the other objects are written as synthesized', () => {
    const [namespace, ...others] = documents(FLUX, 'steps/1-prepare/objects.yaml');
    expect(namespace.metadata).toEqual({ name: 'app', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } });
    expect(others).toEqual(JSON.parse(JSON.stringify(gitopsSteps(app())[0].objects.slice(1))));
    expect(documents(FLUX, 'steps/2-revisions/objects.yaml')).toEqual(JSON.parse(JSON.stringify(gitopsSteps(app())[1].objects)));
  });

  test.each([
    [45, '45s'],
    [90, '90s'],
    [600, '10m'],
    [7200, '120m'],
  ])('a timeout of %js bounds every step as %s', (timeoutSeconds, written) => {
    const kustomizations = documents({ ...FLUX, timeoutSeconds }, 'sync/flux.yaml').slice(1);
    expect(kustomizations.map((k) => k.spec.timeout)).toEqual(['app-prepare', 'app-revisions', 'app-pointers', 'app-retire'].map(() => written));
  });

  test('without prerequisites the revisions step depends on nothing', () => {
    const dist = withoutPrerequisites();
    const kustomizations = documents(FLUX, 'sync/flux.yaml', dist).slice(1);
    expect(kustomizations.map((k) => [k.metadata.name, k.spec.dependsOn?.[0].name])).toEqual([
      ['app-revisions', undefined], ['app-pointers', 'app-revisions'], ['app-retire', 'app-pointers'],
    ]);
  });
});

describe('gitopsFiles', () => {
  test('gives the same bytes every run, each file headed by a do-not-edit line', () => {
    for (const options of [ARGO, FLUX]) {
      const first = gitopsFiles(app(), options);
      expect(gitopsFiles(app(), options)).toEqual(first);
      for (const file of first) {
        expect(file.content.startsWith('# Written by immutable-infra gitops')).toBe(true);
        expect(() => parse(file.content.split('---\n')[0])).not.toThrow();
      }
    }
  });

  test('matches the snapshot', () => {
    for (const options of [ARGO, FLUX]) {
      expect(Object.fromEntries(gitopsFiles(app(), options).map((f) => [f.path, f.content]))).toMatchSnapshot(options.flavor);
    }
  });

  test('fails when the synthesis has a Secret, unless allowed', () => {
    const withSecret = apiService();
    expect(() => gitopsFiles(withSecret, FLUX)).toThrow(GitopsError);
    expect(() => gitopsFiles(withSecret, FLUX)).toThrow(/^Secret app\/api-db-\w+ would be committed to git in plain text .*\(--allow-secrets\)$/);
    const allowed = gitopsFiles(withSecret, { ...FLUX, allowSecrets: true });
    expect(allowed.find((f) => f.path === 'steps/2-revisions/objects.yaml')!.content).toContain('kind: Secret');
  });

  test('fails when the app cannot be named from the synthesis', () => {
    const unlabelled = app().map((m) => ({ ...m, metadata: { ...m.metadata, labels: {} } }));
    expect(() => gitopsFiles(unlabelled, ARGO)).toThrow("cannot name the app from the synthesis's app.kubernetes.io/part-of labels (found: none); give a name (--name)");
    expect(gitopsFiles(unlabelled, { ...ARGO, name: 'shop' })[0].content).toContain('name: shop\n');
  });

  test.each([
    [{ name: 'Shop' }, "name must be a DNS label (lower-case letters, digits and '-') of at most 50 characters, got 'Shop'"],
    [{ name: 'a'.repeat(51) }, 'name must be a DNS label'],
    [{ path: '/srv/gitops' }, "path must be a folder inside the repository, relative to its root (e.g. gitops/shop, or . for the root), got '/srv/gitops'"],
    [{ path: 'gitops/../../up' }, 'path must be a folder inside the repository'],
    [{ branch: 'feature..x' }, "branch must be a git branch name, got 'feature..x'"],
    [{ repoUrl: 'git@github.com:acme/deploy.git' }, "Flux reads git over http://, https:// or ssh:// URLs; got 'git@github.com:acme/deploy.git' (write git@host:repo as ssh://git@host/repo)"],
    [{ repoUrl: ' ' }, "repository URL must be a URL without spaces, got ' '"],
    [{ timeoutSeconds: 0 }, 'timeout must be a whole number of seconds ≥ 1, got 0'],
    [{ timeoutSeconds: 1.5 }, 'timeout must be a whole number of seconds ≥ 1, got 1.5'],
  ])('fails when given %j', (change, message) => {
    expect(() => gitopsFiles(app(), { ...FLUX, ...change })).toThrow(message);
  });

  test('refuses a timeout for Argo CD, which has no field for it', () => {
    expect(() => gitopsFiles(app(), { ...ARGO, timeoutSeconds: 60 })).toThrow(GitopsError);
    expect(() => gitopsFiles(app(), { ...ARGO, timeoutSeconds: 60 })).toThrow(
      "an Argo CD Application has no field that bounds how long a sync wave waits for health (got a timeout of 60s): a wave waits until its objects are healthy or degraded; " +
        "leave the timeout out for argocd, and bound a Deployment's rollout with its progress deadline",
    );
  });

  test('Argo CD takes any repository URL form Argo CD reads, scp-like included', () => {
    const [application] = documents({ ...ARGO, repoUrl: 'git@github.com:acme/deploy.git' }, 'sync/application.yaml');
    expect(application.spec.source.repoURL).toBe('git@github.com:acme/deploy.git');
  });
});
