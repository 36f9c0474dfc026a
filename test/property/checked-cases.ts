import { Chart } from 'cdk8s';
import fc from 'fast-check';
import { Manifest, schemaErrors, SynthValidationError, toYaml, ValidationError } from '../../lib';
import { synthObjects } from '../../lib/testing';
import { expectSchemaValid, mostly } from './generators';

/**
 * Generated props with the defects planted in them: a planted defect is a
 * value invalid whatever the rest of the case holds (a port of 70000, a
 * hostname in upper case), so a case with one must be refused. A case without
 * may still be refused for a combination (two routes claiming one path).
 */
export interface Case<T> {
  readonly value: T;
  readonly defects: readonly Defect[];
}

/** A planted defect: what is wrong, and the path of the construct given it. */
export interface Defect {
  readonly owner: string;
  readonly what: string;
}

type CaseArbitrary<T> = fc.Arbitrary<Case<T>>;
type ValueOf<A> = A extends CaseArbitrary<infer T> ? T : never;

const OWNER_UNSET = '';

/** A value without defects. */
export function sound<T>(value: T): Case<T> {
  return { value, defects: [] };
}

/** Values that are all valid. */
export function valid<T>(arbitrary: fc.Arbitrary<T>): CaseArbitrary<T> {
  return arbitrary.map(sound);
}

/** Mostly `valid` values, sometimes `invalid` ones, each planted as the defect `what`. */
export function validOr<T>(validValues: fc.Arbitrary<T>, invalidValues: fc.Arbitrary<T>, what: string): CaseArbitrary<T> {
  return mostly(
    validValues.map(sound),
    invalidValues.map((value) => ({ value, defects: [{ owner: OWNER_UNSET, what: `${what} ${describe(value)}` }] })),
  );
}

/**
 * Where a generator chooses a value: in a strict scenario always a valid one,
 * in a loose one sometimes an invalid one, planted as a defect. Mixing the
 * two keeps enough cases accepted while each loose case tests refusals.
 */
export interface Sites {
  readonly loose: boolean;
  /** Valid values, or (loose only) mostly valid ones, sometimes invalid ones planted as `what`. */
  validOr<T>(validValues: fc.Arbitrary<T>, invalidValues: fc.Arbitrary<T>, what: string): fc.Arbitrary<Case<T>>;
  /** The valid case, or (loose only) sometimes the wrong one. */
  wrongOr<T>(validCase: fc.Arbitrary<Case<T>>, wrong: fc.Arbitrary<Case<T>>): fc.Arbitrary<Case<T>>;
}

/** The {@link Sites} of a strict or a loose scenario. */
export function sites(loose: boolean): Sites {
  return {
    loose,
    validOr: (v, i, what) => (loose ? validOr(v, i, what) : valid(v)),
    wrongOr: (v, w) => (loose ? mostly(v, w) : v),
  };
}

/** Scenarios from `make`, two thirds strict, one third loose. */
export function strictOrLoose<T>(make: (s: Sites) => fc.Arbitrary<Case<T>>): fc.Arbitrary<Case<T>> {
  return fc.oneof({ weight: 2, arbitrary: make(sites(false)) }, { weight: 1, arbitrary: make(sites(true)) });
}

/** A value that is wrong as a whole, e.g. a redirect that changes nothing. */
export function planted<T>(value: T, what: string): Case<T> {
  return { value, defects: [{ owner: OWNER_UNSET, what }] };
}

/** The value or, one time in `1 + present` (default 1 in 3), `undefined`. */
export function optional<T>(arbitrary: CaseArbitrary<T>, present = 2): CaseArbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(sound(undefined)), weight: 1 }, { arbitrary, weight: present });
}

/** A record of cases as a case of a record; keys whose value is `undefined` are left out, as users write props. */
export function caseRecord<S extends Record<string, CaseArbitrary<unknown>>>(shape: S): CaseArbitrary<{ [K in keyof S]: ValueOf<S[K]> }> {
  return fc.record(shape).map((cases) => {
    const value: Record<string, unknown> = {};
    const defects: Defect[] = [];
    for (const [key, c] of Object.entries(cases as Record<string, Case<unknown>>)) {
      if (c.value !== undefined) {
        value[key] = c.value;
      }
      defects.push(...c.defects);
    }
    return { value: value as { [K in keyof S]: ValueOf<S[K]> }, defects };
  });
}

