import { Manifest } from '../../lib';
import { applyServerSide, getLive, kubectlOk, resourceType } from './kubectl';

/**
 * Creates the namespaces the objects live in and do not declare themselves,
 * as a user deploying an example would; records each in `created` for cleanup.
 */
export function ensureNamespaces(objects: readonly Manifest[], created: Set<string>): void {
  for (const namespace of new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined))) {
    created.add(namespace);
    const declared = objects.some((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
    if (!declared && getLive('namespace', namespace) === undefined) {
      kubectlOk(['create', 'namespace', namespace]);
    }
  }
}

/**
 * Expects the API server to accept the objects in a server-side dry run with
 * strict field validation, then applies them and expects each to be live.
 */
export function expectAcceptedAndLive(objects: readonly Manifest[]): void {
  const dryRun = applyServerSide(objects, { dryRun: true });
  expect(dryRun.stderr).toBe('');
  expect(dryRun.status).toBe(0);

  const applied = applyServerSide(objects);
  expect(applied.stderr).toBe('');
  expect(applied.status).toBe(0);

  for (const object of objects) {
    const live = getLive(resourceType(object), object.metadata.name!, object.metadata.namespace);
    expect(live?.metadata.name).toBe(object.metadata.name);
  }
}
