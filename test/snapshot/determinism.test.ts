import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');

/** Runs the cdk8s entry in its own process, from `cwd`, with extra env; returns dist/ as name → bytes. */
function synthInProcess(cwd: string, extraEnv: Record<string, string>): Map<string, Buffer> {
  const outdir = join(cwd, 'dist');
  execFileSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), join(ROOT, 'stacks', 'main.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), CDK8S_OUTDIR: outdir, ...extraEnv },
    stdio: 'pipe',
  });
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(outdir).sort()) {
    files.set(name, readFileSync(join(outdir, name)));
  }
  return files;
}

test('the reference stack synthesizes byte-identically in separate processes, directories and environments', () => {
  const first = mkdtempSync(join(tmpdir(), 'synth-a-'));
  const second = mkdtempSync(join(tmpdir(), 'synth-b-'));
  try {
    const a = synthInProcess(first, { TZ: 'UTC', LANG: 'C', HOME: first });
    const b = synthInProcess(second, { TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', HOME: second, EXTRA: 'x' });
    expect([...a.keys()]).toEqual(['shop-dev.k8s.yaml', 'shop-prod.k8s.yaml', 'shop-staging.k8s.yaml']);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, bytes] of a) {
      expect(b.get(name)!.equals(bytes)).toBe(true);
    }
  } finally {
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  }
}, 60_000);
