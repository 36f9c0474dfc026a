/**
 * The package as a user gets it: `npm pack` builds it (prepare), a new
 * project installs the tarball from the registry's dependencies, synthesizes
 * a stack written in plain JavaScript with it, type-checks one written in
 * TypeScript against its published types (the public API, internals stripped)
 * and runs its CLI with `npx`; and `npx immutable-infra` works in this
 * repository after `npm ci`.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'immutable-infra-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.error !== undefined) {
    throw result.error;
  }
  return result;
}

function ok(command: string, args: readonly string[], cwd: string): string {
  const result = run(command, args, cwd);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** A one-service stack, as a user writes it without TypeScript. */
const STACK = `
const { App, Chart } = require('cdk8s');
const { Microservice, synthApp } = require('immutable-infra');
const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'hello', { namespace: 'hello' });
new Microservice(chart, 'hello', {
  image: 'ghcr.io/immutable-infra/hello@sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752',
  ports: [{ port: 80, containerPort: 8080 }],
  configs: [{ name: 'settings', literals: { GREETING: process.env.GREETING || 'hello' } }],
});
synthApp(app);
`;

/**
 * A stack and its test in TypeScript, as a user writes them with the public
 * entry points; importing an internal from the public API must not compile.
 */
const TYPED_STACK = `
import { App, Chart, Duration } from 'cdk8s';
import {
  CanaryRelease, Gateway, GatewayBackend, GatewayRendering, ListenerProtocol, Manifest, Mesh, MeshProvider, Microservice, PathMatch, Probe,
  ServiceRoutes, synthApp, ValidationError,
} from 'immutable-infra';
// @ts-expect-error the internals are not in the public types
import { emitObject } from 'immutable-infra';
import type { ChartDeploymentArgs } from 'immutable-infra/pulumi';
import { findObjects, synthObjects } from 'immutable-infra/testing';

const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'shop', { namespace: 'shop' });
const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
const orders = new Microservice(chart, 'orders', {
  image: 'ghcr.io/acme/orders@sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752',
  ports: [{ port: 80, containerPort: 8080 }],
  readiness: Probe.http({ path: '/healthz', period: Duration.seconds(10) }),
  mesh,
});
const canary = orders.addRevision('canary', { image: 'ghcr.io/acme/orders@sha256:0000000000000000000000000000000000000000000000000000000000000001' });
const routes = new ServiceRoutes(chart, 'orders-routes', { service: orders });
new CanaryRelease(chart, 'canary', { routes, stable: orders.revisions[0], canary, canaryPercent: 10 });
const edge = new Gateway(chart, 'edge', {
  rendering: GatewayRendering.gatewayApi({ gatewayClassName: 'istio' }),
  listeners: { http: { protocol: ListenerProtocol.HTTP, hostnames: ['shop.example.com'] } },
});
edge.addRoute('orders', { matches: [{ path: PathMatch.prefix('/') }], backend: GatewayBackend.service(orders) });
const deployments: Manifest[] = findObjects(synthObjects(chart), { kind: 'Deployment' });
const args: Partial<ChartDeploymentArgs> = {};
export const checked = [deployments, args, emitObject, ValidationError];
synthApp(app);
`;

describe('the packed package', () => {
  let tarball: string;
  let project: string;

  beforeAll(() => {
    const packed = JSON.parse(ok('npm', ['pack', '--json', '--pack-destination', work], ROOT)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(work, packed[0].filename);
    project = join(work, 'project');
    ok('mkdir', ['-p', project], work);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'adopter', version: '1.0.0', private: true, dependencies: { 'immutable-infra': `file:${tarball}` } }, null, 2));
    ok('npm', ['install', '--no-audit', '--no-fund'], project);
  }, 600_000);

  test('holds the built library with its types and the README, not the sources or tests', () => {
    const files = ok('tar', ['-tzf', tarball], work).trim().split('\n');
    expect(files).toEqual(expect.arrayContaining([
      'package/package.json',
      'package/README.md',
      'package/build/lib/index.js',
      'package/build/lib/index.d.ts',
      'package/build/lib/release/cli/main.js',
    ]));
    expect(files.filter((f) => !f.startsWith('package/build/lib/') && !['package/package.json', 'package/README.md'].includes(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('a plain JavaScript stack synthesizes with it', () => {
    writeFileSync(join(project, 'stack.js'), STACK);
    ok('node', ['stack.js'], project);
    const [file] = readdirSync(join(project, 'dist'));
    const yaml = readFileSync(join(project, 'dist', file), 'utf8');
    expect(yaml).toMatch(/^kind: Deployment$/m);
    expect(yaml).toMatch(/^kind: ConfigMap$/m);
  });

  test('a TypeScript stack type-checks against the published types, which leave the internals out', () => {
    writeFileSync(join(project, 'stack.ts'), TYPED_STACK);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: false, types: [] },
      files: ['stack.ts'],
    }));
    const check = run('node', [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], project);
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    const published = (file: string) => readFileSync(join(project, 'node_modules', 'immutable-infra', 'build', 'lib', file), 'utf8');
    expect(published('core/checked-objects.d.ts')).toMatch(/export declare class ManifestSchemaError/);
    expect(published('core/checked-objects.d.ts')).not.toMatch(/\bL1\b/);
    expect(published('core/emit-object.d.ts')).not.toMatch(/emitObject/);
  }, 600_000);

  test('the internals are importable, as JavaScript, from immutable-infra/internal', () => {
    const script = `const internal = require('immutable-infra/internal'); console.log(typeof internal.emitObject, typeof internal.toYaml, typeof internal.L1);`;
    expect(ok('node', ['-e', script], project).trim()).toBe('function function object');
  });

  test('npx immutable-infra runs its CLI: plan of two syntheses', () => {
    ok('node', ['stack.js'], project);
    ok('cp', ['-r', 'dist', 'dist-v1'], project);
    ok('node', ['-e', `process.env.GREETING = 'hi'; require('./stack.js')`], project);
    const plan = run('npx', ['--no-install', 'immutable-infra', 'plan', 'dist-v1', 'dist'], project);
    expect(plan.stderr).toBe('');
    expect(plan.status).toBe(0);
    expect(plan.stdout).toMatch(/^Plan: dist-v1 → dist/);
    expect(plan.stdout).toMatch(/ConfigMap hello\/hello-settings-[0-9a-f]+/);
  });
});

test('npx immutable-infra works in this repository after npm ci (prepare builds it)', () => {
  const help = run('npx', ['--no-install', 'immutable-infra', '--help'], ROOT);
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/^immutable-infra: plan, deploy and draw releases/);
});
