import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';

/** Where the requests of a region go when its pods are ejected. */
export interface RegionFailover {
  /** The callers' region, e.g. 'us-east1'. */
  readonly from: string;
  /** The region that takes over, e.g. 'us-west1'. */
  readonly to: string;
}

/** How the requests from one locality are shared between localities. */
export interface LocalityDistribution {
  /** The callers' locality: 'region', 'region/zone' or 'region/zone/subzone', each part possibly '*'. */
  readonly from: string;
  /** Share (whole percentages, summing to 100) per locality, written as `from` is. */
  readonly to: Readonly<Record<string, number>>;
}

/**
 * Locality-aware load balancing: callers prefer pods in their own zone, and
 * when those are ejected by outlier detection (which it needs) fail over to
 * the named regions, or in the order of the labels they share; or share
 * requests between localities by fixed weights instead.
 */
export interface LocalityFailover {
  /**
   * Region to region failover, tried when every pod of the caller's own
   * region is ejected.
   * @default - the next closest locality
   */
  readonly failover?: readonly RegionFailover[];
  /**
   * Node or pod labels, most important first: endpoints sharing more of
   * them with the caller are preferred, e.g. ['topology.kubernetes.io/region',
   * 'topology.kubernetes.io/zone'].
   * @default - by region, zone and subzone
   */
  readonly failoverPriority?: readonly string[];
  /**
   * Fixed weights between localities, instead of failover.
   * @default - prefer the caller's own locality
   */
  readonly distribute?: readonly LocalityDistribution[];
}

const LOCALITY_PART = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?|\*)$/;
const REGION = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * Validates a locality policy: failover between distinct regions, each
 * `from` once; priority labels as label keys, each once; distribution from
 * distinct localities to weights that sum to 100; failover and distribution
 * not together.
 *
 * @throws ValidationError naming `what` for an invalid part
 */
export function resolveLocalityFailover(what: string, policy: LocalityFailover, scope: IConstruct): LocalityFailover {
  const failover = policy.failover ?? [];
  const priority = policy.failoverPriority ?? [];
  const distribute = policy.distribute ?? [];
  if (failover.length + priority.length + distribute.length === 0) {
    throw new ValidationError(`${what} is empty; set failover, failoverPriority or distribute, or drop it`, scope);
  }
  if (distribute.length > 0 && failover.length + priority.length > 0) {
    throw new ValidationError(`${what} sets distribute beside failover or failoverPriority, which cannot be combined; keep one`, scope);
  }
  const froms = new Set<string>();
  failover.forEach(({ from, to }, i) => {
    for (const [part, region] of [['from', from], ['to', to]] as const) {
      if (!REGION.test(region)) {
        throw new ValidationError(`${what}.failover[${i}].${part} must be a region name such as 'us-east1' (no '/' or '*'), got ${JSON.stringify(region)}`, scope);
      }
    }
    if (from === to) {
      throw new ValidationError(`${what}.failover[${i}] fails region '${from}' over to itself; name another region`, scope);
    }
    if (froms.has(from)) {
      throw new ValidationError(`${what}.failover names region '${from}' as from twice; give each region one failover`, scope);
    }
    froms.add(from);
  });
  priority.forEach((label, i) => {
    if (!LABEL_KEY.test(label) || label.length > 316) {
      throw new ValidationError(`${what}.failoverPriority[${i}] must be a label key such as 'topology.kubernetes.io/zone', got ${JSON.stringify(label)}`, scope);
    }
  });
  if (new Set(priority).size !== priority.length) {
    throw new ValidationError(`${what}.failoverPriority lists a label twice; list each once`, scope);
  }
  const distributedFrom = new Set<string>();
  distribute.forEach((d, i) => {
    assertLocality(`${what}.distribute[${i}].from`, d.from, scope);
    if (distributedFrom.has(d.from)) {
      throw new ValidationError(`${what}.distribute names locality '${d.from}' as from twice; merge them`, scope);
    }
    distributedFrom.add(d.from);
    const entries = Object.entries(d.to);
    for (const [locality, weight] of entries) {
      assertLocality(`${what}.distribute[${i}].to`, locality, scope);
      if (!Number.isInteger(weight) || weight < 1 || weight > 100) {
        throw new ValidationError(`${what}.distribute[${i}].to['${locality}'] must be a whole percentage 1-100, got ${weight}`, scope);
      }
    }
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    if (total !== 100) {
      throw new ValidationError(`${what}.distribute[${i}].to weights sum to ${total}; make them sum to 100`, scope);
    }
  });
  return policy;
}

function assertLocality(what: string, locality: string, scope: IConstruct): void {
  const parts = locality.split('/');
  const wildcardBeforeEnd = parts.slice(0, -1).includes('*');
  if (parts.length > 3 || !parts.every((p) => LOCALITY_PART.test(p)) || wildcardBeforeEnd) {
    throw new ValidationError(
      `${what} must be 'region', 'region/zone' or 'region/zone/subzone', with '*' only as the last part, got ${JSON.stringify(locality)}`,
      scope,
    );
  }
}
