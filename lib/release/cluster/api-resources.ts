import { Kubectl, KubectlError } from './kubectl';

/** A resource type the cluster serves. */
export interface ApiResource {
  /** The plural resource name, e.g. `deployments`. */
  readonly name: string;
  /** The API group, `''` for the core group. */
  readonly group: string;
  /** The version the cluster prefers. */
  readonly version: string;
  readonly namespaced: boolean;
  readonly kind: string;
}

const COLUMNS = ['NAME', 'APIVERSION', 'NAMESPACED', 'KIND'] as const;

/** The resource types a cluster serves that can be listed and deleted. */
export class ApiResources {
  /**
   * Asks the cluster (`kubectl api-resources --verbs=list,delete -o wide`).
   *
   * @throws KubectlError when kubectl fails
   */
  public static read(kubectl: Kubectl): ApiResources {
    return ApiResources.parse(kubectl.output(['api-resources', '--verbs=list,delete', '-o', 'wide']));
  }

  /**
   * Reads the table `kubectl api-resources -o wide` prints (columns aligned,
   * some cells empty, so cells are cut at the header's column starts).
   *
   * @throws KubectlError when a column is missing
   */
  public static parse(table: string): ApiResources {
    const [header, ...rows] = table.split('\n').filter((line) => line.trim() !== '');
    const offsets = columnOffsets(header ?? '');
    for (const column of COLUMNS) {
      if (!offsets.has(column)) {
        throw new KubectlError(`kubectl api-resources printed no ${column} column; got: ${header}`);
      }
    }
    const cell = (row: string, column: string) => {
      const start = offsets.get(column)!;
      const next = [...offsets.values()].filter((o) => o > start).sort((a, b) => a - b)[0];
      return row.slice(start, next).trim();
    };
    return new ApiResources(rows.map((row) => {
      const apiVersion = cell(row, 'APIVERSION');
      const slash = apiVersion.indexOf('/');
      return {
        name: cell(row, 'NAME'),
        group: slash < 0 ? '' : apiVersion.slice(0, slash),
        version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
        namespaced: cell(row, 'NAMESPACED') === 'true',
        kind: cell(row, 'KIND'),
      };
    }));
  }

  private constructor(public readonly all: readonly ApiResource[]) {}

  /** The resource type of objects of this API version (its group counts, not its version) and kind. */
  public of(apiVersion: string, kind: string): ApiResource | undefined {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    return this.all.find((r) => r.group === group && r.kind === kind);
  }

  /** The resource type of an object as kubectl names it without version (see `resourceArgument`); `undefined` when not served. */
  public typeOf(object: Pick<ApiResource, 'kind'> & { readonly apiVersion: string }): string | undefined {
    const resource = this.of(object.apiVersion, object.kind);
    return resource === undefined ? undefined : resourceArgument(resource);
  }
}

/**
 * The resource argument kubectl reads without ambiguity (two groups may
 * serve the same kind, e.g. HTTPRoute): `deployments.v1.apps` with a
 * version, `deployments.apps` without; core types by plural name.
 */
export function resourceArgument(resource: ApiResource, version?: string): string {
  if (resource.group === '') {
    return resource.name;
  }
  return version === undefined ? `${resource.name}.${resource.group}` : `${resource.name}.${version}.${resource.group}`;
}

/** Where each header word starts. */
function columnOffsets(header: string): Map<string, number> {
  const offsets = new Map<string, number>();
  for (const match of header.matchAll(/\S+/g)) {
    offsets.set(match[0], match.index!);
  }
  return offsets;
}
