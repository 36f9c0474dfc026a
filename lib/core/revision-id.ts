import { contentHash } from './content-hash';

/**
 * Everything that makes a revision what it is.
 *
 * @internal
 */
export interface RevisionContent {
  /** The pod template, without the revision label (which is derived from this id). */
  readonly podTemplate: unknown;
  /** The data of every ConfigMap and Secret the revision uses, by object name. */
  readonly configContents: Readonly<Record<string, unknown>>;
  /** Names of existing Secrets the revision references (their content is not known at synth). */
  readonly externalSecretNames: readonly string[];
  /**
   * The service ports the revision serves behind (name, port, protocol): a
   * revision's own Service copies them, so they belong to its identity.
   */
  readonly servicePorts: readonly unknown[];
}

/**
 * The revision id: a short hash of the canonical JSON of the pod template,
 * of the content of every config object it uses and of the service ports it
 * serves behind. Same input → same id, on any
 * machine; any changed byte → a new id, hence new object names.
 *
 * @internal
 */
export function revisionId(content: RevisionContent): string {
  return contentHash(content);
}
