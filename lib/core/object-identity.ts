import { Manifest } from './manifest-schema';

/**
 * What identifies an object in a cluster.
 *
 * @internal
 */
export type IdentifiedObject = Pick<Manifest, 'apiVersion' | 'kind'> & {
  readonly metadata: { readonly name?: string; readonly namespace?: string };
};

/**
 * The identity of an object in a cluster, `<group>/<kind>/<namespace>/<name>`:
 * the API version does not count (the same object is served at several).
 *
 * @internal
 */
export function objectIdentity(object: IdentifiedObject): string {
  const slash = object.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
  return `${group}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
