import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from '@pulumi/pulumi/automation';
import { deployShop } from '../../stacks/shop/pulumi-program';
import { engines } from './engines';
import { kubectlOk, pollFor } from './kubectl';

/**
 * The reference stack through the real Pulumi CLI and Kubernetes provider
 * plugin, against the suite's control plane. The program runs in-process
 * (Automation API, inline): the CLI drives it over gRPC, so no
 * pulumi-language-nodejs binary is needed (the Go module proxy here does not
 * serve one). It is the same program `stacks/pulumi.ts` runs.
 */
const { bin, home } = engines();
const work = mkdtempSync(join(tmpdir(), 'immutable-infra-pulumi-'));
const NAMESPACE = 'shop-dev';
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

let stack: Stack;

/** One `pulumi up`, with the engine events it streamed. */
async function up(): Promise<{ events: EngineEvent[]; changes: Record<string, number> }> {
  const events: EngineEvent[] = [];
  const result = await stack.up({ onEvent: (e) => events.push(e) });
  expect(result.summary.result).toBe('succeeded');
  return { events, changes: result.summary.resourceChanges ?? {} };
}

/** The step events (`resourcePreEvent`) of the run: operation and logical name. */
function steps(events: readonly EngineEvent[]): Array<{ op: string; name: string; type: string }> {
  return events
    .filter((e) => e.resourcePreEvent !== undefined)
    .map((e) => {
      const { op, urn, type } = e.resourcePreEvent!.metadata;
      return { op, type, name: urn.split('::').pop()! };
    });
}

/** The stack's state file as the file backend wrote it (not a decrypting export). */
function stateFile(): string {
  const stacks = join(work, 'state', '.pulumi', 'stacks');
  const files = readdirSync(stacks, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('integration.json'));
  expect(files).toHaveLength(1);
  return readFileSync(join(stacks, files[0]), 'utf8');
}

const liveNames = (kind: string) =>
  kubectlOk(['get', kind, '-n', NAMESPACE, '-l', 'app.kubernetes.io/part-of=shop', '-o', 'jsonpath={.items[*].metadata.name}']).split(' ').filter(Boolean).sort();

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
  await stack.setAllConfig({
    'immutable-infra:environment': { value: 'dev' },
    'immutable-infra:skipAwait': { value: 'true' },
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

test('pulumi up deploys the reference stack with Secret data encrypted in the state; a config change replaces only that service\'s revision objects, create-before-delete; destroy leaves nothing', async () => {
  const first = await up();
  expect(first.changes.create).toBeGreaterThan(20);
  const deploymentsV1 = liveNames('deployments');
  expect(deploymentsV1).toHaveLength(6);

  const state = stateFile();
  const password = 'dev-only-redis-password';
  expect(state).toMatch(/"4dabf18193072939515e22adb298388d":\s*"1b47061264138c4ac30d75fd1eb44270",\s*"ciphertext"/);
  expect(state).not.toContain(password);
  expect(state).not.toContain(Buffer.from(password).toString('base64'));

  await stack.setConfig('immutable-infra:settings', { value: JSON.stringify({ payments: { TIMEOUT_MS: '3000' } }) });
  const second = await up();
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
  const deploymentsV2 = liveNames('deployments');
  expect(deploymentsV2.filter((d) => !deploymentsV1.includes(d))).toEqual([expect.stringMatching(/^payments-[0-9a-f]{10}$/)]);
  expect(deploymentsV1.filter((d) => !deploymentsV2.includes(d))).toEqual([expect.stringMatching(/^payments-[0-9a-f]{10}$/)]);

  const destroyed = await stack.destroy();
  expect(destroyed.summary.result).toBe('succeeded');
  // Deletion is foreground: the controller manager collects ReplicaSets before a Deployment goes.
  const leftOver = () => kubectlOk(['get', 'all,configmaps,secrets,serviceaccounts,namespaces', '-A', '-l', 'app.kubernetes.io/part-of=shop', '-o', 'name']).trim();
  expect(pollFor(() => (leftOver() === '' ? '' : undefined), 120_000) ?? leftOver()).toBe('');
});
