import { Construct } from 'constructs';
import { assertDnsLabel, assertObjectName } from '../core/names';
import { ValidationError } from '../core/validation-error';
import { ConfigSource, ExistingSecretReference, readConfigSource } from './config-source';
import { ImmutableConfigMap } from './immutable-config-map';
import { hashFrozenData } from './immutable-data';
import { ImmutableSecret } from './immutable-secret';
import type { MountedConfig } from './pod-template';

/** The config a revision declares. */
export interface RevisionConfigProps {
  /**
   * Configuration, each source a content-hashed immutable ConfigMap.
   * @default - none
   */
  readonly configs?: readonly ConfigSource[];
  /**
   * Secret data, each source a content-hashed immutable Secret.
   * @default - none
   */
  readonly secrets?: readonly ConfigSource[];
  /**
   * Secrets managed outside the stack, referenced by name.
   * @default - none
   */
  readonly existingSecrets?: readonly ExistingSecretReference[];
}

/** A revision's config, resolved to object names. */
export interface RevisionConfig {
  /** Every source, as the pod sees it. */
  readonly mounts: readonly MountedConfig[];
  /** The content hash of every ConfigMap and Secret used, by object name (part of the revision id). */
  readonly configContents: Readonly<Record<string, unknown>>;
  /** Names of the existing Secrets referenced, sorted. */
  readonly externalSecretNames: readonly string[];
}

/** Longest logical name (a config source, a revision track): part of object names. */
export const LOGICAL_NAME_MAX_LENGTH = 40;

/**
 * The content-hashed immutable ConfigMaps and Secrets of one workload, made
 * under it and shared by every revision with the same content. A construct
 * id names the slot, not the content (`ConfigMap-<name>`, or
 * `ConfigMap-<name>-<track>` for a revision with different content), so a
 * content change keeps the id: deploy tools see a replacement.
 */
export class ConfigObjects {
  private readonly objects = new Map<string, ImmutableConfigMap | ImmutableSecret>();

  /**
   * @param owner the workload construct the objects are made under; errors name it
   * @param namePrefix the workload's name, the start of every object name
   * @param labels the labels of every object
   */
  constructor(
    private readonly owner: Construct,
    private readonly namePrefix: string,
    private readonly labels: Readonly<Record<string, string>>,
  ) {}

  /**
   * The objects of one revision's config, made where new.
   *
   * @throws ValidationError for a bad or duplicate source name, bad data or a bad Secret name
   */
  public resolve(props: RevisionConfigProps, track: string): RevisionConfig {
    const mounts: MountedConfig[] = [];
    const configContents: Record<string, unknown> = {};
    const logicalNames = new Set<string>();
    for (const [kind, sources] of [['ConfigMap', props.configs], ['Secret', props.secrets]] as const) {
      for (const source of sources ?? []) {
        const object = this.objectFor(kind, source, track, logicalNames);
        mounts.push({ kind, logicalName: source.name, objectName: object.name, mountPath: source.mountPath });
        configContents[object.name] = object.contentHash;
      }
    }
    const externalSecretNames: string[] = [];
    for (const ref of props.existingSecrets ?? []) {
      assertObjectName('existingSecrets secretName', ref.secretName, this.owner);
      externalSecretNames.push(ref.secretName);
      mounts.push({ kind: 'Secret', logicalName: ref.secretName, objectName: ref.secretName, mountPath: ref.mountPath });
    }
    return { mounts, configContents, externalSecretNames: externalSecretNames.sort() };
  }

  private objectFor(
    kind: 'ConfigMap' | 'Secret',
    source: ConfigSource,
    track: string,
    logicalNames: Set<string>,
  ): ImmutableConfigMap | ImmutableSecret {
    const noun = kind === 'ConfigMap' ? 'config' : 'secret';
    const what = `${noun} '${source.name}'`;
    assertDnsLabel(`${noun} name`, source.name, LOGICAL_NAME_MAX_LENGTH, this.owner);
    const logicalKey = `${kind}/${source.name}`;
    if (logicalNames.has(logicalKey)) {
      throw new ValidationError(`${what} is declared twice in one revision; give each source its own name`, this.owner);
    }
    logicalNames.add(logicalKey);
    const data = readConfigSource(what, source, this.owner, kind === 'Secret');
    // the object made from the data is named by this hash too (the data is frozen, so it is hashed once)
    const key = `${kind}/${source.name}/${hashFrozenData(kind, data)}`;
    const existing = this.objects.get(key);
    if (existing !== undefined) {
      return existing;
    }
    const props = { namePrefix: `${this.namePrefix}-${source.name}`, labels: this.labels };
    const slot = `${kind}-${source.name}`;
    const id = this.owner.node.tryFindChild(slot) === undefined ? slot : `${slot}-${track}`;
    const object = kind === 'ConfigMap'
      ? new ImmutableConfigMap(this.owner, id, { ...props, data })
      : new ImmutableSecret(this.owner, id, { ...props, stringData: data });
    this.objects.set(key, object);
    return object;
  }
}
