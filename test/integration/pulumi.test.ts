import { execFileSync } from 'child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as pulumi from '@pulumi/pulumi';
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from '@pulumi/pulumi/automation';
import { App, Duration } from 'cdk8s';
import { ChartDeployment } from '../../lib/pulumi';
import { deployShop } from '../../stacks/shop/pulumi-program';
import { ShopChart, ShopChartProps } from '../../stacks/shop/shop-chart';
import { engines } from './engines';
import { getLive, kubectlOk, pollFor } from './kubectl';
import { routedRevisions, sampleRouting, SIMULATE_LABEL, simulateFailure } from './release-runtime';

/**
 * The reference stack through the real Pulumi CLI and Kubernetes provider
 * plugin, against the suite's cluster, where pods run (kwok's simulated
 * nodes): the provider's await logic waits for every revision to be ready, no
 * `skipAwait`. The program runs in-process (Automation API, inline): the CLI
 * drives it over gRPC, so no pulumi-language-nodejs binary is needed (the Go
 * module proxy here does not serve one). It is the same program
 * `stacks/pulumi.ts` runs, except for the failing release, which adds a fault
 * to it. The tests run in order, on one stack.
 */
const { bin, home } = engines();
const work = mkdtempSync(join(tmpdir(), 'immutable-infra-pulumi-'));
const NAMESPACE = 'shop-dev';
const REVISION = 'immutable-infra.dev/revision';
/** How long the failing release waits for its revision before `pulumi up` fails. */
const FAILING_AWAIT = Duration.seconds(30);
const PROVIDER_VERSION = execFileSync('bash', ['-c', 'source scripts/engines/versions.env && echo "${PULUMI_KUBERNETES_VERSION#v}"'], {
  cwd: join(__dirname, '..', '..'),
  encoding: 'utf8',
}).trim();

const env: Record<string, string> = {
  PULUMI_HOME: join(work, 'home'),
  PULUMI_CONFIG_PASSPHRASE: 'integration-only',
  PULUMI_SKIP_UPDATE_CHECK: 'true',
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
  PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'true',
  KUBECONFIG: process.env.KUBECONFIG!,
  PATH: `${bin}:${process.env.PATH}`,
};

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

/** The payments revision id of the dev shop with these settings. */
const paymentsRevision = (settings: Settings) => new ShopChart(new App(), NAMESPACE, { environment: 'dev', settings }).services.payments.revisions[0].revisionId;

/**
 * The stack's program (`deployShop`, same chart, same component, so the same
 * resource names) for a release whose new payments revision crash-loops on
 * kwok, waiting only FAILING_AWAIT for readiness.
 */
function crashingPaymentsRelease(): string[] {
  const settings = new pulumi.Config('immutable-infra').requireObject<Settings>('settings');
  const shop = new ShopChart(new App(), NAMESPACE, { environment: 'dev', settings });
  simulateFailure(shop.services.payments.revisions[0], 'crashloop');
  return Object.keys(new ChartDeployment('shop', { charts: [shop], awaitTimeout: FAILING_AWAIT }).resources);
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
  const pods = slices.flatMap((s) => (s.endpoints ?? []) as any[]).filter((e) => e.conditions?.ready === true).map((e) => e.targetRef.name as string).sort();
  const revisions = new Set(pods.map((pod) => getLive('pod', pod, NAMESPACE)!.metadata.labels[REVISION] as string));
  return { pods, revisions: [...revisions].sort() };
}

