import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as pulumi from '@pulumi/pulumi';
import { EngineEvent, Stack } from '@pulumi/pulumi/automation';
import { App, Chart, Duration } from 'cdk8s';
import { ChartDeployment, planDeployment, registerManifest } from '../../lib/pulumi';
import { deployShop } from '../../stacks/shop/pulumi-program';
import { ShopChart, ShopChartProps } from '../../stacks/shop/shop-chart';
import { getLive, kubectlOk, pollFor } from './kubectl';
import { localPulumiStack } from './local-pulumi-stack';
import { failingPodLabels, routedRevisions, sampleRouting, SIMULATE_LABEL } from './release-runtime';

/**
 * The reference stack through the real Pulumi CLI and Kubernetes provider
 * plugin, against the suite's cluster, where pods run (kwok's simulated
 * nodes): the provider's await logic waits for every revision to be ready, no
 * `skipAwait`. The program runs in-process (Automation API, inline): the CLI
 * drives it over gRPC, so no pulumi-language-nodejs binary is needed (the Go
 * module proxy here does not serve one). It is the same program
 * `stacks/pulumi.ts` runs, except for the failing releases, which add a fault
 * to it, and the migration, which first deploys with the earlier bridge's
 * naming (every object by its construct path). The tests run in order, on
 * one stack.
 */
const work = mkdtempSync(join(tmpdir(), 'immutable-infra-pulumi-'));
const NAMESPACE = 'shop-dev';
const REVISION = 'immutable-infra.dev/revision';
/** How long the failing release waits for its revision before `pulumi up` fails. */
const FAILING_AWAIT = Duration.seconds(30);
type Settings = NonNullable<ShopChartProps['settings']>;
type Routing = Awaited<ReturnType<typeof sampleRouting>>;

let stack: Stack;
let runs = 0;

/** One finished `pulumi up`: its event log, and the routing sampled while it ran. */
interface UpRun {
  readonly result: 'succeeded' | 'failed';
  /** The CLI's error, for a failed run. */
  readonly error: string;
  readonly events: EngineEvent[];
  readonly changes: Record<string, number>;
  readonly routing: Routing;
}

/**
 * Runs `pulumi up` (the stack's program, or `program`), sampling every
 * Service's routing in a loop while it runs. The Automation API runs
 * `pulumi up --event-log …` and hands over each JSON line of the event log;
 * they are also kept as JSON lines in the work directory.
 */
async function up(program?: () => string[]): Promise<UpRun> {
  const events: EngineEvent[] = [];
  const eventLog = join(work, `up-${++runs}.events.jsonl`);
  const run = stack.up({
    onEvent: (event) => {
      events.push(event);
      appendFileSync(eventLog, `${JSON.stringify(event)}\n`);
    },
    ...(program === undefined ? {} : { program: async () => ({ resources: program() }) }),
  });
  const routing = await sampleRouting(NAMESPACE, run.then(() => undefined, () => undefined));
  try {
    const result = await run;
    expect(result.summary.result).toBe('succeeded');
    return { result: 'succeeded', error: '', events, changes: result.summary.resourceChanges ?? {}, routing };
  } catch (error) {
    return { result: 'failed', error: String(error), events, changes: {}, routing };
  }
}

/** The step events (`resourcePreEvent`) of the run, in order: operation and logical name. */
function steps(events: readonly EngineEvent[]): Array<{ op: string; name: string; type: string }> {
  return events
    .filter((e) => e.resourcePreEvent !== undefined)
    .map((e) => {
      const { op, urn, type } = e.resourcePreEvent!.metadata;
      return { op, type, name: nameOf(urn) };
    });
}

const nameOf = (urn: string) => urn.split('::').pop()!;

/** Where in the event log a step of `name` began (`pre`) or finished (`outputs`, `failed`); -1 when it did not. */
function eventIndex(events: readonly EngineEvent[], stage: 'pre' | 'outputs' | 'failed', name: string, op?: string): number {
  return events.findIndex((e) => {
    const step = stage === 'pre' ? e.resourcePreEvent : stage === 'outputs' ? e.resOutputsEvent : e.resOpFailedEvent;
    return step !== undefined && nameOf(step.metadata.urn) === name && (op === undefined || step.metadata.op === op);
  });
}