/** An array of cases as a case of an array. */
export function caseArray<T>(item: CaseArbitrary<T>, constraints: fc.ArrayConstraints = {}): CaseArbitrary<T[]> {
  return fc.array(item, constraints).map(combine);
}

/** Cases combined into one case of their values. */
export function combine<T>(cases: readonly Case<T>[]): Case<T[]> {
  return { value: cases.map((c) => c.value), defects: cases.flatMap((c) => c.defects) };
}

/** The case's defects, those without an owner given `owner`. */
export function owned<T>(owner: string, arbitrary: CaseArbitrary<T>): CaseArbitrary<T> {
  return arbitrary.map((c) => ownedBy(owner, c));
}

/** The case with its ownerless defects given `owner`. */
export function ownedBy<T>(owner: string, c: Case<T>): Case<T> {
  return { value: c.value, defects: c.defects.map((d) => (d.owner === OWNER_UNSET ? { owner, what: d.what } : d)) };
}

/** A value for a defect message. */
function describe(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || value === undefined) {
    return JSON.stringify(value) ?? 'undefined';
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** What synthesizing a case gave: the charts' objects and YAML, or the ValidationError it was refused with. */
export type Outcome =
  | { readonly objects: readonly Manifest[]; readonly yaml: string; readonly error?: undefined }
  | { readonly error: ValidationError; readonly objects?: undefined; readonly yaml?: undefined };

/**
 * Builds the charts and synthesizes each; a ValidationError is the outcome,
 * any other exception escapes (and fails the property).
 */
export function attempt(build: () => readonly Chart[], withYaml = true): Outcome {
  try {
    const perChart = build().map((chart) => synthObjects(chart));
    return { objects: perChart.flat(), yaml: withYaml ? perChart.map((objects) => toYaml(objects)).join('\n# next chart\n') : '' };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { error };
    }
    throw error;
  }
}

/** A DNS-1123 subdomain, and a DNS-1123 label. */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kinds whose names may be DNS subdomains longer than a label (a VirtualService per host, a route `<gateway>-<route>`). */
const SUBDOMAIN_KINDS = new Set(['VirtualService', 'HTTPRoute', 'GRPCRoute', 'Certificate']);

/** Every object's name is DNS-safe: a label of at most 63 characters, or a subdomain for kinds named by host or pair. */
export function expectDnsSafeNames(objects: readonly Manifest[]): void {
  const unsafe = objects.filter((object) => {
    const name = object.metadata.name ?? '';
    return SUBDOMAIN_KINDS.has(object.kind) ? !SUBDOMAIN.test(name) || name.length > 253 : !LABEL.test(name) || name.length > 63;
  });
  expect(unsafe.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
}

/** Objects (as JSON) that passed their schema: many recur from case to case, and validating is the slow part. */
const PASSED = new Set<string>();

/** Every object passes its schema ({@link expectSchemaValid}, which names the failures, runs only when one fails: it is slow). */
export function expectSchemasPass(objects: readonly Manifest[]): void {
  const failing = objects.filter((object) => {
    const json = JSON.stringify(object);
    if (PASSED.has(json)) {
      return false;
    }
    const problem = schemaErrors(object);
    if (problem === undefined && PASSED.size < 20_000) {
      PASSED.add(json);
    }
    return problem !== undefined;
  });
  if (failing.length > 0) {
    expectSchemaValid(failing);
  }
}

/** How many cases were accepted and refused, so a property cannot pass vacuously. */
export class Tally {
  public accepted = 0;
  public rejected = 0;
  private readonly reasons = new Map<string, number>();

  /** Counts a refusal by the start of its message, for {@link Tally.summary}. */
  public refuse(error: ValidationError): void {
    this.rejected++;
    const key = error.detail.split(/[,;]/)[0].replace(/'[^']*'/g, "'…'").replace(/[0-9]+/g, 'N').slice(0, 90);
    this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
  }

  private readonly features = new Map<string, number>();

  /** Counts features of an accepted case (a trigger kind, a rendering), for {@link Tally.expectFeatures}. */
  public see(...features: string[]): void {
    for (const feature of new Set(features)) {
      this.features.set(feature, (this.features.get(feature) ?? 0) + 1);
    }
  }

  /** Fails unless each feature was seen in at least `min` accepted cases. */
  public expectFeatures(features: readonly string[], min: number): void {
    const rare = features.filter((f) => (this.features.get(f) ?? 0) < min).map((f) => `${f}: ${this.features.get(f) ?? 0}`);
    if (rare.length > 0) {
      throw new Error(`features accepted fewer than ${min} times: ${rare.join(', ')}`);
    }
  }

  /** Fails unless at least `accepted` and `rejected` of the cases (shares of 1) went each way. */
  public expectBothWays(accepted = 0.3, rejected = 0.05): void {
    const total = this.accepted + this.rejected;
    if (process.env.PROPERTY_TALLY !== undefined) {
      console.log(this.summary());
    }
    const shares = { accepted: this.accepted / total >= accepted, rejected: this.rejected / total >= rejected };
    if (!shares.accepted || !shares.rejected) {
      throw new Error(`too few cases went one way (want ≥ ${accepted} accepted, ≥ ${rejected} rejected):\n${this.summary()}`);
    }
  }

  /** Accepted and refused counts with the most common refusals. */
  public summary(): string {
    const top = [...this.reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, n]) => `  ${n} × ${k}`);
    return [`accepted ${this.accepted}, rejected ${this.rejected}`, ...top].join('\n');
  }
}

