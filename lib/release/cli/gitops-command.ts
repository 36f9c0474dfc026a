import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'fs';
import { dirname, isAbsolute, join } from 'path';
import { GITOPS_FLAVORS, GitopsFlavor, gitopsFiles } from '../gitops/gitops-files';
import { readDist } from '../plan/read-dist';
import { FlagType, ParsedArgs } from './args';
import { CliIo } from './cli-io';
import { ExitCode, UsageError } from './exit-codes';

/** The flags of `gitops`. */
export const GITOPS_FLAGS: Readonly<Record<string, FlagType>> = {
  'flavor': 'string',
  'repo-url': 'string',
  'branch': 'string',
  'path': 'string',
  'name': 'string',
  'allow-secrets': 'boolean',
  'timeout': 'duration',
};

/** What `gitops` writes into its output folder, and so may replace there. */
const OUTPUT_ENTRIES = ['steps', 'sync'];

/**
 * `gitops <dist> <out> --flavor argocd|flux --repo-url <url> [--branch <b>]
 * [--path <dir>] [--name <name>] [--allow-secrets] [--timeout <duration>]`:
 * writes the synthesis into `<out>` as a GitOps engine applies it in release
 * order (see `gitopsFiles`; `--timeout` is each Flux step's). `<out>` must be new, empty or hold only an earlier output
 * (`steps/`, `sync/`), which is replaced. `--path` (the folder in the
 * repository) defaults to `<out>` when that is relative.
 *
 * @returns 0, or 1 when a file cannot be written
 * @throws UsageError for a wrong command line, or an output folder holding anything else
 */
export function gitopsCommand(args: ParsedArgs, io: CliIo): number {
  const { positionals, flags } = args;
  if (positionals.length !== 2) {
    throw new UsageError(`gitops takes a dist folder and an output folder; got ${positionals.length} argument(s)`);
  }
  const [dist, out] = positionals;
  const flavor = flags.flavor as string | undefined;
  if (flavor === undefined || !(GITOPS_FLAVORS as readonly string[]).includes(flavor)) {
    throw new UsageError(`gitops needs --flavor ${GITOPS_FLAVORS.join('|')}${flavor === undefined ? '' : `, got '${flavor}'`}`);
  }
  const repoUrl = flags['repo-url'] as string | undefined;
  if (repoUrl === undefined) {
    throw new UsageError('gitops needs --repo-url <url>: the git repository the engine reads');
  }
  const path = (flags.path as string | undefined) ?? out;
  if (flags.path === undefined && isAbsolute(out)) {
    throw new UsageError(`gitops needs --path <folder in the repository> when the output folder is absolute (${out})`);
  }
  checkOutput(out);
  const files = gitopsFiles(readDist(dist), {
    flavor: flavor as GitopsFlavor,
    repoUrl,
    path,
    branch: flags.branch as string | undefined,
    name: flags.name as string | undefined,
    allowSecrets: flags['allow-secrets'] === true,
    timeoutSeconds: flags.timeout as number | undefined,
  });
  try {
    for (const entry of OUTPUT_ENTRIES) {
      rmSync(join(out, entry), { recursive: true, force: true });
    }
    for (const file of files) {
      mkdirSync(dirname(join(out, file.path)), { recursive: true });
      writeFileSync(join(out, file.path), file.content);
    }
  } catch (error) {
    io.stderr.write(`error: cannot write ${out}: ${(error as Error).message}\n`);
    return ExitCode.FAILED;
  }
  io.stdout.write(`Wrote ${files.length} files for ${flavor} into ${out}:\n${files.map((f) => `  ${f.path}\n`).join('')}`);
  io.stdout.write(flavor === 'argocd'
    ? `Commit them, then apply ${join(out, 'sync', 'application.yaml')} once (kubectl apply -n argocd -f …).\n`
    : `Commit them, then apply ${join(out, 'sync', 'flux.yaml')} once, or point a Kustomization at ${join(out, 'sync')}.\n`);
  return ExitCode.OK;
}

/** @throws UsageError when `out` is not a folder, or holds something `gitops` did not write */
function checkOutput(out: string): void {
  let entries: string[];
  try {
    if (!statSync(out).isDirectory()) {
      throw new UsageError(`${out} is not a folder; give gitops a folder to write into`);
    }
    entries = readdirSync(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return;
    }
    throw error;
  }
  const others = entries.filter((e) => !OUTPUT_ENTRIES.includes(e)).sort();
  if (others.length > 0) {
    throw new UsageError(`${out} holds ${others.join(', ')}, which gitops did not write; give it a folder of its own (it replaces steps/ and sync/ there)`);
  }
}