/** Whether the provider's await logic reported `<Kind> initialization complete` for the resource (it never runs with skipAwait). */
const awaited = (events: readonly EngineEvent[], name: string, kind: 'Deployment' | 'Service') =>
  events.some((e) => e.diagnosticEvent?.urn !== undefined && nameOf(e.diagnosticEvent.urn) === name && e.diagnosticEvent.message.trim() === `${kind} initialization complete`);

/** The stack's state file as the file backend wrote it (not a decrypting export). */
function stateFile(): string {
  const stacks = join(work, 'state', '.pulumi', 'stacks');
  const files = readdirSync(stacks, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('integration.json'));
  expect(files).toHaveLength(1);
  return readFileSync(join(stacks, files[0]), 'utf8');
}

/** A revision object's Pulumi resource name: the object's kind, namespace and name. */
const revisionResource = (kind: string, name: string) => `${kind}/${NAMESPACE}/${name}`;

/**
 * The dev shop with these settings; `crashing`: its payments pods crash-loop
 * on kwok (a pod label, so a payments revision of its own).
 */
const shopChart = (settings: Settings, crashing = false) => new ShopChart(new App(), NAMESPACE, {
  environment: 'dev',
  settings,
  podLabels: crashing ? { payments: failingPodLabels('crashloop') } : undefined,
});

/** The payments revision id of the dev shop with these settings (crash-looping when `crashing`). */
const paymentsRevision = (settings: Settings, crashing = false) => shopChart(settings, crashing).services.payments.revisions[0].revisionId;

/**
 * The revision objects of the dev shop with these settings (content-addressed
 * ConfigMaps and Secrets, and each revision's Deployment and companions), as
 * the Pulumi resource names they should have: `<kind>/<namespace>/<name>`.
 */
function revisionResources(settings: Settings, crashing = false): Set<string> {
  const objects = shopChart(settings, crashing).toJson() as any[];
  const revisions = objects.filter((o) => o.immutable === true || REVISION in (o.metadata.labels ?? {}));
  return new Set(revisions.map((o) => revisionResource(o.kind, o.metadata.name)));
}

/** What is in `to` and not in `from`, sorted. */
const added = (from: Set<string>, to: Set<string>) => [...to].filter((name) => !from.has(name)).sort();

/**
 * The stack's program (`deployShop`, same chart, same component, so the same
 * resource names) for a release whose new payments revision crash-loops on
 * kwok, waiting only FAILING_AWAIT for readiness.
 */
function crashingPaymentsRelease(): string[] {
  const settings = new pulumi.Config('immutable-infra').requireObject<Settings>('settings');
  const shop = shopChart(settings, true);
  return Object.values(new ChartDeployment('shop', { charts: [shop], awaitTimeout: FAILING_AWAIT }).resourceNames);
}

/**
 * The stack's program as the earlier bridge ran it: the same component, but
 * every object named by its construct path (revision objects too), with the
 * options of the time (revision objects `replaceOnChanges`, every resource
 * `deleteBeforeReplace: false`). The state it leaves is the state of a stack
 * deployed before this version.
 */
class EarlierChartDeployment extends pulumi.ComponentResource {
  public readonly resources: Record<string, pulumi.CustomResource> = {};

  constructor(name: string, charts: Chart[]) {
    super('immutable-infra:index:ChartDeployment', name, {}, {});
    for (const planned of planDeployment(charts)) {
      const manifest = { ...planned.manifest } as Record<string, unknown>;
      for (const field of planned.secretFields) {
        manifest[field] = pulumi.secret(manifest[field]);
      }
      this.resources[planned.logicalName] = registerManifest(planned.logicalName, manifest as typeof planned.manifest, {
        parent: this,
        dependsOn: planned.dependsOn.map((dependency) => this.resources[dependency]),
        replaceOnChanges: planned.role === 'revision' ? [...planned.replaceOnChanges] : undefined,
        deleteBeforeReplace: false,
      });
    }
    this.registerOutputs({ resourceNames: Object.keys(this.resources) });
  }
}

