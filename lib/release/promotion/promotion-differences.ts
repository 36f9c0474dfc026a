import { Manifest } from '../../core/manifest-schema';
import { diffValues } from '../plan/manifest-diff';
import { PromotedRevision, PromotionLock } from './promotion-lock';
import { configMapData, imagesOf, podTemplateOf, RevisionManifest, revisionManifests, UsedConfig, usedConfigs } from './revision-manifests';

/**
 * What a difference from the promoted revision is about: an `image` (never
 * environment-specific), a `config` key, a `secret`'s content, container
 * `resources`, an `env` variable, or any other field of the `pod` template.
 */
export type PromotionDifferenceKind = 'image' | 'config' | 'secret' | 'resources' | 'env' | 'pod';

/** One way a revision differs from the revision promoted for its service. */
export interface PromotionDifference {
  readonly kind: PromotionDifferenceKind;
  /**
   * What differs: the container (`image`), the ConfigMap's readable name
   * (`config`), the Secret's (`secret`), the variable (`env`), else the pod
   * template path.
   */
  readonly what: string;
  /** The config key that differs (`config` only). */
  readonly key?: string;
  /** The promoted value; absent when the field is new, and for Secrets. */
  readonly promoted?: unknown;
  /** This environment's value; absent when the field is gone, and for Secrets. */
  readonly value?: unknown;
}

/** A service of the synthesis that the lock promotes. */
export interface PromotedService {
  readonly namespace: string;
  readonly service: string;
  /** The revision the lock promotes. */
  readonly promotedRevision: string;
  /** The revision this synthesis has. */
  readonly revision: string;
  /** Empty when the revision is the promoted one, byte for byte. */
  readonly differences: readonly PromotionDifference[];
}

/** How a synthesis stands to a promotion lock. */
export interface PromotionReport {
  /** The environment the revisions passed in. */
  readonly from: string;
  /** The environment the lock pins. */
  readonly to: string;
  /** Every revision of a service the lock promotes, in synthesis order. */
  readonly services: readonly PromotedService[];
  /** Revisions of services the lock does not have (new services): `<namespace>/<service>`. */
  readonly notPromoted: readonly string[];
}

/**
 * Compares a synthesis with a promotion lock: each revision of a promoted
 * service (outside the lock's own namespace) is either the promoted revision
 * or differs from it, and each difference is named (image, config key,
 * secret, resources, env variable, pod template field).
 *
 * @param namespace only the revisions of this namespace (default: every namespace but the one promoted from)
 */
export function comparePromotion(lock: PromotionLock, manifests: readonly Manifest[], namespace?: string): PromotionReport {
  const services: PromotedService[] = [];
  const notPromoted: string[] = [];
  for (const revision of revisionManifests(manifests)) {
    if (namespace === undefined ? revision.namespace === lock.from : revision.namespace !== namespace) {
      continue;
    }
    const promoted = lock.services[revision.service];
    if (promoted === undefined) {
      notPromoted.push(`${revision.namespace}/${revision.service}`);
      continue;
    }
    services.push({
      namespace: revision.namespace,
      service: revision.service,
      promotedRevision: promoted.revision,
      revision: revision.revision,
      differences: promoted.revision === revision.revision ? [] : promotionDifferences(promoted, revision, manifests),
    });
  }
  return { from: lock.from, to: lock.to, services, notPromoted };
}

/** How a revision differs from the promoted one (never empty for two different revision ids). */
function promotionDifferences(promoted: PromotedRevision, revision: RevisionManifest, manifests: readonly Manifest[]): PromotionDifference[] {
  const template = podTemplateOf(revision.deployment);
  const used = usedConfigs(template);
  const promotedUsed = usedConfigs(promoted.podTemplate as Record<string, any>);
  const differences: PromotionDifference[] = [];
  const images = imagesOf(template);
  const promotedImages = promoted.images;
  for (const container of [...new Set([...Object.keys(promotedImages), ...Object.keys(images)])].sort()) {
    if (images[container] !== promotedImages[container]) {
      differences.push({ kind: 'image', what: container, ...defined('promoted', promotedImages[container]), ...defined('value', images[container]) });
    }
  }
  for (const config of used) {
    const twin = promotedUsed.find((p) => p.kind === config.kind && p.readableName === config.readableName);
    if (twin === undefined || twin.name === config.name) {
      continue; // a config added or removed shows in the pod template
    }
    differences.push(...configDifferences(config, promoted.configs[config.readableName], configMapData(manifests, revision.namespace, config.name)));
  }
  for (const change of diffValues(comparableTemplate(promoted.podTemplate, promotedUsed), comparableTemplate(template, used))) {
    differences.push(templateDifference(change.path, change.before, change.after));
  }
  if (differences.length === 0) {
    differences.push({ kind: 'pod', what: "the revision's Service ports" });
  }
  return differences;
}

type ConfigData = Readonly<Record<string, string>> | undefined;

function configDifferences(config: UsedConfig, promoted: ConfigData, data: ConfigData): PromotionDifference[] {
  if (config.kind === 'Secret') {
    return [{ kind: 'secret', what: config.readableName }];
  }
  if (promoted === undefined || data === undefined) {
    return [{ kind: 'config', what: config.readableName }];
  }
  const keys = [...new Set([...Object.keys(promoted), ...Object.keys(data)])].sort().filter((key) => promoted[key] !== data[key]);
  return keys.map((key) => ({ kind: 'config', what: config.readableName, key, ...defined('promoted', promoted[key]), ...defined('value', data[key]) }));
}

/** The pod template with config objects named by their readable names (their content is compared on its own) and without images. */
function comparableTemplate(template: Readonly<Record<string, unknown>>, used: readonly UsedConfig[]): unknown {
  const readable = new Map(used.map((c) => [c.name, `${c.kind}:${c.readableName}`]));
  const copy = renamed(template, readable) as Record<string, any>;
  for (const container of [...(copy.spec?.initContainers ?? []), ...(copy.spec?.containers ?? [])]) {
    delete container.image;
  }
  return copy;
}

function renamed(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    return names.get(value) ?? value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => renamed(item, names));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, renamed(member, names)]));
  }
  return value;
}

const ENV_VARIABLE = /\.env\[name=([^\]]+)\]/;

function templateDifference(path: string, promoted: unknown, value: unknown): PromotionDifference {
  const values = { ...defined('promoted', promoted), ...defined('value', value) };
  const variable = ENV_VARIABLE.exec(path)?.[1];
  if (variable !== undefined) {
    return { kind: 'env', what: variable, ...values };
  }
  if (/\.resources\b/.test(path)) {
    return { kind: 'resources', what: path, ...values };
  }
  return { kind: 'pod', what: path, ...values };
}

function defined<K extends string>(key: K, value: unknown): Partial<Record<K, unknown>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, unknown>);
}

/** One line naming a difference, e.g. `config cart-settings LOG_LEVEL: "debug" → "info"`, `secret cart-credentials`. */
export function describeDifference(difference: PromotionDifference): string {
  const subject = difference.kind === 'config' && difference.key !== undefined
    ? `config ${difference.what} ${difference.key}`
    : difference.kind === 'resources' || difference.kind === 'pod' ? difference.what : `${difference.kind} ${difference.what}`;
  if (difference.kind === 'secret' || (!('promoted' in difference) && !('value' in difference))) {
    return subject;
  }
  return `${subject}: ${shown(difference.promoted)} → ${shown(difference.value)}`;
}

function shown(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}
