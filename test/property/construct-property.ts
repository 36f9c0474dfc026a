import { Chart } from 'cdk8s';
import fc from 'fast-check';
import { Manifest, schemaErrors, SynthValidationError, toYaml, ValidationError } from '../../lib';
import { synthObjects } from '../../lib/testing';
import { crdSchemaProblems } from '../crd-schema';
import { expectSchemaValid } from './generators';

// The properties every construct must have under generated props, checked the
// same way for each (checkConstructProperty: 1-3, checkDeterministic: 4):
// 1. accepted input synthesizes objects that pass their schemas (Linkerd's
//    against its CRDs), the synth-time cross-resource checks, and what the
//    API server checks besides: DNS-safe names of at most 63 characters,
//    labels, annotations, config data, the lists of a pod spec, Deployment
//    selectors and Service ports;
// 2. rejected input is a ValidationError naming the construct it was given
//    to (or, at synth, constructs the scenario made), with a message;
// 3. nothing else escapes (any other exception fails the property);
// 4. the same input gives byte-identical YAML (or the same refusal) when
//    built again in a fresh App.

/**
 * Records which construct call a scenario is in, so that a refusal can be
 * checked to name the construct the input was given to.
 */
export class Build {
  private current: readonly string[] = [];
  private readonly made: string[] = [];

  /**
   * Runs one construct call (a constructor or an `add…` method). A
   * ValidationError thrown by it must name one of `paths` or a construct
   * below one of them.
   */
  public step<T>(paths: string | readonly string[], call: () => T): T {
    const outer = this.current;
    this.current = typeof paths === 'string' ? [paths] : paths;
    this.made.push(...this.current);
    const result = call();
    // a step may run inside another (a construct made for a prop): the outer one goes on
    this.current = outer;
    return result;
  }

  /** The paths the running call may name. */
  public get expected(): readonly string[] {
    return this.current;
  }

  /** Every path a step was run for. */
  public get constructs(): readonly string[] {
    return this.made;
  }
}

/** What building and synthesizing one scenario gave. */
export type Outcome =
  | { readonly accepted: true; readonly objects: Manifest[]; readonly yaml: string }
  | { readonly accepted: false; readonly error: ValidationError; readonly expected: readonly string[] };

/**
 * Builds a scenario in fresh charts and synthesizes them. Only a
 * ValidationError counts as a refusal; any other exception propagates.
 */
export function outcomeOf(build: (b: Build) => Chart | readonly Chart[]): Outcome {
  const b = new Build();
  let charts: readonly Chart[];
  try {
    const built = build(b);
    charts = built instanceof Chart ? [built] : built;
  } catch (error) {
    if (error instanceof ValidationError) {
      return { accepted: false, error, expected: b.expected };
    }
    throw error;
  }
  try {
    const objects = charts.flatMap((chart) => synthObjects(chart));
    return { accepted: true, objects, yaml: toYaml(objects) };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { accepted: false, error, expected: b.constructs };
    }
    throw error;
  }
}

const under = (path: string, roots: readonly string[]) => roots.some((root) => path === root || path.startsWith(`${root}/`));

/** Expects a refusal to name a construct of the scenario and to say something. */
export function expectWellFormedRefusal(outcome: Outcome & { accepted: false }): void {
  const { error, expected } = outcome;
  if (error.detail.trim() === '' || !error.message.endsWith(`(at ${error.path})`)) {
    throw new Error(`a refusal must say what is wrong and end with its construct path, got ${JSON.stringify(error.message)}`);
  }
  const problems = error instanceof SynthValidationError ? error.problems.map((p) => ({ path: p.construct.node.path, message: p.message })) : [error];
  for (const problem of problems) {
    if (!under(problem.path, expected)) {
      throw new Error(`the refusal names ${problem.path}, not one of ${expected.join(', ') || '(no construct call)'} or a construct below: ${error.message}`);
    }
    if (problem.message.trim() === '') {
      throw new Error(`a synth problem at ${problem.path} has no message: ${error.message}`);
    }
  }
}

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** Kinds whose names the API server requires to be DNS-1035 labels. */
const DNS_1035_KINDS = new Set(['Service']);