/** What {@link checkCase} checks a case against. */
export interface CaseExpectations<T> {
  /** The construct paths given generated props, in the order they are built. */
  readonly owners: readonly string[];
  /**
   * Whether the generator's model of validity is complete: a case without a
   * planted defect must then be accepted, not only the other way round.
   * @default false
   */
  readonly exact?: boolean;
  /** Extra checks of an accepted case's objects. */
  readonly accepted?: (objects: readonly Manifest[], value: T) => void;
}

/**
 * The properties of one generated case, built once:
 * - refused, it is a ValidationError with a message, whose path is the
 *   construct given the defect (or one built before it: a combination), or
 *   any owner for a problem found at synth;
 * - accepted, it held no planted defect, and every object passes its schema
 *   and has a DNS-safe name;
 * - anything but a ValidationError escapes `attempt` and fails the property.
 *
 * @returns how the case went
 */
export function checkCase<T>(c: Case<T>, build: (value: T) => readonly Chart[], expectations: CaseExpectations<T>, tally: Tally): 'accepted' | 'rejected' {
  // expect() only where a check fails: it costs more than the checks
  const strays = c.defects.filter((d) => !expectations.owners.includes(d.owner));
  if (strays.length > 0) {
    expect({ defectsOfUnknownOwners: strays }).toEqual({ defectsOfUnknownOwners: [] });
  }
  const outcome = attempt(() => build(c.value), false);
  if (outcome.error !== undefined) {
    tally.refuse(outcome.error);
    if (process.env.PROPERTY_TALLY !== undefined && c.defects.length === 0) {
      console.log(outcome.error.message, JSON.stringify(c.value).slice(0, 1500));
    }
    const owners = expectations.owners;
    const firstDefective = owners.findIndex((o) => c.defects.some((d) => d.owner === o));
    const allowed = outcome.error instanceof SynthValidationError || firstDefective < 0 ? owners : owners.slice(0, firstDefective + 1);
    const { path, message, detail } = outcome.error;
    if (detail.trim() === '' || !allowed.some((o) => path === o || path.startsWith(`${o}/`))) {
      expect({ path, message, within: allowed }).toEqual({ path: `one of ${allowed.join(', ')}`, message: 'a message', within: allowed });
    }
    if (expectations.exact && c.defects.length === 0) {
      expect({ refusedWithoutDefect: message }).toEqual({ refusedWithoutDefect: undefined });
    }
    return 'rejected';
  }
  tally.accepted++;
  if (c.defects.length > 0) {
    expect({ acceptedDespite: c.defects }).toEqual({ acceptedDespite: [] });
  }
  expectSchemasPass(outcome.objects);
  expectDnsSafeNames(outcome.objects);
  expectations.accepted?.(outcome.objects, c.value);
  return 'accepted';
}

/**
 * Synthesis is deterministic: the case built twice, each time in a fresh
 * app, gives byte-identical YAML (as `synthYaml` writes it), or the same
 * refusal. Anything but a ValidationError escapes and fails the property.
 */
export function checkDeterministic<T>(c: Case<T>, build: (value: T) => readonly Chart[]): void {
  const first = attempt(() => build(c.value));
  const second = attempt(() => build(c.value));
  const [a, b] = [first.yaml ?? first.error?.message, second.yaml ?? second.error?.message];
  if (a !== b) {
    expect(b).toBe(a);
  }
}
