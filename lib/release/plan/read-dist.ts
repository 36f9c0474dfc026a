import { Dirent, lstatSync, readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { Composer, Document, parseAllDocuments, Parser } from 'yaml';
import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';
import { readWrittenYaml } from '../../core/yaml-read';

/** A dist folder that cannot be read as a synthesis. */
export class DistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistError';
  }
}

/** The files a dist is read from: `*.yaml` and `*.yml`, in any letter case (cdk8s synth writes `<chart>.k8s.yaml`). */
const YAML_FILE = /\.ya?ml$/i;

/**
 * How many aliases a document may resolve (yaml's default): more is an alias
 * bomb (a few lines that expand to gigabytes), refused.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * The objects of a synthesis: every document of every `*.yaml` / `*.yml` file
 * (any letter case) directly in `dir` (what `cdk8s synth` writes), files in
 * byte order of their names, documents in file order; empty documents
 * skipped.
 *
 * Nothing in `dir` is skipped silently: any other entry (a `*.json` file, a
 * sub-folder such as cdk8s's file-per-resource output, a folder named
 * `*.yaml`) is refused, since a plan would otherwise report its objects as
 * retired and a deploy would delete them.
 *
 * @throws DistError, one line naming the path, when `dir` is not a readable
 *   directory, holds an entry that is not a YAML file, has no YAML file, a file
 *   cannot be read (permissions, a dangling symlink, a symlink loop), does not
 *   parse or resolves too many aliases, a document is not a Kubernetes object,
 *   two documents are the same object, or the files hold no object at all
 */
export function readDist(dir: string): Manifest[] {
  const files = yamlFiles(dir);
  const manifests: Manifest[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const path = join(dir, file);
    let index = 0;
    for (const value of documentValues(readText(path), path)) {
      const where = `${path}, document ${++index}`;
      if (value === null || value === undefined) {
        continue;
      }
      const manifest = asManifest(value, where);
      const identity = objectIdentity(manifest);
      if (seen.has(identity)) {
        throw new DistError(`${where} is ${manifest.kind} ${manifest.metadata.name} again (first in ${seen.get(identity)}); keep one`);
      }
      seen.set(identity, where);
      manifests.push(manifest);
    }
  }
  if (manifests.length === 0) {
    throw new DistError(`${dir} holds no Kubernetes objects (${files.join(', ')}: no documents); there is nothing to plan or deploy: run the synthesis first (npm run synth)`);
  }
  return manifests;
}

/**
 * The values of a YAML file's documents, in order (an empty document's as
 * `null` or `undefined`): read line by line when the library's YAML writer
 * wrote the file (`synthApp`, the cdk8s entry), else parsed with `yaml`.
 *
 * @throws DistError naming the document, when one does not parse or resolves too many aliases
 */
function* documentValues(text: string, path: string): Iterable<unknown> {
  const written = readWrittenYaml(text);
  if (written !== undefined) {
    yield* written;
    return;
  }
  let index = 0;
  for (const document of documents(text)) {
    const where = `${path}, document ${++index}`;
    if (document.errors.length > 0) {
      throw new DistError(`${where} is not valid YAML: ${firstLine(prettyError(text, index - 1))}`);
    }
    try {
      yield document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      throw new DistError(`${where} is not valid YAML: ${firstLine((error as Error).message)}`);
    }
  }
}

/**
 * The documents of a YAML stream, one at a time: each is made into objects
 * and dropped before the next is composed, so a large dist never holds every
 * document's syntax tree at once (half the memory, and about a fifth less
 * time, of parsing them all first).
 */
function documents(text: string): Iterable<Document.Parsed> {
  return new Composer().compose(new Parser().parse(text));
}

/**
 * The first error of the stream's document at `index`, as yaml reports it
 * when it also has the line and column (which only parsing the whole stream
 * with line counting gives): the rare path, taken only for a dist that does
 * not parse.
 */
function prettyError(text: string, index: number): string {
  return parseAllDocuments(text)[index].errors[0].message;
}

/**
 * The names of the YAML files directly in `dir`, in byte order.
 *
 * @throws DistError when `dir` is not a readable directory, an entry is not a YAML file, or there is none
 */
function yamlFiles(dir: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    if ((errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') && !isSymlink(dir)) {
      isDirectory = false;
    } else {
      throw new DistError(`cannot read ${dir}: ${fileErrorReason(error, dir)}`);
    }
  }
  if (!isDirectory) {
    throw new DistError(`${dir} is not a directory; pass the folder cdk8s synth wrote (e.g. dist/)`);
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new DistError(`cannot read ${dir}: ${fileErrorReason(error, dir)}`);
  }
  const files: string[] = [];
  const others: string[] = [];
  for (const entry of [...entries].sort((a, b) => byteOrder(a.name, b.name))) {
    const path = join(dir, entry.name);
    if (!YAML_FILE.test(entry.name)) {
      others.push(entry.isDirectory() ? `${entry.name}/` : entry.name);
      continue;
    }
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile(); // follows a symlink: a dangling one or a loop fails here
    } catch (error) {
      throw new DistError(`cannot read ${path}: ${fileErrorReason(error, path)}`);
    }
    if (isFile) {
      files.push(entry.name);
    } else {
      others.push(`${entry.name}/`);
    }
  }
  if (others.length > 0) {
    throw new DistError(
      `${dir} holds ${others.length === 1 ? 'an entry' : 'entries'} the CLI does not read: ${others.join(', ')}; ` +
        'a dist holds only the *.yaml (or *.yml) files cdk8s synth writes, one per chart: move the others out (their objects would count as retired)',
    );
  }
  if (files.length === 0) {
    throw new DistError(`${dir} has no *.yaml files; run the synthesis first (npm run synth)`);
  }
  return files;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new DistError(`cannot read ${path}: ${fileErrorReason(error, path)}`);
  }
}

function asManifest(value: unknown, where: string): Manifest {
  const object = value as Partial<Manifest>;
  const ok = typeof value === 'object' && !Array.isArray(value) &&
    typeof object.apiVersion === 'string' && typeof object.kind === 'string' &&
    typeof object.metadata === 'object' && object.metadata !== null && typeof object.metadata.name === 'string';
  if (!ok) {
    throw new DistError(`${where} is not a Kubernetes object (apiVersion, kind and metadata.name are required)`);
  }
  return object as Manifest;
}

/**
 * Why a file-system call on `path` failed, in a few words and one line:
 * `permission denied`, `no such file or directory`, `a dangling symlink (…)`,
 * `a symlink loop (…)`, else Node's message without its code and path.
 */
export function fileErrorReason(error: unknown, path?: string): string {
  switch (errorCode(error)) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return path !== undefined && isSymlink(path) ? 'a dangling symlink (its target does not exist)' : 'no such file or directory';
    case 'ELOOP':
      return 'a symlink loop (too many levels of symbolic links)';
    case 'EISDIR':
      return 'is a directory';
    default: {
      const message = firstLine(error instanceof Error ? error.message : String(error));
      // "EIO: i/o error, read" → "i/o error"
      return message.replace(/^[A-Z]+: /, '').replace(/, \w+(?: '.*')?$/, '');
    }
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as NodeJS.ErrnoException).code : undefined;
}

/** The first line of a message, without the `:` that introduces yaml's code frame. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/:$/, '');
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
