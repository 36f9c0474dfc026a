import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { PRICING_IMAGES } from '../../examples/function-traffic-split';
import { Manifest, MeshProvider, ServerlessFunction } from '../../lib';
import { synthObjects } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';
import { ensureNamespaces, expectAcceptedAndLive } from './apply-checked';
import { REPO_ROOT } from './engines';
import { ISTIO_CASES, SynthCase, synthCase } from './istio-cases';
import { KnativeServing, startKnativeServing } from './knative-serving';
import { applyServerSide, deleteNamespace, getLive, pollFor } from './kubectl';
import { runRelease } from './release-runner';

/*
 * Knative Serving judges the output (issue #15): its real webhook and controller, built from
 * knative.dev/serving at the pinned KNATIVE_SERVING_CONTROLLERS_VERSION, run against the
 * suite's cluster (kwok nodes run the pods).
 *   1. Every Knative Service of every stack and example is admitted by Serving's webhook (the
 *      API server calls it for each create and update); an invalid one is refused by it.
 *   2. The controller creates the Configuration and the Revision with the declared revision
 *      name, the Revision's Deployment becomes Available on kwok, and the Route it creates
 *      carries the declared traffic split.
 *   3. What cannot become Ready here, and why, is asserted (not skipped): see test/README.md
 *      "Knative Serving judges the output".
 */

const VERSIONS = readFileSync(join(REPO_ROOT, 'scripts/engines/versions.env'), 'utf8');
const SERVING_VERSION = /^KNATIVE_SERVING_CONTROLLERS_VERSION=(\S+)$/m.exec(VERSIONS)?.[1];

const isKnativeService = (o: Manifest) => o.apiVersion.startsWith('serving.knative.dev/') && o.kind === 'Service';

/** Every stack and example with a Knative Service: the Istio ones (the observed shop among them) and the shop in Linkerd. */
const CASES: readonly SynthCase[] = [
  ...ISTIO_CASES,
  {
    name: 'stack shop prod in Linkerd',
    source: 'stacks/shop/shop-chart.ts',
    charts: () => [new ShopChart(new App(), 'shop-prod-linkerd', { environment: 'prod', meshProvider: MeshProvider.linkerd() })],
  },
].filter((c) => synthCase(c).objects.some(isKnativeService));

/** A distinct Knative Service of the cases, with the objects of its namespace its pods need and the cases it is in. */
interface FunctionCase {
  readonly ksvc: Manifest;
  /** The ServiceAccounts, ConfigMaps and Secrets of its namespace in its first case. */
  readonly needs: readonly Manifest[];
  readonly cases: string[];
}

/** The Knative Services of all cases, each distinct one once (the shop's function is in six cases). */
const FUNCTIONS: readonly FunctionCase[] = (() => {
  const distinct = new Map<string, FunctionCase>();
  for (const c of CASES) {
    const { objects } = synthCase(c);
    for (const ksvc of objects.filter(isKnativeService)) {
      const key = JSON.stringify(ksvc);
      const needs = objects.filter((o) => o.metadata.namespace === ksvc.metadata.namespace && ['ServiceAccount', 'ConfigMap', 'Secret'].includes(o.kind));
      const known = distinct.get(key) ?? { ksvc, needs, cases: [] };
      known.cases.push(c.name);
      distinct.set(key, known);
    }
  }
  return [...distinct.values()];
})();

const workDir = mkdtempSync(join(tmpdir(), 'immutable-infra-knative-'));
let serving: KnativeServing | undefined;
const namespaces = new Set<string>();

beforeAll(async () => {
  serving = await startKnativeServing(join(workDir, 'serving'));
}, 300_000);

afterAll(async () => {
  for (const namespace of namespaces) {
    deleteNamespace(namespace);
  }
  await serving?.stop();
  rmSync(workDir, { recursive: true, force: true });
}, 600_000);

/** `tag:revision:percent` of each traffic target (`-` for no tag, `@latest` for the latest revision). */
const trafficOf = (traffic: readonly any[] | undefined) =>
  (traffic ?? []).map((t) => `${t.tag ?? '-'}:${t.latestRevision === true ? '@latest' : t.revisionName}:${t.percent}`);

/** The traffic a Knative Service declares; Knative's default is all of it to the latest revision. */
const declaredTraffic = (ksvc: Manifest) => {
  const traffic = (ksvc.spec as any).traffic as any[] | undefined;
  return trafficOf(traffic ?? [{ latestRevision: true, percent: 100 }]);
};

/** `type=status(reason)` of each condition of a live Knative object. */
const conditions = (live: Record<string, any> | undefined): Record<string, string> =>
  Object.fromEntries(((live?.status?.conditions ?? []) as any[]).map((c) => [c.type, `${c.status}${c.reason ? `(${c.reason})` : ''}`]));

const live = (kind: string, name: string, namespace: string) => getLive(`${kind}.serving.knative.dev`, name, namespace);

