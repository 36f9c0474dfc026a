import * as pulumi from '@pulumi/pulumi';
import type { CanaryWalkInputs, CanaryWalkOutputs } from './canary-walk-run';

/** Arguments of {@link CanaryWalk}: what the walk runs with. */
export type CanaryWalkArgs = CanaryWalkInputs;

/**
 * The file the provider loads to walk: `canary-walk-run` beside this one,
 * `.js` in the built library, `.ts` when the program runs the sources
 * (ts-node, ts-jest).
 */
const RUNNER = require.resolve('./canary-walk-run');

/**
 * The dynamic provider of {@link CanaryWalk}. Pulumi serializes a dynamic
 * provider's functions with what they capture (local modules by value) and
 * runs them in a provider process of its own. Its serializer cannot take the
 * deploy path's code: it stops at the Kubernetes client's request function
 * ("Unexpected missing variable in closure environment"). So these functions
 * capture only the runner's file name and require it in the provider process
 * when a walk runs, as Pulumi's message for modules it cannot capture
 * advises; the sources (`.ts`, when the program runs through ts-node or
 * ts-jest) load through ts-node, which TypeScript Pulumi programs run with.
 * `diff` compares `routing` only; `delete` does nothing (the walk leaves
 * nothing of its own in the cluster) and loads nothing, so a state written
 * from another checkout of the project still deletes.
 *
 * @param runner the absolute path of the runner module
 */
export function canaryWalkProvider(runner: string): pulumi.dynamic.ResourceProvider<CanaryWalkInputs, CanaryWalkOutputs> {
  const load = (): typeof import('./canary-walk-run') => {
    // the provider process's own require: Pulumi never captures `require`
    const nodeRequire = require;
    if (runner.endsWith('.ts') && nodeRequire.extensions['.ts'] === undefined) {
      const directory = runner.replace(/[\\/][^\\/]*$/, '');
      nodeRequire(nodeRequire.resolve('ts-node', { paths: [directory] })).register({ transpileOnly: true, projectSearchDir: directory });
    }
    return nodeRequire(runner);
  };
  return {
    diff: async (_id, olds, news) => ({ changes: olds.routing !== news.routing }),
    create: async (inputs) => ({ id: inputs.pointers.map((m) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`).join(','), outs: await load().runCanaryWalk(inputs) }),
    update: async (_id, _olds, news) => ({ outs: await load().runCanaryWalk(news) }),
    delete: async () => undefined,
  };
}

const PROVIDER = canaryWalkProvider(RUNNER);

/**
 * A stepped canary walked on the live cluster during `pulumi up`: a Pulumi
 * dynamic resource (type `pulumi-nodejs:dynamic/immutable-infra:CanaryWalk`)
 * that the canary's pointers wait for. Its create or update walks the
 * steps above the canary's live share with the deploy path's walk (see
 * `runCanaryWalk`) and fails, with every moved pointer put back, when a
 * step does; then Pulumi updates the pointers to their declared weights. It
 * walks only when `routing` changes (a new canary, new weights), not on
 * every `pulumi up`; a preview only compares.
 */
export class CanaryWalk extends pulumi.dynamic.Resource {
  /** The routing it last walked to. */
  declare public readonly routing: pulumi.Output<string>;
  /** The canary shares of each step it walked (see `CanaryWalkOutputs.walked`). */
  declare public readonly walked: pulumi.Output<number[][]>;

  constructor(name: string, args: CanaryWalkArgs, opts: pulumi.CustomResourceOptions = {}) {
    const { prometheusUrl, ...plain } = args;
    const secret = prometheusUrl === undefined ? {} : { prometheusUrl: pulumi.secret(prometheusUrl) };
    super(PROVIDER, name, { ...plain, ...secret, walked: undefined }, opts, 'immutable-infra', 'CanaryWalk');
  }
}
