import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { Manifest, Mesh, MeshProvider, Microservice, MicroserviceProps, synthApp } from '../../../lib';
import { toYaml } from '../../../lib/internal';
import { synthObjects } from '../../../lib/testing';
import { digestImage } from '../../fixtures';

/** Props of the one service of {@link apiService}, image given. */
export const API_PROPS: MicroserviceProps = {
  image: digestImage('ghcr.io/acme/api', 'a'),
  ports: [{ port: 80, containerPort: 8080 }],
  configs: [{ name: 'settings', literals: { LOG_LEVEL: 'info' } }],
  secrets: [{ name: 'db', literals: { url: 'postgres://db' }, mountPath: '/var/run/secrets/db' }],
};

/** Options of {@link apiService}. */
export interface ApiServiceOptions {
  /**
   * Put the service in an Istio mesh.
   * @default false
   */
  readonly mesh?: boolean;
  /**
   * Adds revisions after the first.
   * @default - none
   */
  readonly revisions?: (service: Microservice) => void;
}

/** The objects of a chart `app` (namespace `app`) with one service `api`: `API_PROPS` overridden by `props`. */
export function apiService(props: Partial<MicroserviceProps> = {}, options: ApiServiceOptions = {}): Manifest[] {
  const chart = new Chart(new App(), 'app', { namespace: 'app' });
  const mesh = options.mesh ? new Mesh(chart, 'mesh', { provider: MeshProvider.istio() }) : undefined;
  const service = new Microservice(chart, 'api', { ...API_PROPS, mesh, ...props });
  options.revisions?.(service);
  return synthObjects(chart);
}

/** The one object of this kind whose name matches. */
export function objectOf(manifests: readonly Manifest[], kind: string, name: RegExp | string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (typeof name === 'string' ? m.metadata.name === name : name.test(m.metadata.name!)));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name}, found ${found.map((m) => m.metadata.name).join(', ') || 'none'}`);
  }
  return found[0];
}

/** A deep copy of the objects with `edit` applied to the one of this kind and name. */
export function edited(manifests: readonly Manifest[], kind: string, name: RegExp | string, edit: (object: any) => void): Manifest[] {
  const copy = JSON.parse(JSON.stringify(manifests)) as Manifest[];
  edit(objectOf(copy, kind, name));
  return copy;
}

/** Writes the charts of `build`'s app to a fresh temporary dist folder; `cleanUp` removes them all. */
export class TempDists {
  private readonly dirs: string[] = [];

  public write(build: (app: App) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'immutable-infra-dist-'));
    this.dirs.push(dir);
    const app = new App();
    build(app);
    synthApp(app, dir);
    return dir;
  }

  /** An empty temporary folder. */
  public empty(): string {
    const dir = mkdtempSync(join(tmpdir(), 'immutable-infra-dist-'));
    this.dirs.push(dir);
    return dir;
  }

  /** A temporary dist folder holding these objects in one file, `app.k8s.yaml`. */
  public withObjects(objects: readonly Manifest[]): string {
    return this.withFiles({ 'app.k8s.yaml': toYaml(objects) });
  }

  /** A temporary dist folder holding these files, by name. */
  public withFiles(files: Readonly<Record<string, string>>): string {
    const dir = this.empty();
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
    }
    return dir;
  }

  public cleanUp(): void {
    for (const dir of this.dirs.splice(0)) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** A few hundred bytes of YAML whose aliases expand to 9^9 strings. */
export function aliasBomb(): string {
  const names = 'abcdefghi'.split('');
  return [
    `${names[0]}: &${names[0]} ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`,
    ...names.slice(1).map((name, i) => `${name}: &${name} [${Array(9).fill(`*${names[i]}`).join(', ')}]`),
  ].join('\n');
}