function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (!DNS_1123_SUBDOMAIN.test(prefix) || prefix.length > 253)) {
    return `key prefix '${prefix}' is not a DNS subdomain`;
  }
  return QUALIFIED_NAME.test(name) && name.length <= 63 ? undefined : `key '${key}' is not a qualified name`;
}

/** Label maps anywhere in an object (metadata, pod templates, selectors, subsets), by path. */
function labelMaps(value: unknown, path: string, out: Array<[string, Record<string, unknown>]>): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => labelMaps(item, `${path}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if ((key === 'labels' || key === 'matchLabels') && typeof child === 'object' && child !== null && !Array.isArray(child)) {
        out.push([`${path}.${key}`, child as Record<string, unknown>]);
      } else {
        labelMaps(child, `${path}.${key}`, out);
      }
    }
  }
}

/** Pod specs anywhere in an object (a Deployment's template, a Knative Service's). */
function podSpecs(value: unknown, out: Record<string, unknown>[]): void {
  if (Array.isArray(value)) {
    value.forEach((item) => podSpecs(item, out));
  } else if (typeof value === 'object' && value !== null) {
    if (Array.isArray((value as Record<string, unknown>).containers)) {
      out.push(value as Record<string, unknown>);
    }
    Object.values(value).forEach((child) => podSpecs(child, out));
  }
}

const duplicates = (values: readonly unknown[]) => values.filter((v, i) => values.indexOf(v) !== i);

/** What the API server checks of a pod spec across its lists: unique names, mounts of declared volumes. */
function podSpecProblems(pod: Record<string, any>): string[] {
  const problems: string[] = [];
  const volumes = ((pod.volumes ?? []) as Array<{ name: string }>).map((v) => v.name);
  for (const name of duplicates(volumes)) {
    problems.push(`volume name '${name}' is used twice`);
  }
  for (const container of pod.containers as Array<Record<string, any>>) {
    const mounts = (container.volumeMounts ?? []) as Array<{ name: string; mountPath: string }>;
    for (const mount of mounts.filter((m) => !volumes.includes(m.name))) {
      problems.push(`container '${container.name}' mounts volume '${mount.name}', which the pod does not have`);
    }
    for (const path of duplicates(mounts.map((m) => m.mountPath))) {
      problems.push(`container '${container.name}' mounts two volumes at '${path}'`);
    }
    const ports = (container.ports ?? []) as Array<{ name?: string; containerPort: number; protocol?: string }>;
    for (const name of duplicates(ports.map((p) => p.name).filter((n) => n !== undefined))) {
      problems.push(`container '${container.name}' has two ports named '${name}'`);
    }
    for (const port of duplicates(ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`))) {
      problems.push(`container '${container.name}' declares port ${port} twice`);
    }
  }
  return problems;
}

/** What the API server checks across the fields of a Deployment or a Service. */
function workloadProblems(object: Manifest): string[] {
  const spec = (object.spec ?? {}) as Record<string, any>;
  if (object.kind === 'Deployment') {
    const selector = (spec.selector?.matchLabels ?? {}) as Record<string, string>;
    const labels = (spec.template?.metadata?.labels ?? {}) as Record<string, string>;
    const unmatched = Object.entries(selector).filter(([key, value]) => labels[key] !== value);
    return unmatched.map(([key]) => `the selector's label '${key}' does not match the pod template's labels`);
  }
  if (object.kind === 'Service') {
    const ports = (spec.ports ?? []) as Array<{ name?: string; port: number; protocol?: string }>;
    return [
      ...duplicates(ports.map((p) => p.name)).map((name) => `two Service ports are named '${name}'`),
      ...duplicates(ports.map((p) => `${p.port}/${p.protocol ?? 'TCP'}`)).map((port) => `two Service ports are ${port}`),
      ...(ports.length > 1 && ports.some((p) => p.name === undefined) ? ['a Service with several ports has one without a name'] : []),
    ];
  }
  return [];
}

