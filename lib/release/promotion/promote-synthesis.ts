import { Manifest } from '../../core/manifest-schema';
import { PromotionError } from './promotion-error';
import { DIGEST_IMAGE, PROMOTION_LOCK_KIND, PromotedRevision, PromotionLock } from './promotion-lock';
import { configMapData, imagesOf, podTemplateOf, RevisionManifest, revisionManifests, usedConfigs } from './revision-manifests';

/** Options of {@link promoteSynthesis}. */
export interface PromoteOptions {
  /** The environment the lock is for, e.g. `prod`. */
  readonly to: string;
  /**
   * The namespace of the environment to promote from, in a synthesis that
   * holds several.
   * @default - the synthesis's only namespace with revisions
   */
  readonly namespace?: string;
}

/**
 * The promotion lock of a synthesis that passed in one environment: for every
 * service of its namespace, the revision id, the images by digest, the content
 * of the ConfigMaps it uses and its pod template. Secrets are pinned by their
 * content-addressed names in the pod template; their data is never written.
 *
 * @throws PromotionError when the synthesis has no revisions, several
 *   namespaces and none chosen, a service with more than one revision (a
 *   release not finished), or an image without a digest
 */
export function promoteSynthesis(manifests: readonly Manifest[], options: PromoteOptions): PromotionLock {
  const all = revisionManifests(manifests);
  const namespace = chosenNamespace(all, options.namespace);
  const byService = new Map<string, RevisionManifest[]>();
  for (const revision of all.filter((r) => r.namespace === namespace)) {
    byService.set(revision.service, [...(byService.get(revision.service) ?? []), revision]);
  }
  const services: Record<string, PromotedRevision> = {};
  for (const service of [...byService.keys()].sort()) {
    const revisions = byService.get(service)!;
    if (revisions.length > 1) {
      throw new PromotionError(
        `service '${service}' of ${namespace} has ${revisions.length} live revisions (${revisions.map((r) => r.revision).join(', ')}): ` +
          'promote a finished release, one revision per service (complete or abandon the canary or blue-green first)',
      );
    }
    services[service] = promotedRevision(manifests, revisions[0]);
  }
  return { kind: PROMOTION_LOCK_KIND, version: 1, from: namespace, to: options.to, services };
}

function chosenNamespace(revisions: readonly RevisionManifest[], wanted: string | undefined): string {
  const namespaces = [...new Set(revisions.map((r) => r.namespace))].sort();
  if (namespaces.length === 0) {
    throw new PromotionError('the synthesis holds no revision Deployments (the revisions of Microservices): there is nothing to promote');
  }
  if (wanted !== undefined) {
    if (!namespaces.includes(wanted)) {
      throw new PromotionError(`the synthesis has no revisions in namespace '${wanted}'; it has revisions in ${namespaces.join(', ')}`);
    }
    return wanted;
  }
  if (namespaces.length > 1) {
    throw new PromotionError(`the synthesis holds the revisions of ${namespaces.length} namespaces (${namespaces.join(', ')}); choose the environment to promote with --namespace <name>`);
  }
  return namespaces[0];
}

function promotedRevision(manifests: readonly Manifest[], revision: RevisionManifest): PromotedRevision {
  const podTemplate = podTemplateOf(revision.deployment);
  const images = imagesOf(podTemplate);
  for (const [container, image] of Object.entries(images)) {
    if (!DIGEST_IMAGE.test(image)) {
      throw new PromotionError(
        `service '${revision.service}' of ${revision.namespace} runs container '${container}' from '${image}', a tag: a tag can move after the release passed, ` +
          'so the next environment could run other bytes; pin the image by digest (image@sha256:<64 hex>, ContainerImage.fromDigest()), synthesize and test again, then promote',
      );
    }
  }
  const configs: Record<string, Record<string, string>> = {};
  for (const used of usedConfigs(podTemplate).filter((c) => c.kind === 'ConfigMap')) {
    const data = configMapData(manifests, revision.namespace, used.name);
    if (data !== undefined) {
      configs[used.readableName] = data;
    }
  }
  return { revision: revision.revision, images, configs, podTemplate };
}