beforeAll(async () => {
  mkdirSync(env.PULUMI_HOME, { recursive: true });
  mkdirSync(join(work, 'state'));
  execFileSync(join(bin, 'pulumi'), ['plugin', 'install', 'resource', 'kubernetes', `v${PROVIDER_VERSION}`, '--file', join(bin, 'pulumi-resource-kubernetes')], {
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  const pulumiCommand = await PulumiCommand.get({ root: home, skipVersionCheck: true });
  stack = await LocalWorkspace.createOrSelectStack(
    { stackName: 'integration', projectName: 'immutable-infra', program: async () => ({ resources: deployShop() }) },
    {
      pulumiCommand,
      pulumiHome: env.PULUMI_HOME,
      envVars: env,
      projectSettings: { name: 'immutable-infra', runtime: 'nodejs', backend: { url: `file://${join(work, 'state')}` } },
    },
  );
  await stack.setAllConfig({ 'immutable-infra:environment': { value: 'dev' } });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const SERVICES = ['cart', 'catalog', 'frontend', 'orders', 'payments', 'shipping'];
let v1Deployments: string[];

test('pulumi up returns once every revision is ready: each Deployment available, each Service serving its revision\'s pods; Secret data is encrypted in the state', async () => {
  const first = await up();
  expect(first.error).toBe('');
  expect(first.changes.create).toBeGreaterThan(20);
  expect(first.routing.violations).toEqual([]);

  const deployments = shopObjects('deployments');
  v1Deployments = deployments.map((d) => d.metadata.name).sort();
  expect(v1Deployments).toHaveLength(6);
  // The provider's await logic (not skipAwait): the Deployments are ready the moment `pulumi up` returns.
  expect(deployments.map(readiness)).toEqual(deployments.map((d) => ({ name: d.metadata.name, ready: `${d.spec.replicas}/${d.spec.replicas}`, available: 'True' })));
  expect(JSON.stringify(shopObjects('all,configmaps,secrets,serviceaccounts'))).not.toContain('pulumi.com/skipAwait');
  for (const service of SERVICES) {
    const selected = getLive('service', service, NAMESPACE)!.spec.selector[REVISION];
    expect({ service, served: servedBy(service).revisions }).toEqual({ service, served: [selected] });
  }
  // The event log: each Deployment's and Service's step awaited readiness, and a Service was created only after the Deployment it selects was ready.
  for (const service of SERVICES) {
    const [revision, pointer] = [`shop-dev/${service}/stable/Resource`, `shop-dev/${service}/Resource`];
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

let v2Payments: string;
let failedPayments: string;

test('a config change replaces only that service\'s revision objects, create-before-delete; its Service moves once the new revision is ready', async () => {
  const settings: Settings = { payments: { TIMEOUT_MS: '3000' } };
  v2Payments = paymentsRevision(settings);
  await stack.setConfig('immutable-infra:settings', { value: JSON.stringify(settings) });
  const second = await up();
  expect(second.error).toBe('');
  const ops = steps(second.events);
  const replaced = [...new Set(ops.filter((s) => s.op === 'replace').map((s) => s.name))].sort();
  expect(replaced).toEqual(['shop-dev/payments/ConfigMap-settings/Resource', 'shop-dev/payments/stable/Resource']);
  // Revision objects (a revision slot's Deployment, autoscaler, budget, or a config slot) are never updated in place.
  const revisionSlot = /\/(stable\/(Resource|Autoscaler|DisruptionBudget)|(ConfigMap|Secret)-[^/]+\/Resource)$/;
  expect(ops.filter((s) => s.op === 'update' && revisionSlot.test(s.name))).toEqual([]);
  expect(ops.filter((s) => !['same', 'replace', 'create-replacement', 'delete-replaced', 'update'].includes(s.op))).toEqual([]);
  expect(second.changes.replace).toBe(2);
  for (const name of replaced) {
    const created = ops.findIndex((s) => s.name === name && s.op === 'create-replacement');
    const deleted = ops.findIndex((s) => s.name === name && s.op === 'delete-replaced');
    expect({ name, createdBeforeDeleted: created >= 0 && deleted > created }).toEqual({ name, createdBeforeDeleted: true });
  }
  // The pointer moves only after the provider saw the new revision ready (the create finished), and before the old revision goes.
  const revisionReady = eventIndex(second.events, 'outputs', 'shop-dev/payments/stable/Resource', 'create-replacement');
  const pointerMoved = eventIndex(second.events, 'pre', 'shop-dev/payments/Resource', 'update');
  const oldDeleted = eventIndex(second.events, 'pre', 'shop-dev/payments/stable/Resource', 'delete-replaced');
  expect({ revisionReady: revisionReady >= 0, pointerAfter: pointerMoved > revisionReady, deleteAfter: oldDeleted > pointerMoved })
    .toEqual({ revisionReady: true, pointerAfter: true, deleteAfter: true });
  expect(awaited(second.events, 'shop-dev/payments/stable/Resource', 'Deployment')).toBe(true);
  // Sampled while it ran: nothing ever routed to a revision without ready pods.
  expect(second.routing.violations).toEqual([]);
  expect(second.routing.routed).toContain(v2Payments);
  expect(servedBy('payments').revisions).toEqual([v2Payments]);

  const v2Deployments = liveNames('deployments');
  expect(v2Deployments.filter((d) => !v1Deployments.includes(d))).toEqual([`payments-${v2Payments}`]);
  expect(v1Deployments.filter((d) => !v2Deployments.includes(d))).toEqual([expect.stringMatching(/^payments-[0-9a-f]{10}$/)]);
});

test('a release whose new revision never becomes ready fails pulumi up: the previous revision stays complete, ready and routed, nothing of it is deleted, the failing one never gets traffic', async () => {
  const settings: Settings = { payments: { TIMEOUT_MS: '4000' } };
  const failing = paymentsRevision(settings);
  failedPayments = failing;
  expect(failing).not.toBe(v2Payments);
  const before = {
    deployments: liveNames('deployments'),
    configMaps: liveNames('configmaps'),
    secrets: liveNames('secrets'),
    services: shopObjects('services').map((s) => ({ name: s.metadata.name, selector: s.spec.selector })),
  };
  await stack.setConfig('immutable-infra:settings', { value: JSON.stringify(settings) });
  const started = Date.now();
  const release = await up(crashingPaymentsRelease);
  const took = Date.now() - started;

  expect(release.result).toBe('failed');
  expect(release.error).toContain(`payments-${failing}`);
  // The short await timeout, not the provider's 10 minutes.
  expect(took).toBeGreaterThanOrEqual(FAILING_AWAIT.toMilliseconds());
  expect(took).toBeLessThan(FAILING_AWAIT.toMilliseconds() + 120_000);

  // The event log: the new payments Deployment's step failed, with the provider's diagnostics saying why.
  const revisionSlot = 'shop-dev/payments/stable/Resource';
  const failed = release.events.filter((e) => e.resOpFailedEvent !== undefined).map((e) => ({ op: e.resOpFailedEvent!.metadata.op, name: nameOf(e.resOpFailedEvent!.metadata.urn) }));
  expect(failed).toEqual([{ op: 'create-replacement', name: revisionSlot }]);
  const errors = release.events
    .filter((e) => e.diagnosticEvent?.severity === 'error' && e.diagnosticEvent.urn !== undefined && nameOf(e.diagnosticEvent.urn) === revisionSlot)
    .map((e) => e.diagnosticEvent!.message)
    .join('\n');
  expect(errors).toContain(`'payments-${failing}' timed out waiting to be Ready`);
  expect(errors).toContain('Minimum number of live Pods was not attained');
  // Nothing was deleted, and the pointer never moved: the payments Service's step never began.
  const ops = steps(release.events);
  expect(ops.filter((s) => ['delete', 'delete-replaced', 'discard-replaced', 'remove-pending-replace'].includes(s.op))).toEqual([]);
  expect(ops.filter((s) => s.name === 'shop-dev/payments/Resource')).toEqual([]);
  expect(ops.filter((s) => s.op === 'create-replacement').map((s) => s.name).sort()).toEqual(['shop-dev/payments/ConfigMap-settings/Resource', revisionSlot]);

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
});

test('the next release that becomes ready recovers: it is routed once ready, then the failed revision and the one it replaced are deleted', async () => {
  const settings: Settings = { payments: { TIMEOUT_MS: '5000' } };
  const v3Payments = paymentsRevision(settings);
  await stack.setConfig('immutable-infra:settings', { value: JSON.stringify(settings) });
  const release = await up();
  expect(release.error).toBe('');
  expect(release.routing.violations).toEqual([]);
  expect(release.routing.routed).not.toContain(failedPayments);

  const revisionSlot = 'shop-dev/payments/stable/Resource';
  const revisionReady = eventIndex(release.events, 'outputs', revisionSlot, 'create-replacement');
  const pointerMoved = eventIndex(release.events, 'pre', 'shop-dev/payments/Resource', 'update');
  const deletes = release.events.flatMap((e, index) => {
    const step = e.resourcePreEvent?.metadata;
    return step?.op === 'delete-replaced' && nameOf(step.urn) === revisionSlot ? [{ index, id: step.old?.id }] : [];
  });
  expect(deletes.map((d) => d.id).sort()).toEqual([`${NAMESPACE}/payments-${failedPayments}`, `${NAMESPACE}/payments-${v2Payments}`].sort());
  expect({ revisionReady: revisionReady >= 0, pointerAfter: pointerMoved > revisionReady, deletesAfter: deletes.every((d) => d.index > pointerMoved) })
    .toEqual({ revisionReady: true, pointerAfter: true, deletesAfter: true });
  expect(liveNames('deployments')).toEqual([...v1Deployments.filter((d) => !d.startsWith('payments-')), `payments-${v3Payments}`].sort());
  expect(servedBy('payments').revisions).toEqual([v3Payments]);
});

test('destroy leaves nothing', async () => {
  const destroyed = await stack.destroy();
  expect(destroyed.summary.result).toBe('succeeded');
  // Deletion is foreground: the controller manager collects ReplicaSets before a Deployment goes.
  const leftOver = () => kubectlOk(['get', 'all,configmaps,secrets,serviceaccounts,namespaces', '-A', '-l', 'app.kubernetes.io/part-of=shop', '-o', 'name']).trim();
  expect(pollFor(() => (leftOver() === '' ? '' : undefined), 120_000) ?? leftOver()).toBe('');
});
