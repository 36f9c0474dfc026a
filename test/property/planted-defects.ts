import fc from 'fast-check';
import { mostly } from './generators';

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

/** The cases with their ownerless defects given `owner`. */
export function owned<T>(owner: string, arbitrary: CaseArbitrary<T>): CaseArbitrary<T> {
  return arbitrary.map((c) => ({ value: c.value, defects: c.defects.map((d) => (d.owner === OWNER_UNSET ? { owner, what: d.what } : d)) }));
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