function earlierBridgeProgram(): string[] {
  const settings = new pulumi.Config('immutable-infra').getObject<Settings>('settings');
  return Object.keys(new EarlierChartDeployment('shop', [shopChart(settings ?? {})]).resources);
}

/** The resources of the stack's state: URN, and whether it is pending deletion. */
async function stateResources(): Promise<Array<{ name: string; type: string; delete: boolean }>> {
  const exported = await stack.exportStack();
  return ((exported.deployment.resources ?? []) as any[]).map((r) => ({ name: nameOf(r.urn), type: r.type, delete: r.delete === true }));
}

const shopObjects = (kinds: string) => JSON.parse(kubectlOk(['get', kinds, '-n', NAMESPACE, '-l', 'app.kubernetes.io/part-of=shop', '-o', 'json'])).items as any[];
const liveNames = (kind: string) => shopObjects(kind).map((o) => o.metadata.name as string).sort();

/** A Deployment's readiness: ready pods of the replicas it wants, and its Available condition. */
const readiness = (deployment: any) => ({
  name: deployment.metadata.name,
  ready: `${deployment.status?.readyReplicas ?? 0}/${deployment.spec.replicas}`,
  available: deployment.status?.conditions?.find((c: any) => c.type === 'Available')?.status,
});

/** The pods behind a Service's ready endpoints, and the revisions they belong to. */
function servedBy(service: string): { pods: string[]; revisions: string[] } {
  const slices = JSON.parse(kubectlOk(['get', 'endpointslices.discovery.k8s.io', '-n', NAMESPACE, '-l', `kubernetes.io/service-name=${service}`, '-o', 'json'])).items as any[];
  const ready = slices.flatMap((s) => (s.endpoints ?? []) as any[]).filter((e) => e.conditions?.ready === true);
  const pods = ready.map((e) => e.targetRef.name as string).sort();
  const revisions = new Set(pods.map((pod) => getLive('pod', pod, NAMESPACE)!.metadata.labels[REVISION] as string));
  return { pods, revisions: [...revisions].sort() };
}

beforeAll(async () => {
  stack = await localPulumiStack(work, 'integration', 'immutable-infra', async () => ({ resources: deployShop() }));
  await stack.setAllConfig({ 'immutable-infra:environment': { value: 'dev' } });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const SERVICES = ['cart', 'catalog', 'frontend', 'orders', 'payments', 'shipping'];
const DELETES = ['delete', 'delete-replaced', 'discard-replaced', 'remove-pending-replace'];
let v1Deployments: string[];

/** The uid of each live shop object of these kinds, by `<kind>/<name>`. */
const uids = (kinds: string) => Object.fromEntries(shopObjects(kinds).map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.uid as string]));

/**
 * Which of these resources were deleted, and the steps of Kubernetes objects
 * (but deletes) that finished after the first of those deletes began: none
 * when the deletes come at the end of the \`pulumi up\`, after everything
 * else is done.
 */
function deletesLast(events: readonly EngineEvent[], deleted: readonly string[]): { deleted: string[]; finishedAfter: string[] } {
  const deletes = deleted.map((name) => eventIndex(events, 'pre', name, 'delete'));
  const firstDelete = Math.min(...deletes.filter((d) => d >= 0));
  const finishedAfter = events.flatMap((e, index) => {
    const step = e.resOutputsEvent?.metadata;
    return step !== undefined && index > firstDelete && step.op !== 'delete' && step.type.startsWith('kubernetes:') ? [`${step.op} ${nameOf(step.urn)}`] : [];
  });
  return { deleted: deleted.filter((_, i) => deletes[i] >= 0), finishedAfter };
}

async function destroyLeavesNothing(): Promise<void> {
  const destroyed = await stack.destroy();
  expect(destroyed.summary.result).toBe('succeeded');
  // Deletion is foreground: the controller manager collects ReplicaSets before a Deployment goes.
  const leftOver = () => kubectlOk(['get', 'all,configmaps,secrets,serviceaccounts,namespaces', '-A', '-l', 'app.kubernetes.io/part-of=shop', '-o', 'name']).trim();
  expect(pollFor(() => (leftOver() === '' ? '' : undefined), 120_000) ?? leftOver()).toBe('');
}

