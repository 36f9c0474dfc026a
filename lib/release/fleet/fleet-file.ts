import { readFileSync } from 'fs';
import { dirname, isAbsolute, join } from 'path';
import { parse } from 'yaml';
import { z } from 'zod';
import { fileErrorReason } from '../plan/read-dist';
import { FleetError } from './fleet-error';

/** One cluster of a fleet. */
export interface FleetCluster {
  /** Its name in the output, unique in the fleet. */
  readonly name: string;
  /** Its kubeconfig file (relative paths are read from the fleet file's folder). */
  readonly kubeconfig: string;
  /**
   * The kubeconfig context.
   * @default - the kubeconfig's current context
   */
  readonly context?: string;
}

/** Clusters released together; a wave starts only once every cluster of the wave before passed its gates. */
export interface FleetWave {
  /** Its name in the output. */
  readonly name: string;
  readonly clusters: readonly FleetCluster[];
}

/** The clusters one release goes to, wave by wave. */
export interface Fleet {
  readonly waves: readonly FleetWave[];
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const name = z.string().regex(NAME, 'must be a DNS label (lower-case letters, digits and -)');
const fleetSchema = z.object({
  waves: z.array(z.object({
    name,
    clusters: z.array(z.object({ name, kubeconfig: z.string().min(1), context: z.string().min(1).optional() }).strict()).min(1, 'must list at least one cluster'),
  }).strict()).min(1, 'must list at least one wave'),
}).strict();

/**
 * The fleet in `file` (YAML or JSON):
 *
 *   waves:
 *     - name: canary
 *       clusters:
 *         - { name: eu-1, kubeconfig: eu-1.kubeconfig }
 *     - name: rest
 *       clusters:
 *         - { name: us-1, kubeconfig: us.kubeconfig, context: us-1 }
 *
 * Kubeconfig paths are read relative to the fleet file's folder.
 *
 * @throws FleetError, one line naming the file, when it cannot be read, does
 *   not parse, has an unknown key, a bad or repeated name, or an empty list
 */
export function readFleet(file: string): Fleet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FleetError(`fleet ${file} cannot be read: ${fileErrorReason(error, file)}`);
  }
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new FleetError(`fleet ${file} does not parse as YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = fleetSchema.safeParse(value);
  if (!result.success) {
    // an unknown key first: a misspelled key is also a missing one, and the spelling is the fix
    const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0];
    const path = [...issue.path, ...(issue.code === 'unrecognized_keys' ? [issue.keys[0]] : [])].map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
    const problem = issue.code === 'unrecognized_keys'
      ? 'is not a key of a fleet (waves[].name, waves[].clusters[].name, kubeconfig, context)'
      : issue.code === 'invalid_type' ? (issue.received === 'undefined' ? 'is missing' : `must be ${issue.expected === 'object' ? 'a map' : `a ${issue.expected}`}, got ${issue.received}`) : issue.message;
    throw new FleetError(`fleet ${file}: ${path === '' ? 'the file' : path} ${problem}; see immutable-infra --help for the format`);
  }
  const seen = new Set<string>();
  for (const cluster of result.data.waves.flatMap((w) => w.clusters)) {
    if (seen.has(cluster.name)) {
      throw new FleetError(`fleet ${file}: cluster '${cluster.name}' is listed twice; give each cluster one name and one wave`);
    }
    seen.add(cluster.name);
  }
  const folder = dirname(file);
  return {
    waves: result.data.waves.map((wave) => ({
      name: wave.name,
      clusters: wave.clusters.map((c) => ({ ...c, kubeconfig: isAbsolute(c.kubeconfig) ? c.kubeconfig : join(folder, c.kubeconfig) })),
    })),
  };
}