/** Deletes a namespace (the controller must still run: Routes carry its finalizer). */
function cleanUp(namespace: string): void {
  deleteNamespace(namespace);
  namespaces.delete(namespace);
}

/**
 * The controller's work for one Knative Service: its Configuration created the declared
 * revision, the Revision's Deployment is Available (kwok runs its pods), and its Route carries
 * the declared traffic.
 */
function expectServed(ksvc: Manifest): void {
  const name = ksvc.metadata.name!;
  const namespace = ksvc.metadata.namespace!;
  const revision = (ksvc.spec as any).template.metadata.name as string;

  const configuration = pollFor(() => {
    const c = live('configuration', name, namespace);
    return c?.status?.latestCreatedRevisionName === revision ? c : undefined;
  });
  expect(`${namespace}/${name} latest created revision: ${configuration?.status?.latestCreatedRevisionName}`).toBe(`${namespace}/${name} latest created revision: ${revision}`);
  const rev = live('revision', revision, namespace);
  expect(rev?.metadata.labels['serving.knative.dev/service']).toBe(name);
  expect(rev?.metadata.labels['serving.knative.dev/configuration']).toBe(name);

  const deployment = pollFor(() => {
    const d = getLive('deployment', `${revision}-deployment`, namespace);
    return (d?.status?.conditions ?? []).some((c: any) => c.type === 'Available' && c.status === 'True') ? d : undefined;
  }, 120_000);
  expect(`${revision}-deployment available: ${deployment !== undefined}`).toBe(`${revision}-deployment available: true`);

  const route = pollFor(() => live('route', name, namespace));
  expect(trafficOf(route?.spec.traffic)).toEqual(declaredTraffic(ksvc));
}