/**
 * What the API server would refuse in an object beyond its schema: names
 * (DNS-safe, ≤ 63 characters as the library promises), label and annotation
 * syntax and size, ConfigMap and Secret keys and size, the lists of a pod
 * spec, and for CRD groups without a schema package the CRD's structural
 * schema.
 */
export function apiServerProblems(object: Manifest): string[] {
  const problems: string[] = [];
  const { name, namespace } = object.metadata;
  if (typeof name !== 'string' || !DNS_1123_SUBDOMAIN.test(name) || name.length > 63) {
    problems.push(`name '${name}' is not a DNS subdomain of ≤ 63 characters`);
  } else if (DNS_1035_KINDS.has(object.kind) && !DNS_1035_LABEL.test(name)) {
    problems.push(`name '${name}' of a ${object.kind} is not a DNS-1035 label`);
  }
  if (namespace !== undefined && !DNS_1123_LABEL.test(namespace)) {
    problems.push(`namespace '${namespace}' is not a DNS label`);
  }
  const maps: Array<[string, Record<string, unknown>]> = [];
  labelMaps(object, '', maps);
  for (const [path, labels] of maps) {
    for (const [key, value] of Object.entries(labels)) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem !== undefined) {
        problems.push(`${path}: label ${keyProblem}`);
      }
      if (typeof value !== 'string' || !LABEL_VALUE.test(value) || value.length > 63) {
        problems.push(`${path}: label value ${JSON.stringify(value)} of '${key}' is not a label value`);
      }
    }
  }
  const annotations = (object.metadata.annotations ?? {}) as Record<string, unknown>;
  let annotationBytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem !== undefined) {
      problems.push(`annotation ${keyProblem}`);
    }
    if (typeof value !== 'string') {
      problems.push(`annotation '${key}' is not a string`);
    }
    annotationBytes += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (annotationBytes > 256 * 1024) {
    problems.push(`annotations hold ${annotationBytes} bytes, above 256 KiB`);
  }
  if (object.kind === 'ConfigMap' || object.kind === 'Secret') {
    let bytes = 0;
    for (const field of ['data', 'binaryData', 'stringData']) {
      for (const [key, value] of Object.entries((object[field] ?? {}) as Record<string, string>)) {
        if (!CONFIG_KEY.test(key) || key.length > 253) {
          problems.push(`${field} key '${key}' is not a valid ConfigMap or Secret key`);
        }
        bytes += Buffer.byteLength(key) + (object.kind === 'Secret' && field === 'data' ? Buffer.from(value, 'base64').length : Buffer.byteLength(value));
      }
    }
    if (bytes > 1024 * 1024) {
      problems.push(`data holds ${bytes} bytes, above the 1 MiB limit`);
    }
  }
  problems.push(...workloadProblems(object));
  const pods: Record<string, unknown>[] = [];
  podSpecs(object, pods);
  problems.push(...pods.flatMap(podSpecProblems));
  problems.push(...(crdSchemaProblems(object) ?? []));
  return problems;
}

/**
 * Expects every object to pass its schema and what the API server checks
 * besides. (Checked without a jest matcher per object, which would cost more
 * than the check; a failure is reported with the matchers.)
 */
export function expectAcceptable(objects: readonly Manifest[]): void {
  const failing = objects.filter((object) => schemaErrors(object) !== undefined || apiServerProblems(object).length > 0);
  if (failing.length > 0) {
    expectSchemaValid(failing);
    for (const object of failing) {
      const id = `${object.kind}/${object.metadata.name}`;
      expect({ object: id, problems: apiServerProblems(object) }).toEqual({ object: id, problems: [] });
    }
  }
}

