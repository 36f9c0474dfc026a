import { KubeApi } from './kube-api';

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

/** A group version's resource list, as discovery serves it. */
interface DiscoveredResource {
  readonly name: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly verbs?: readonly string[];
}

/** A group of `/apis`, as discovery serves it. */
interface DiscoveredGroup {
  readonly name: string;
  readonly versions: ReadonlyArray<{ readonly version: string }>;
  readonly preferredVersion?: { readonly version: string };
}

/** The resource types a cluster serves that can be listed and deleted. */
export class ApiResources {
  /**
   * Asks the cluster (discovery: `/api`, `/apis`, then each group version
   * in parallel), as `kubectl api-resources --verbs=list,delete` does: each
   * type once, at its group's preferred version when that serves it (else
   * at the first version that does), subresources left out.
   *
   * @throws ClusterError when a discovery request fails
   */
  public static async discover(api: KubeApi): Promise<ApiResources> {
    const [core, apis] = await Promise.all([
      api.request<{ versions?: string[] }>({ method: 'GET', path: '/api' }),
      api.request<{ groups?: DiscoveredGroup[] }>({ method: 'GET', path: '/apis' }),
    ]);
    const groups: DiscoveredGroup[] = [
      { name: '', versions: (core?.versions ?? []).map((version) => ({ version })), preferredVersion: { version: core?.versions?.[0] ?? 'v1' } },
      ...(apis?.groups ?? []),
    ];
    const versions = groups.flatMap((group) => group.versions.map(({ version }) => ({ group, version })));
    const lists = await Promise.all(versions.map(({ group, version }) =>
      api.request<{ resources?: DiscoveredResource[] }>({ method: 'GET', path: group.name === '' ? `/api/${version}` : `/apis/${group.name}/${version}` })));
    const chosen = new Map<string, ApiResource>();
    versions.forEach(({ group, version }, index) => {
      for (const resource of lists[index]?.resources ?? []) {
        const key = `${group.name}/${resource.name}`;
        const listable = resource.verbs?.includes('list') === true && resource.verbs.includes('delete');
        if (resource.name.includes('/') || !listable || (chosen.has(key) && version !== group.preferredVersion?.version)) {
          continue;
        }
        chosen.set(key, { name: resource.name, group: group.name, version, namespaced: resource.namespaced, kind: resource.kind });
      }
    });
    return new ApiResources([...chosen.values()]);
  }

  /** The resource types given. */
  public static from(resources: readonly ApiResource[]): ApiResources {
    return new ApiResources(resources);
  }

  private constructor(public readonly all: readonly ApiResource[]) {}

  /** The resource type of objects of this API version (its group counts, not its version) and kind. */
  public of(apiVersion: string, kind: string): ApiResource | undefined {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    return this.all.find((r) => r.group === group && r.kind === kind);
  }

  /** The resource type of an object, named without version (see `resourceArgument`); `undefined` when not served. */
  public typeOf(object: Pick<ApiResource, 'kind'> & { readonly apiVersion: string }): string | undefined {
    const resource = this.of(object.apiVersion, object.kind);
    return resource === undefined ? undefined : resourceArgument(resource);
  }
}

/**
 * The name of a resource type without ambiguity (two groups may serve the
 * same kind, e.g. HTTPRoute), as kubectl reads it: `deployments.apps`; core
 * types by plural name. Release histories record applied types by it.
 */
export function resourceArgument(resource: ApiResource): string {
  return resource.group === '' ? resource.name : `${resource.name}.${resource.group}`;
}