describe('Knative Serving (webhook and controller) judges every Knative Service', () => {
  test(`the processes are the pinned build (${SERVING_VERSION}), hold the ports they were given, and listen on 127.0.0.1 only`, () => {
    expect(SERVING_VERSION).toBe('v0.42.2');
    const { webhook, controller, ports } = serving!;
    const webhookSockets = webhook.listening();
    const controllerSockets = controller.listening();
    // No socket on all addresses (`*`, 0.0.0.0, [::]) or any other one: build.sh patches Knative's listen addresses.
    expect([...webhookSockets, ...controllerSockets].filter((s) => !s.startsWith('127.0.0.1:'))).toEqual([]);
    expect(webhookSockets.sort()).toEqual([ports['webhook.webhook'], ports['webhook.profiling'], ports['webhook.metrics']].map((p) => `127.0.0.1:${p}`).sort());
    expect(controllerSockets.sort()).toEqual([ports['controller.probes'], ports['controller.profiling'], ports['controller.metrics']].map((p) => `127.0.0.1:${p}`).sort());
  });

  test('the cases cover every stack and example with a ServerlessFunction', () => {
    const sources = ['examples', 'stacks/shop'].flatMap((dir) =>
      readdirSync(join(REPO_ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`))
      .filter((f) => readFileSync(join(REPO_ROOT, f), 'utf8').includes('new ServerlessFunction('));
    expect(sources.length).toBeGreaterThan(0);
    expect([...new Set(CASES.map((c) => c.source))].sort()).toEqual(expect.arrayContaining(sources.sort()));
  });

  test("not vacuous: Serving's webhook itself refuses an invalid Knative Service", () => {
    const ksvc = synthCase(CASES[0]).objects.find(isKnativeService)!;
    const template = (ksvc.spec as any).template;
    const invalid = {
      ...ksvc,
      spec: { ...(ksvc.spec as any), template: { ...template, metadata: { ...template.metadata, annotations: { ...template.metadata.annotations, 'autoscaling.knative.dev/min-scale': '-1' } } } },
    } as Manifest;
    ensureNamespaces([invalid], namespaces);
    const refused = applyServerSide([invalid], { dryRun: true });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('admission webhook "validation.webhook.serving.knative.dev" denied the request');
    expect(refused.stderr).toContain('autoscaling.knative.dev/min-scale');
    const admitted = applyServerSide([ksvc], { dryRun: true });
    expect(admitted.stderr).toBe('');
    expect(admitted.status).toBe(0);
  });

  test("why a template carries Knative's readiness defaults: without them, Knative refuses the same Service applied again", () => {
    const namespace = 'knative-reapply';
    const chart = new Chart(new App(), 'reapply', { namespace });
    new ServerlessFunction(chart, 'pricing', { image: PRICING_IMAGES.stable });
    const ksvc = synthObjects(chart).find(isKnativeService)!;
    const template = (ksvc.spec as any).template;
    const { readinessProbe, ...container } = template.spec.containers[0];
    expect(readinessProbe).toEqual({ tcpSocket: { port: 8080 }, successThreshold: 1 });
    const bareTemplate = { ...template, spec: { ...template.spec, containers: [container] } };
    const bare = { ...ksvc, spec: { ...(ksvc.spec as any), template: bareTemplate } } as Manifest;
    ensureNamespaces([bare], namespaces);
    const created = applyServerSide([bare]);
    expect(created.stderr).toBe('');
    const again = applyServerSide([bare]);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('admission webhook "validation.webhook.serving.knative.dev" denied the request');
    expect(again.stderr).toContain('Saw the following changes without a name change');
    expect(again.stderr).toContain('ReadinessProbe');
    cleanUp(namespace);
  });

  test.each(FUNCTIONS.map((f) => [`${f.ksvc.metadata.namespace}/${f.ksvc.metadata.name} (${f.cases.join('; ')})`, f] as const))(
    '%s: admitted; declared revision and traffic created by the controller',
    (_, { ksvc, needs }) => {
      ensureNamespaces([ksvc], namespaces);
      expectAcceptedAndLive([...needs, ksvc]);
      expectServed(ksvc);
      // The same Service applied again (as every deploy of an unchanged function does) is no change to Knative.
      const again = applyServerSide([ksvc]);
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      cleanUp(ksvc.metadata.namespace!);
    },
  );
});

describe('a function released in steps, against the real controller', () => {
  const NAMESPACE = 'knative-fn-release';
  /** The pricing function at one step: stable only, or stable + canary at a percent. */
  const step = (canaryPercent: number | undefined): Manifest[] => {
    // One chart name for every step, as a user's code has: it is part of each revision's labels.
    const chart = new Chart(new App(), 'pricing', { namespace: NAMESPACE });
    const fn = new ServerlessFunction(chart, 'pricing', { image: PRICING_IMAGES.stable });
    if (canaryPercent !== undefined) {
      const canary = fn.addRevision('canary', { image: PRICING_IMAGES.canary });
      fn.setTraffic([{ revision: fn.revisions[0], percent: 100 - canaryPercent, tag: 'stable' }, { revision: canary, percent: canaryPercent, tag: 'canary' }]);
    }
    return synthObjects(chart);
  };

  test('each step: the revision the code names exists, and the Route carries the declared split', () => {
    namespaces.add(NAMESPACE);
    const sequence = [step(undefined), step(10), step(50)];
    ensureNamespaces(sequence[0], namespaces);
    const revisions = new Set<string>();
    let before: Manifest[] = [];
    for (const after of sequence) {
      const outcome = runRelease(before, after);
      expect(outcome.failed).toBeUndefined();
      const ksvc = after.find(isKnativeService)!;
      expectServed(ksvc);
      revisions.add((ksvc.spec as any).template.metadata.name);
      for (const name of [...revisions, ...((ksvc.spec as any).traffic as any[]).map((t) => t.revisionName as string)]) {
        expect(live('revision', name, NAMESPACE)?.metadata.name).toBe(name);
      }
      before = after;
    }
    expect(revisions.size).toBe(2);
  });

  /*
   * What the test cluster lacks keeps the revisions and the Route from becoming Ready; the
   * controller's own conditions say which part (test/README.md, "Knative Serving judges the output").
   */
  test('what cannot become Ready here, and why', () => {
    const ksvc = step(50).find(isKnativeService)!;
    const name = ksvc.metadata.name!;
    const revision = (ksvc.spec as any).template.metadata.name as string;
    const revisionConditions = conditions(live('revision', revision, NAMESPACE));
    const route = live('route', name, NAMESPACE);
    const routeReady = ((route?.status?.conditions ?? []) as any[]).find((c) => c.type === 'Ready');
    const notReady = /^Revision "([a-z0-9-]+)" is not yet ready\.$/.exec(routeReady?.message ?? '')?.[1];
    expect({
      // ResourcesAvailable (and so Ready) comes from the PodAutoscaler's status, which Serving's
      // autoscaler writes; it does not run here (build.sh builds only the webhook and the controller).
      revision: [revisionConditions.Ready, revisionConditions.ResourcesAvailable, revisionConditions.Active],
      podAutoscalerConditions: conditions(getLive('podautoscalers.autoscaling.internal.knative.dev', revision, NAMESPACE)),
      serverlessService: getLive('serverlessservices.networking.internal.knative.dev', revision, NAMESPACE)?.metadata.name ?? 'none',
      // The Route waits for Ready revisions before it creates its Ingress, so the ingress class is never reached.
      route: conditions(route),
      notReadyIsRouted: ((ksvc.spec as any).traffic as any[]).some((t) => t.revisionName === notReady),
      ingress: getLive('ingresses.networking.internal.knative.dev', name, NAMESPACE)?.metadata.name ?? 'none',
    }).toEqual({
      revision: ['Unknown(Deploying)', 'Unknown(Deploying)', 'Unknown(Deploying)'],
      podAutoscalerConditions: {},
      serverlessService: 'none',
      route: {
        AllTrafficAssigned: 'Unknown(RevisionMissing)',
        CertificateProvisioned: 'Unknown',
        IngressReady: 'Unknown(IngressNotConfigured)',
        Ready: 'Unknown(RevisionMissing)',
      },
      notReadyIsRouted: true,
      ingress: 'none',
    });
  });
});