test('pulumi up returns once every revision is ready: each Deployment available, each Service serving its revision\'s pods; revision objects are resources named by the object; Secret data is encrypted in the state', async () => {
  const first = await up();
  expect(first.error).toBe('');
  expect(first.changes.create).toBeGreaterThan(20);
  expect(first.routing.violations).toEqual([]);

  const deployments = shopObjects('deployments');
  v1Deployments = deployments.map((d) => d.metadata.name).sort();
  // One per microservice of the shop: its six services and orders-db.
  expect(v1Deployments).toHaveLength(7);
  // The provider's await logic (not skipAwait): the Deployments are ready the moment `pulumi up` returns.
  expect(deployments.map(readiness)).toEqual(deployments.map((d) => ({ name: d.metadata.name, ready: `${d.spec.replicas}/${d.spec.replicas}`, available: 'True' })));
  expect(JSON.stringify(shopObjects('all,configmaps,secrets,serviceaccounts'))).not.toContain('pulumi.com/skipAwait');
  for (const service of SERVICES) {
    const selected = getLive('service', service, NAMESPACE)!.spec.selector[REVISION];
    expect({ service, served: servedBy(service).revisions }).toEqual({ service, served: [selected] });
  }
  // Every revision object is one resource named `<kind>/<namespace>/<name>`; pointers keep their construct paths.
  const ops = steps(first.events);
  const created = new Set(ops.filter((s) => s.op === 'create').map((s) => s.name));
  expect(added(created, revisionResources({}))).toEqual([]);
  expect(ops.filter((s) => s.type === 'kubernetes:apps/v1:Deployment').map((s) => s.name).sort()).toEqual(v1Deployments.map((d) => revisionResource('Deployment', d)));
  expect([...created].filter((name) => /\/(stable|canary)\//.test(name))).toEqual([]);
  expect(created).toContain('shop-dev/payments/Resource');
  // The event log: each Deployment's and Service's step awaited readiness, and a Service was created only after the Deployment it selects was ready.
  for (const service of SERVICES) {
    const revision = revisionResource('Deployment', `${service}-${getLive('service', service, NAMESPACE)!.spec.selector[REVISION]}`);
    const pointer = `shop-dev/${service}/Resource`;
    const deploymentDone = eventIndex(first.events, 'outputs', revision, 'create');
    expect({ service, deploymentDone: deploymentDone >= 0, deploymentAwaited: awaited(first.events, revision, 'Deployment'), serviceAwaited: awaited(first.events, pointer, 'Service') })
      .toEqual({ service, deploymentDone: true, deploymentAwaited: true, serviceAwaited: true });
    expect({ service, serviceAfter: eventIndex(first.events, 'pre', pointer, 'create') > deploymentDone }).toEqual({ service, serviceAfter: true });
  }

  const state = stateFile();
  const password = 'dev-only-redis-password';
  expect(state).toMatch(/"4dabf18193072939515e22adb298388d":\s*"1b47061264138c4ac30d75fd1eb44270",\s*"ciphertext"/);
  expect(state).not.toContain(password);
  expect(state).not.toContain(Buffer.from(password).toString('base64'));
});

const V2: Settings = { payments: { TIMEOUT_MS: '3000' } };
const FAILING: Settings = { payments: { TIMEOUT_MS: '4000' } };
let v2Payments: string;
let failedPayments: string;
/** The live payments objects of v2 (Deployment, settings ConfigMap) and their uids, just before the failing release. */
let v2Uids: Record<string, string>;

test('a config change creates that service\'s new revision objects as new resources, moves its Service once the new revision is ready, and deletes the old revision\'s resources at the end', async () => {
  v2Payments = paymentsRevision(V2);
  const [created, deleted] = [added(revisionResources({}), revisionResources(V2)), added(revisionResources(V2), revisionResources({}))];
  expect(created).toEqual([expect.stringMatching(/^ConfigMap\/shop-dev\/payments-settings-[0-9a-f]{10}$/), revisionResource('Deployment', `payments-${v2Payments}`)]);
  expect(deleted).toEqual([expect.stringMatching(/^ConfigMap\/shop-dev\/payments-settings-[0-9a-f]{10}$/), expect.stringMatching(/^Deployment\/shop-dev\/payments-[0-9a-f]{10}$/)]);
  await stack.setConfig('immutable-infra:settings', { value: JSON.stringify(V2) });
  const second = await up();
  expect(second.error).toBe('');
  const ops = steps(second.events);
  // Nothing is replaced or updated but the pointer: the new revision's objects are created, the old revision's deleted.
  expect(ops.filter((s) => s.op === 'create').map((s) => s.name).sort()).toEqual(created);
  expect(ops.filter((s) => s.op === 'delete').map((s) => s.name).sort()).toEqual(deleted);
  expect(ops.filter((s) => s.op === 'update').map((s) => s.name)).toEqual(['shop-dev/payments/Resource']);
  expect(ops.filter((s) => !['same', 'create', 'update', 'delete'].includes(s.op))).toEqual([]);
  expect(second.changes).toEqual({ same: expect.any(Number), create: 2, update: 1, delete: 2 });
  // Create before delete: the pointer moves only after the provider saw the new revision ready (its create finished),
  // and the old revision's resources are deleted after that, once everything else is done.
  const revisionReady = eventIndex(second.events, 'outputs', revisionResource('Deployment', `payments-${v2Payments}`), 'create');
  const pointerMoved = eventIndex(second.events, 'pre', 'shop-dev/payments/Resource', 'update');
  const oldDeleted = eventIndex(second.events, 'pre', deleted[1], 'delete');
  expect({ revisionReady: revisionReady >= 0, pointerAfter: pointerMoved > revisionReady, deleteAfter: oldDeleted > pointerMoved })
    .toEqual({ revisionReady: true, pointerAfter: true, deleteAfter: true });
  expect(deletesLast(second.events, deleted)).toEqual({ deleted, finishedAfter: [] });
  expect(awaited(second.events, revisionResource('Deployment', `payments-${v2Payments}`), 'Deployment')).toBe(true);
  // Sampled while it ran: nothing ever routed to a revision without ready pods.
  expect(second.routing.violations).toEqual([]);
  expect(second.routing.routed).toContain(v2Payments);
  expect(servedBy('payments').revisions).toEqual([v2Payments]);

  const v2Deployments = liveNames('deployments');
  expect(v2Deployments.filter((d) => !v1Deployments.includes(d))).toEqual([`payments-${v2Payments}`]);
  expect(v1Deployments.filter((d) => !v2Deployments.includes(d))).toEqual([expect.stringMatching(/^payments-[0-9a-f]{10}$/)]);
});

test('a release whose new revision never becomes ready fails pulumi up: the previous revision stays complete, ready and routed, nothing of it is deleted or pending deletion, the failing one never gets traffic', async () => {
  const failing = paymentsRevision(FAILING, true);
  failedPayments = failing;
  expect(failing).not.toBe(v2Payments);
  const failingResources = added(revisionResources(V2), revisionResources(FAILING, true));
  const before = {
    deployments: liveNames('deployments'),
    configMaps: liveNames('configmaps'),
    secrets: liveNames('secrets'),
    services: shopObjects('services').map((s) => ({ name: s.metadata.name, selector: s.spec.selector })),
  };
  v2Uids = uids('deployments,configmaps,secrets');
  await stack.setConfig('immutable-infra:settings', { value: JSON.stringify(FAILING) });
  const started = Date.now();
  const release = await up(crashingPaymentsRelease);
  const took = Date.now() - started;

  expect(release.result).toBe('failed');
  expect(release.error).toContain(`payments-${failing}`);
  // The short await timeout, not the provider's 10 minutes.
  expect(took).toBeGreaterThanOrEqual(FAILING_AWAIT.toMilliseconds());
  expect(took).toBeLessThan(FAILING_AWAIT.toMilliseconds() + 120_000);

  // The event log: the new payments Deployment's create failed, with the provider's diagnostics saying why.
  const failingDeployment = revisionResource('Deployment', `payments-${failing}`);
  const failed = release.events
    .filter((e) => e.resOpFailedEvent !== undefined)
    .map((e) => ({ op: e.resOpFailedEvent!.metadata.op, name: nameOf(e.resOpFailedEvent!.metadata.urn) }));
  expect(failed).toEqual([{ op: 'create', name: failingDeployment }]);
  const errors = release.events
    .filter((e) => e.diagnosticEvent?.severity === 'error' && e.diagnosticEvent.urn !== undefined && nameOf(e.diagnosticEvent.urn) === failingDeployment)
    .map((e) => e.diagnosticEvent!.message)
    .join('\n');
  expect(errors).toContain(`'payments-${failing}' timed out waiting to be Ready`);
  expect(errors).toContain('Minimum number of live Pods was not attained');
  // Nothing was deleted or replaced, and the pointer never moved: the payments Service's step never began.
  const ops = steps(release.events);
  expect(ops.filter((s) => DELETES.includes(s.op) || s.op.includes('replace'))).toEqual([]);
  expect(ops.filter((s) => s.name === 'shop-dev/payments/Resource')).toEqual([]);
  expect(ops.filter((s) => s.op === 'create').map((s) => s.name).sort()).toEqual(failingResources);
  // The state: the previous revision's resources are current, as they were; none is pending deletion.
  const state = await stateResources();
  expect(state.filter((r) => r.delete)).toEqual([]);
  for (const name of added(revisionResources(FAILING, true), revisionResources(V2))) {
    expect(state.filter((r) => r.name === name)).toEqual([{ name, type: expect.any(String), delete: false }]);
  }

  // The live objects: the new revision exists and crash-loops; it never took traffic.
  const crashing = getLive('deployment', `payments-${failing}`, NAMESPACE)!;
  expect(crashing.spec.template.metadata.labels[SIMULATE_LABEL]).toBe('crashloop');
  expect(readiness(crashing).ready).toBe(`0/${crashing.spec.replicas}`);
  const crashingPods = JSON.parse(kubectlOk(['get', 'pods', '-n', NAMESPACE, '-l', `${REVISION}=${failing}`, '-o', 'json'])).items as any[];
  expect(crashingPods.length).toBeGreaterThan(0);
  expect(crashingPods.flatMap((p) => p.status.containerStatuses.map((c: any) => c.state.waiting?.reason))).toEqual(crashingPods.map(() => 'CrashLoopBackOff'));
  expect(release.routing.violations).toEqual([]);
  expect(release.routing.routed).not.toContain(failing);
  expect(release.routing.routed).toContain(v2Payments);
  // The previous release is complete: every object of it is still there, every Service still selects what it did, serving the same revisions.
  expect(liveNames('deployments')).toEqual([...before.deployments, `payments-${failing}`].sort());
  expect(liveNames('configmaps')).toEqual(expect.arrayContaining(before.configMaps));
  expect(liveNames('secrets')).toEqual(before.secrets);
  expect(shopObjects('services').map((s) => ({ name: s.metadata.name, selector: s.spec.selector }))).toEqual(before.services);
  expect((await routedRevisions(NAMESPACE)).find((r) => r.via === 'Service payments')?.revision).toBe(v2Payments);
  expect(servedBy('payments').revisions).toEqual([v2Payments]);
  const previous = shopObjects('deployments').filter((d) => before.deployments.includes(d.metadata.name));
  expect(previous.map(readiness)).toEqual(previous.map((d) => ({ name: d.metadata.name, ready: `${d.spec.replicas}/${d.spec.replicas}`, available: 'True' })));
  expect(uids('deployments,configmaps,secrets')).toEqual(expect.objectContaining(v2Uids));
});

test('after the failed release, pulumi up with the previous release\'s config succeeds: a no-op for the previous revision, still live and routed (never deleted or re-created), and it deletes the failed revision', async () => {
  const failedResources = added(revisionResources(V2), revisionResources(FAILING, true));
  await stack.setConfig('immutable-infra:settings', { value: JSON.stringify(V2) });
  const back = await up();
  expect(back.error).toBe('');
  const ops = steps(back.events);
  // Only the failed revision's resources are deleted; nothing is created, replaced or updated.
  expect(ops.filter((s) => s.op !== 'same').map((s) => `${s.op} ${s.name}`).sort()).toEqual(failedResources.map((name) => `delete ${name}`));
  expect(back.changes).toEqual({ same: expect.any(Number), delete: 2 });
  for (const name of added(revisionResources(FAILING, true), revisionResources(V2))) {
    expect(ops.filter((s) => s.name === name).map((s) => s.op)).toEqual(['same']);
  }
  expect(deletesLast(back.events, failedResources)).toEqual({ deleted: failedResources, finishedAfter: [] });
  // Sampled while it ran: payments stayed routed to its previous revision, which had ready pods all along.
  expect(back.routing.samples).toBeGreaterThan(0);
  expect(back.routing.violations).toEqual([]);
  expect(back.routing.routed).toContain(v2Payments);
  expect(back.routing.routed).not.toContain(failedPayments);
  // The live objects: the previous revision is the one it was (same uids), ready and serving; the failed one is gone.
  expect(uids('deployments,configmaps,secrets')).toEqual(v2Uids);
  const payments = getLive('deployment', `payments-${v2Payments}`, NAMESPACE)!;
  expect(readiness(payments)).toEqual({ name: `payments-${v2Payments}`, ready: `${payments.spec.replicas}/${payments.spec.replicas}`, available: 'True' });
  expect(getLive('service', 'payments', NAMESPACE)!.spec.selector[REVISION]).toBe(v2Payments);
  expect(servedBy('payments').revisions).toEqual([v2Payments]);
  expect(getLive('deployment', `payments-${failedPayments}`, NAMESPACE)).toBeUndefined();
  expect((await stateResources()).filter((r) => r.delete || failedResources.includes(r.name))).toEqual([]);
});

test('after another failed release, the next release that becomes ready recovers: it is routed once ready, then the failed revision\'s resources and the previous revision\'s are deleted', async () => {
  const failing: Settings = { payments: { TIMEOUT_MS: '4500' } };
  await stack.setConfig('immutable-infra:settings', { value: JSON.stringify(failing) });
  const failedRelease = await up(crashingPaymentsRelease);
  expect(failedRelease.result).toBe('failed');
  const secondFailure = paymentsRevision(failing, true);
  expect(failedRelease.events.filter((e) => e.resOpFailedEvent !== undefined).map((e) => nameOf(e.resOpFailedEvent!.metadata.urn))).toEqual([revisionResource('Deployment', `payments-${secondFailure}`)]);
  expect(failedRelease.routing.violations).toEqual([]);
  expect(servedBy('payments').revisions).toEqual([v2Payments]);

  const v3: Settings = { payments: { TIMEOUT_MS: '5000' } };
  const v3Payments = paymentsRevision(v3);
  await stack.setConfig('immutable-infra:settings', { value: JSON.stringify(v3) });
  const release = await up();
  expect(release.error).toBe('');
  expect(release.routing.violations).toEqual([]);
  expect(release.routing.routed).not.toContain(secondFailure);

  const ops = steps(release.events);
  const deleted = [...added(revisionResources(v3), revisionResources(V2)), ...added(revisionResources(v3), revisionResources(failing, true))].sort();
  expect(ops.filter((s) => s.op === 'create').map((s) => s.name).sort()).toEqual(added(revisionResources(V2), revisionResources(v3)));
  expect(ops.filter((s) => s.op === 'delete').map((s) => s.name).sort()).toEqual(deleted);
  expect(deleted.filter((name) => name.startsWith('Deployment/'))).toEqual([revisionResource('Deployment', `payments-${secondFailure}`), revisionResource('Deployment', `payments-${v2Payments}`)].sort());
  expect(ops.filter((s) => !['same', 'create', 'update', 'delete'].includes(s.op))).toEqual([]);
  const revisionReady = eventIndex(release.events, 'outputs', revisionResource('Deployment', `payments-${v3Payments}`), 'create');
  const pointerMoved = eventIndex(release.events, 'pre', 'shop-dev/payments/Resource', 'update');
  const deletes = deleted.map((name) => eventIndex(release.events, 'pre', name, 'delete'));
  expect({ revisionReady: revisionReady >= 0, pointerAfter: pointerMoved > revisionReady, deletesAfter: deletes.every((d) => d > pointerMoved) })
    .toEqual({ revisionReady: true, pointerAfter: true, deletesAfter: true });
  expect(deletesLast(release.events, deleted)).toEqual({ deleted, finishedAfter: [] });
  expect(liveNames('deployments')).toEqual([...v1Deployments.filter((d) => !d.startsWith('payments-')), `payments-${v3Payments}`].sort());
  expect(servedBy('payments').revisions).toEqual([v3Payments]);
});

test('destroy leaves nothing', destroyLeavesNothing);

test('a stack deployed by the earlier bridge (every object named by its construct path) migrates with one pulumi up that renames its revision objects\' resources: nothing is created, replaced, updated or deleted', async () => {
  const earlier = await up(earlierBridgeProgram);
  expect(earlier.error).toBe('');
  const slots = steps(earlier.events).filter((s) => s.op === 'create').map((s) => s.name);
  expect(slots).toContain('shop-dev/payments/stable/Resource');
  expect(slots).toContain('shop-dev/payments/ConfigMap-settings/Resource');
  const live = uids('all,configmaps,secrets,serviceaccounts');
  expect(Object.keys(live).length).toBeGreaterThan(20);

  const migration = await up();
  expect(migration.error).toBe('');
  const ops = steps(migration.events);
  expect(ops.filter((s) => s.op !== 'same')).toEqual([]);
  expect(migration.changes).toEqual({ same: expect.any(Number) });
  // Each revision object's resource was found in the state under its old name (the alias) and renamed.
  const revisions = revisionResources(JSON.parse((await stack.getConfig('immutable-infra:settings')).value) as Settings);
  const renamed = migration.events.flatMap((e) => {
    const step = e.resourcePreEvent?.metadata;
    if (step === undefined || !revisions.has(nameOf(step.urn))) {
      return [];
    }
    return [{ name: nameOf(step.urn), op: step.op, from: step.old?.urn === undefined ? undefined : nameOf(step.old.urn) }];
  });
  expect(renamed.map((r) => r.name).sort()).toEqual([...revisions].sort());
  for (const rename of renamed) {
    expect(rename).toEqual({ name: rename.name, op: 'same', from: expect.not.stringMatching(/^[A-Za-z]+\/shop-dev\//) });
    expect(slots).toContain(rename.from);
  }
  expect(migration.routing.violations).toEqual([]);
  expect(uids('all,configmaps,secrets,serviceaccounts')).toEqual(live);
  // The state holds every revision object under its new name, and none under its old one.
  const state = await stateResources();
  expect(added(new Set(state.map((r) => r.name)), revisions)).toEqual([]);
  expect(state.filter((r) => renamed.some((rename) => rename.from === r.name))).toEqual([]);
});

test('after the migration, a release creates the new revision\'s resources and deletes the old ones at the end (the alias to the slot matches nothing in the state any more)', async () => {
  const before = JSON.parse((await stack.getConfig('immutable-infra:settings')).value) as Settings;
  const next: Settings = { payments: { TIMEOUT_MS: '6000' } };
  await stack.setConfig('immutable-infra:settings', { value: JSON.stringify(next) });
  const release = await up();
  expect(release.error).toBe('');
  const ops = steps(release.events);
  const deleted = added(revisionResources(next), revisionResources(before));
  expect(ops.filter((s) => s.op !== 'same').map((s) => `${s.op} ${s.name}`).sort()).toEqual([
    ...added(revisionResources(before), revisionResources(next)).map((name) => `create ${name}`),
    ...deleted.map((name) => `delete ${name}`),
    'update shop-dev/payments/Resource',
  ].sort());
  expect(deletesLast(release.events, deleted)).toEqual({ deleted, finishedAfter: [] });
  expect(release.routing.violations).toEqual([]);
  expect(servedBy('payments').revisions).toEqual([paymentsRevision(next)]);
});

test('destroy leaves nothing, after the migration', destroyLeavesNothing);
