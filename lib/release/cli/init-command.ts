import { mkdirSync, readdirSync, statSync, writeFileSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';
import { FlagType, ParsedArgs } from './args';
import { CliIo } from './cli-io';
import { ExitCode, UsageError } from './exit-codes';
import { libraryPackage, ProjectFile, projectFiles } from './project-template';

/** The flags of `init`. */
export const INIT_FLAGS: Readonly<Record<string, FlagType>> = {
  name: 'string',
  library: 'string',
};

/** What a folder may already hold for `init` to write into it: a fresh `git init`. */
const ALLOWED_ENTRIES = ['.git'];

/**
 * A DNS label (RFC 1123) of at most 55 characters: the project's name is the
 * prefix of its charts and namespaces (`<name>-staging` is a DNS label too).
 */
const MAX_NAME_LENGTH = 55;
const DNS_LABEL = new RegExp(`^[a-z0-9]([a-z0-9-]{0,${MAX_NAME_LENGTH - 2}}[a-z0-9])?$`);

/**
 * `init [dir] [--name <name>] [--library <spec>]`: writes a ready project
 * into `dir` (default: the current folder), which must be new or empty: a
 * package.json depending on this library, tsconfig, cdk8s.yaml, Pulumi.yaml,
 * a one-service stack in three environments (dev, staging, prod promoted
 * from staging), a jest snapshot test, .gitignore, a README and a GitHub
 * Actions pipeline; then prints the next steps.
 *
 * @returns 0, or 1 when a file cannot be written
 * @throws UsageError for a wrong command line, a bad name or library spec, or a folder that is not empty
 */
export function initCommand(args: ParsedArgs, io: CliIo): number {
  const { positionals, flags } = args;
  if (positionals.length > 1) {
    throw new UsageError(`init takes at most one folder; got ${positionals.length} arguments`);
  }
  const dir = positionals[0] ?? '.';
  const name = projectName(flags.name as string | undefined, dir);
  const library = libraryPackage();
  const spec = librarySpec(flags.library as string | undefined, library.version);
  checkEmpty(dir);
  const files = projectFiles({ name, library: spec, versions: { ...library.dependencies, ...library.devDependencies } });
  const written = writeProject(dir, files, io);
  if (!written) {
    return ExitCode.FAILED;
  }
  io.stdout.write(nextSteps(dir, name, files));
  return ExitCode.OK;
}

/**
 * `--name`, else the folder's name made a DNS label (lower case, other
 * characters as `-`).
 *
 * @throws UsageError when the name is not a DNS label
 */
function projectName(given: string | undefined, dir: string): string {
  if (given !== undefined) {
    if (!DNS_LABEL.test(given)) {
      throw new UsageError(
        `--name must be a DNS label of at most ${MAX_NAME_LENGTH} characters (lower-case letters, digits and '-', starting and ending alphanumeric; ` +
          `<name>-staging names a namespace), got '${given}'`,
      );
    }
    return given;
  }
  const folder = basename(resolve(dir));
  const derived = folder.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, MAX_NAME_LENGTH).replace(/-+$/, '');
  if (!DNS_LABEL.test(derived)) {
    throw new UsageError(`the folder name '${folder}' makes no project name (a DNS label); pass one: --name my-app`);
  }
  return derived;
}

/**
 * `--library`, else this library's exact version.
 *
 * @throws UsageError for a spec that package.json cannot hold as it is
 */
function librarySpec(given: string | undefined, version: string): string {
  if (given === undefined) {
    return version;
  }
  if (/["\\\u0000-\u001f]/.test(given)) {
    throw new UsageError(`--library must be an npm dependency spec (a version, a range, file:<tarball>), without quotes, backslashes or control characters; got ${JSON.stringify(given)}`);
  }
  return given;
}

/**
 * @throws UsageError when `dir` or a parent of it is a file, or `dir` is a folder with anything but {@link ALLOWED_ENTRIES}
 */
function checkEmpty(dir: string): void {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) {
      throw new UsageError(`init: ${dir} is a file, not a folder; name a new or empty folder: immutable-infra init <dir>`);
    }
    entries = readdirSync(dir).filter((entry) => !ALLOWED_ENTRIES.includes(entry)).sort();
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno === 'ENOENT') {
      return;
    }
    if (errno === 'ENOTDIR') {
      throw new UsageError(`init: a parent of ${dir} is a file, not a folder; name a new or empty folder: immutable-infra init <dir>`);
    }
    throw error;
  }
  if (entries.length > 0) {
    const shown = entries.length > 3 ? `${entries.slice(0, 3).join(', ')}, … (${entries.length} entries)` : entries.join(', ');
    throw new UsageError(`init: ${dir} is not empty (it has ${shown}); init writes only into a new or empty folder: immutable-infra init <new-dir>`);
  }
}

/** Writes the files; on the first failure, says which file and why on stderr and returns false. */
function writeProject(dir: string, files: readonly ProjectFile[], io: CliIo): boolean {
  for (const file of files) {
    const path = join(dir, ...file.path.split('/'));
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content, { flag: 'wx' });
    } catch (error) {
      io.stderr.write(`error: cannot write ${path}: ${(error as Error).message}\n`);
      return false;
    }
  }
  return true;
}

function nextSteps(dir: string, name: string, files: readonly ProjectFile[]): string {
  const cd = resolve(dir) === resolve('.') ? [] : [`  cd ${dir}`];
  return [
    `Wrote the project ${name} in ${dir} (${files.length} files):`,
    ...files.map((f) => `  ${f.path}`),
    '',
    'Next steps:',
    ...cd,
    '  npm install',
    '  npm test        # type check and snapshot tests; the first run writes test/__snapshots__ (commit it)',
    '  npm run promote # prod runs what passed in staging: writes stacks/promotion.prod.json (commit it)',
    `  npm run synth   # dist/${name}-dev.k8s.yaml, -staging and -prod`,
    '  npx immutable-infra plan dist --kubeconfig ~/.kube/config',
    '  npx immutable-infra deploy dist --kubeconfig ~/.kube/config',
    '',
    'Replace WEB_IMAGE in stacks/app-chart.ts with your image, by digest.',
    'The pipeline (.github/workflows/immutable-infra.yml) needs a KUBECONFIG secret.',
    '',
  ].join('\n');
}