/** How often a property accepted and refused its inputs, and why it refused. */
export class Tally {
  public accepted = 0;
  public readonly refusals: string[] = [];

  public get rejected(): number {
    return this.refusals.length;
  }

  public record(outcome: Outcome): void {
    if (outcome.accepted) {
      this.accepted++;
    } else {
      this.refusals.push(outcome.error.detail);
    }
  }

  /** Expects both paths to have been taken often enough that the property says something. */
  public expectBothPaths(minAcceptedShare: number, minRejectedShare: number): void {
    const total = this.accepted + this.rejected;
    const shares = { accepted: this.accepted / total, rejected: this.rejected / total };
    expect({ acceptedEnough: shares.accepted >= minAcceptedShare, rejectedEnough: shares.rejected >= minRejectedShare, shares }).toEqual({
      acceptedEnough: true,
      rejectedEnough: true,
      shares,
    });
  }

  /** Expects a refusal matching each pattern to have occurred. */
  public expectRefusals(...patterns: readonly RegExp[]): void {
    const missing = patterns.filter((p) => !this.refusals.some((r) => p.test(r)));
    expect(missing).toEqual([]);
  }
}

/**
 * The run's fast-check parameters: the file's fixed numbers, so a run is
 * reproducible; `PROPERTY_RUNS` (a factor, e.g. 10) and `PROPERTY_SEED` in
 * the environment explore further, e.g.
 * `PROPERTY_RUNS=10 PROPERTY_SEED=7 npx jest test/property/traffic.property.test.ts`.
 */
function runParameters(numRuns: number, seed: number): { numRuns: number; seed: number } {
  const factor = Number(process.env.PROPERTY_RUNS ?? 1);
  const override = process.env.PROPERTY_SEED;
  return { numRuns: Math.round(numRuns * (factor > 0 ? factor : 1)), seed: override === undefined ? seed : seed + Number(override) };
}

/** Options of {@link checkConstructProperty} and {@link checkDeterministic}. */
export interface ConstructPropertyOptions<S> {
  /** Generated cases. */
  readonly numRuns: number;
  /** The fixed seed, so a run is reproducible. */
  readonly seed: number;
  /**
   * Further checks of an accepted scenario's objects.
   * @default - none
   */
  readonly check?: (scenario: S, objects: readonly Manifest[]) => void;
}

/** Builds a scenario in fresh charts: one chart, or several of one App. */
export type ScenarioBuild<S> = (scenario: S, b: Build) => Chart | readonly Chart[];

/**
 * Checks properties 1-3 (see the top of this file) over generated scenarios,
 * and returns how often each path was taken.
 */
export function checkConstructProperty<S>(scenarios: fc.Arbitrary<S>, build: ScenarioBuild<S>, options: ConstructPropertyOptions<S>): Tally {
  const tally = new Tally();
  fc.assert(
    fc.property(scenarios, (scenario) => {
      const outcome = outcomeOf((b) => build(scenario, b));
      tally.record(outcome);
      if (outcome.accepted) {
        expectAcceptable(outcome.objects);
        options.check?.(scenario, outcome.objects);
      } else {
        expectWellFormedRefusal(outcome);
      }
    }),
    runParameters(options.numRuns, options.seed),
  );
  return tally;
}

/**
 * Checks property 4: a scenario built twice, in fresh Apps, synthesizes
 * byte-identical YAML, or is refused with the same message.
 */
export function checkDeterministic<S>(scenarios: fc.Arbitrary<S>, build: ScenarioBuild<S>, options: Omit<ConstructPropertyOptions<S>, 'check'>): void {
  fc.assert(
    fc.property(scenarios, (scenario) => {
      const [first, second] = [0, 1].map(() => outcomeOf((b) => build(scenario, b)));
      const text = (o: Outcome) => (o.accepted ? o.yaml : `refused: ${o.error.message}`);
      expect(text(second)).toBe(text(first));
    }),
    runParameters(options.numRuns, options.seed),
  );
}
