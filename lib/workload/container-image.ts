import { IConstruct } from 'constructs';
import { checkProps, prop } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';

const DIGEST_REFERENCE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?@sha256:[a-f0-9]{64}$/;
const TAG_REFERENCE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?$/;

const REFERENCE_SCHEMA = prop.string("a reference such as 'ghcr.io/acme/app@sha256:<64 hex digits>'");

/**
 * A container image reference. Immutable deployments need immutable images, so
 * a digest (`repo@sha256:…`) is required; a mutable tag is accepted only through
 * {@link ContainerImage.fromMutableTag}, and the opt-out is written into the
 * output as an annotation for everyone to see.
 */
export class ContainerImage {
  /**
   * An image pinned by digest, e.g. `ghcr.io/shop/orders@sha256:<64 hex>`
   * (a tag before the digest is allowed and ignored by the runtime).
   */
  public static fromDigest(reference: string): ContainerImage {
    return new ContainerImage(reference, false);
  }

  /**
   * An image by mutable tag, e.g. `nginx:1.27`: the tag can move under a running
   * revision, so the revision id no longer identifies what runs. Use only where
   * no digest can be had; it is annotated on the Deployment, and the kubelet
   * pulls it on every container start (`imagePullPolicy: Always`).
   */
  public static fromMutableTag(reference: string): ContainerImage {
    return new ContainerImage(reference, true);
  }

  private constructor(
    /** The reference as written into the pod spec. */
    public readonly reference: string,
    /** Whether this image is a deliberate mutable-tag opt-out. */
    public readonly isMutable: boolean,
  ) {}

  /**
   * The container's `imagePullPolicy`. A digest names one content forever, so
   * a node that has it starts the pod without asking the registry
   * (`IfNotPresent`; Kubernetes ≥ 1.35 still re-checks the pod's pull
   * credentials for an image another pod pulled). A mutable tag is pulled on
   * every container start (`Always`): otherwise each node would keep running
   * whatever the tag named when that node first pulled it.
   *
   * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
   */
  public get pullPolicy(): 'Always' | 'IfNotPresent' {
    return this.isMutable ? 'Always' : 'IfNotPresent';
  }

  /**
   * Checks the reference.
   *
   * @throws ValidationError for an empty, malformed or (without opt-out) tag-only reference.
   */
  public validate(scope: IConstruct): void {
    const factory = this.isMutable ? 'ContainerImage.fromMutableTag' : 'ContainerImage.fromDigest';
    checkProps(REFERENCE_SCHEMA, this.reference, scope, { name: `image (the reference given to ${factory})` });
    if (this.reference.trim() === '') {
      throw new ValidationError(
        "image must not be empty; pass a digest reference such as 'ghcr.io/acme/app@sha256:<64 hex digits>'",
        scope,
      );
    }
    if (this.isMutable) {
      if (!TAG_REFERENCE.test(this.reference)) {
        throw new ValidationError(
          `image '${this.reference}' is not a valid image reference; expected 'registry/repository:tag'`,
          scope,
        );
      }
      return;
    }
    if (!DIGEST_REFERENCE.test(this.reference)) {
      const why = TAG_REFERENCE.test(this.reference)
        ? 'is a mutable tag, so the revision id would not identify what runs'
        : 'is not a valid digest reference';
      throw new ValidationError(
        `image '${this.reference}' ${why}; pin it by digest ('repo@sha256:<64 hex digits>', e.g. from 'crane digest') ` +
          "or opt out visibly with ContainerImage.fromMutableTag('…')",
        scope,
      );
    }
  }
}

/**
 * A string image is a digest reference.
 *
 * @internal
 */
export function toContainerImage(image: ContainerImage | string): ContainerImage {
  return typeof image === 'string' ? ContainerImage.fromDigest(image) : image;
}
