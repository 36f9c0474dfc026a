import { readFileSync } from 'fs';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Manifest } from '../../core/manifest-schema';
import { checkProps } from '../../core/prop-schema';
import { ValidationError } from '../../core/validation-error';
import { fileErrorReason } from '../plan/read-dist';
import { comparePromotion, describeDifference, PromotionDifference } from './promotion-differences';
import { DIGEST_IMAGE, PromotionLock } from './promotion-lock';
import { promotionLockSchema, promotionPropsSchema } from './promotion-schemas';

/**
 * The values that belong to an environment and may make its revisions differ
 * from the promoted ones. Images and everything not named here are promoted
 * as they passed.
 */
export interface EnvironmentSpecificValues {
  /**
   * Keys of config data (in any ConfigMap of any service) whose values belong
   * to the environment, e.g. `LOG_LEVEL`, `PUBLIC_URL`.
   * @default - none
   */
  readonly configKeys?: readonly string[];
  /**
   * Names of container environment variables whose values belong to the environment.
   * @default - none
   */
  readonly env?: readonly string[];
  /**
   * Secrets whose content belongs to the environment (credentials usually
   * do), by their source name (`credentials` for `cart-credentials-<hash>`).
   * @default - none
   */
  readonly secrets?: readonly string[];
  /**
   * Whether container resources (requests and limits) belong to the environment.
   * @default false
   */
  readonly resources?: boolean;
}

/** Props of {@link Promotion}. */
export interface PromotionProps {
  /** The environment the chart is for; it must be the lock's `to`. */
  readonly environment: string;
  /**
   * The lock file `immutable-infra promote` wrote. Give `file` or `lock`.
   * @default - the `lock` prop
   */
  readonly file?: string;
  /**
   * The lock itself (e.g. `promoteSynthesis(…)` in a test).
   * @default - read from `file`
   */
  readonly lock?: PromotionLock;
  /**
   * What may differ from the promoted revisions in this environment.
   * @default - nothing: every promoted service runs the promoted revision, byte for byte
   */
  readonly environmentSpecific?: EnvironmentSpecificValues;
}

/**
 * Build once, promote the same revision: a chart of the next environment
 * reads the lock `immutable-infra promote` wrote from the synthesis that
 * passed, takes the promoted images from it ({@link image}), and at synth
 * refuses any revision of a promoted service that differs from the promoted
 * one other than in the declared environment-specific values: a change
 * of code, config or image that did not pass the previous environment is a
 * `ValidationError`, not a deploy.
 *
 * @example
 *   const promotion = new Promotion(chart, 'Promotion', {
 *     environment: 'prod',
 *     file: join(__dirname, 'promotion.prod.json'),
 *     environmentSpecific: { configKeys: ['LOG_LEVEL'], resources: true },
 *   });
 *   new Microservice(chart, 'cart', { image: promotion.image('cart'), … });
 */
export class Promotion extends Construct {
  /** The lock read. */
  public readonly lock: PromotionLock;
  private readonly specific: EnvironmentSpecificValues;

  constructor(scope: Construct, id: string, props: PromotionProps) {
    super(scope, id);
    checkProps(promotionPropsSchema, props, this);
    if ((props.file === undefined) === (props.lock === undefined)) {
      throw new ValidationError('give the promotion lock as exactly one of file (the path promote wrote) or lock', this);
    }
    const lock = props.lock ?? this.readLock(props.file!);
    checkProps(promotionLockSchema, lock, this, { prefix: props.file === undefined ? 'lock' : `promotion lock ${props.file}:` });
    if (lock.to !== props.environment) {
      throw new ValidationError(
        `the promotion lock is for environment '${lock.to}', not '${props.environment}': use promotion.${props.environment}.json ` +
          `(immutable-infra promote --from <dist> --to ${props.environment})`,
        this,
      );
    }
    for (const [service, promoted] of Object.entries(lock.services)) {
      for (const [container, image] of Object.entries(promoted.images)) {
        if (!DIGEST_IMAGE.test(image)) {
          throw new ValidationError(
            `the promotion lock gives service '${service}' container '${container}' the image '${image}', which has no digest: ` +
              'a tag can move after the release passed; promote again from a synthesis whose images are pinned by digest (image@sha256:<64 hex>)',
            this,
          );
        }
      }
    }
    this.lock = lock;
    this.specific = props.environmentSpecific ?? {};
    this.node.addValidation({ validate: () => this.undeclaredDifferences() });
  }

  /**
   * The image that passed for a service's container.
   *
   * @param options.container the container (default: the one named as the service, which is a Microservice's)
   * @param options.fallback the image of a service the lock does not promote (a new service)
   * @throws ValidationError when the lock has no such service (and no fallback is given) or container
   */
  public image(service: string, options: { readonly container?: string; readonly fallback?: string } = {}): string {
    const promoted = this.lock.services[service];
    if (promoted === undefined) {
      if (options.fallback !== undefined) {
        return options.fallback;
      }
      throw new ValidationError(
        `service '${service}' is not in the promotion lock from ${this.lock.from} (it has ${Object.keys(this.lock.services).join(', ') || 'no services'}): ` +
          'promote a synthesis that has it, or give a fallback image for a service new in this environment',
        this,
      );
    }
    const container = options.container ?? service;
    const image = promoted.images[container];
    if (image === undefined) {
      throw new ValidationError(`service '${service}' has no container '${container}' in the promotion lock (it has ${Object.keys(promoted.images).join(', ')})`, this);
    }
    return image;
  }

  private readLock(file: string): unknown {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ValidationError(
        `cannot read promotion lock ${file}: ${fileErrorReason(error, file)}; write it with immutable-infra promote --from <dist> --to <environment>`,
        this,
      );
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ValidationError(`promotion lock ${file} is not JSON (${(error as Error).message}); write it again with immutable-infra promote`, this);
    }
  }

  /** Every difference from a promoted revision that no declared environment-specific value explains. */
  private undeclaredDifferences(): string[] {
    const chart = Chart.of(this);
    const manifests = chart.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && (c.kind === 'Deployment' || c.kind === 'ConfigMap'))
      .map((o) => o.toJson() as Manifest);
    const report = comparePromotion(this.lock, manifests, chart.namespace ?? 'default');
    return report.services.flatMap((s) => {
      const undeclared = s.differences.filter((d) => !this.declares(d));
      if (undeclared.length === 0) {
        return [];
      }
      return [
        `service '${s.service}' runs revision ${s.revision}, not ${s.promotedRevision} promoted from ${this.lock.from}, because of ` +
          `${undeclared.map(describeDifference).join('; ')}: that did not pass ${this.lock.from}. ` +
          (undeclared.some((d) => d.kind === 'image')
            ? `Take images from the lock (promotion.image('${s.service}')), or promote again`
            : 'Promote again from a synthesis that has it, or declare the value in environmentSpecific if it belongs to the environment'),
      ];
    });
  }

  private declares(difference: PromotionDifference): boolean {
    switch (difference.kind) {
      case 'config':
        return difference.key !== undefined && (this.specific.configKeys ?? []).includes(difference.key);
      case 'env':
        return (this.specific.env ?? []).includes(difference.what);
      case 'secret':
        return (this.specific.secrets ?? []).some((name) => difference.what === name || difference.what.endsWith(`-${name}`));
      case 'resources':
        return this.specific.resources === true;
      default:
        return false;
    }
  }
}
