import { spawn } from 'child_process';
import { Dirent, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts')).sort();

interface ProgramRun {
  readonly status: number | null;
  readonly stderr: string;
  readonly written: readonly string[];
}

/** Runs an example the way its header says (`node -r ts-node/register/transpile-only examples/<file>`), writing into a fresh folder (CDK8S_OUTDIR). */
function runExample(file: string): Promise<ProgramRun> {
  const outdir = mkdtempSync(join(tmpdir(), 'immutable-infra-example-'));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join('examples', file)], {
      cwd: ROOT,
      env: { ...process.env, CDK8S_OUTDIR: outdir },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (status) => {
      const written = (readdirSync(outdir, { recursive: true, withFileTypes: true }) as Dirent[])
        .filter((entry) => entry.isFile())
        .map((entry) => readFileSync(join(entry.parentPath ?? entry.path, entry.name), 'utf8'));
      rmSync(outdir, { recursive: true, force: true });
      resolve({ status, stderr, written });
    });
  });
}

test('every example declares how it runs', () => {
  for (const file of EXAMPLES) {
    expect({ file, header: readFileSync(join(ROOT, 'examples', file), 'utf8').includes(`Run: \`node -r ts-node/register/transpile-only examples/${file}\``) }).toEqual({ file, header: true });
  }
});

test.each(EXAMPLES)('examples/%s runs as a program and writes its manifests', async (file) => {
  const run = await runExample(file);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  expect(run.written.length).toBeGreaterThan(0);
  for (const text of run.written) {
    const documents = parseAllDocuments(text);
    expect(documents.length).toBeGreaterThan(0);
    expect(documents.every((d) => d.errors.length === 0 && typeof d.toJS()?.kind === 'string')).toBe(true);
  }
}, 60_000);
