import { existsSync, readdirSync, readFileSync } from 'fs';
import { dirname, join } from 'path';

/** The folder of the project template `init` writes; the build copies it beside the built CLI. */
export const TEMPLATE_DIR = join(__dirname, 'init-template');

const TEMPLATE_SUFFIX = '.template';
/** A path segment starting with `dot-` is written with a dot (`dot-gitignore` → `.gitignore`): npm packs no `.gitignore`. */
const DOT_PREFIX = 'dot-';

/** The values a template's `%%placeholder%%`s take. */
export interface TemplateValues {
  /** `%%name%%`: the project's name, a DNS label (its package, Pulumi project, chart and namespace). */
  readonly name: string;
  /** `%%library%%`: what package.json depends on for immutable-infra (a version, a range, a `file:` tarball). */
  readonly library: string;
  /** `%%version:<package>%%`: the version of a package, as this library's package.json pins it. */
  readonly versions: Readonly<Record<string, string>>;
}

/** One file of a new project. */
export interface ProjectFile {
  /** Where it goes in the project, with `/` separators: `stacks/main.ts`, `.gitignore`. */
  readonly path: string;
  readonly content: string;
}

/**
 * The files of a new project, rendered from {@link TEMPLATE_DIR}, sorted by path.
 *
 * @throws Error when a template names a placeholder or package that has no value (a bug of the template)
 */
export function projectFiles(values: TemplateValues, templateDir: string = TEMPLATE_DIR): ProjectFile[] {
  return templatePaths(templateDir)
    .map((template) => ({ path: projectPath(template), content: render(readFileSync(join(templateDir, template), 'utf8'), values, template) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The `*.template` files under `dir`, relative, with `/` separators. */
function templatePaths(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      return templatePaths(dir, path);
    }
    return entry.name.endsWith(TEMPLATE_SUFFIX) ? [path] : [];
  });
}

function projectPath(template: string): string {
  return template
    .slice(0, -TEMPLATE_SUFFIX.length)
    .split('/')
    .map((segment) => (segment.startsWith(DOT_PREFIX) ? `.${segment.slice(DOT_PREFIX.length)}` : segment))
    .join('/');
}

function render(text: string, values: TemplateValues, template: string): string {
  return text.replace(/%%([^%\s]+)%%/g, (_, key: string) => {
    if (key === 'name') {
      return values.name;
    }
    if (key === 'library') {
      return values.library;
    }
    const version = key.startsWith('version:') ? values.versions[key.slice('version:'.length)] : undefined;
    if (version === undefined) {
      throw new Error(`the init template ${template} has a placeholder with no value: %%${key}%%`);
    }
    return version;
  });
}

/** This library's package.json: its name, version and the versions it pins. */
export interface LibraryPackage {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/**
 * The package.json of the running library: the nearest one above this file
 * named `immutable-infra` (from `lib/` in this repository, from `build/lib/`
 * in the installed package).
 *
 * @throws Error when there is none (a broken installation)
 */
export function libraryPackage(from: string = __dirname): LibraryPackage {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as LibraryPackage;
      if (json.name === 'immutable-infra') {
        return json;
      }
    }
    if (dirname(dir) === dir) {
      throw new Error(`no package.json of immutable-infra above ${from}`);
    }
  }
}
