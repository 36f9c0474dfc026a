/**
 * kubectl that records every call it makes (what for, how long, how many
 * objects it names), so the benchmark can say where a deploy's time goes.
 */
import { performance } from 'perf_hooks';
import { Kubectl, KubectlResult } from '../../lib';

/** What a kubectl call was for, told from its arguments. */
export type CallPurpose =
  | 'api-resources'
  | 'config view'
  | 'list app objects by label (every type)'
  | 'get synthesis objects by name'
  | 'get release history'
  | 'apply'
  | 'apply release history'
  | 'delete'
  | 'gate: list Deployments'
  | 'pointer check: read back pointers'
  | 'pointer check: list EndpointSlices'
  | 'other';

/** One recorded call. */
export interface KubectlCall {
  readonly purpose: CallPurpose;
  /** `run` (synchronous: blocks the deploy) or `runAsync`. */
  readonly sync: boolean;
  readonly ms: number;
  /** Objects named on the command line (`get <type> <names…>`, `delete`), or documents applied. */
  readonly objects: number;
}

/** Calls of one purpose, added up. */
export interface CallSummary {
  readonly purpose: CallPurpose;
  readonly calls: number;
  readonly syncCalls: number;
  /** Sum of the calls' durations (concurrent calls overlap, so this can exceed wall time). */
  readonly ms: number;
  readonly objects: number;
}

/** kubectl recording its calls in {@link TracedKubectl.calls}. */
export class TracedKubectl extends Kubectl {
  public readonly calls: KubectlCall[] = [];

  public override run(args: readonly string[], input?: string): KubectlResult {
    const start = performance.now();
    const result = super.run(args, input);
    this.record(args, input, true, performance.now() - start);
    return result;
  }

  public override async runAsync(args: readonly string[], input?: string): Promise<KubectlResult> {
    const start = performance.now();
    const result = await super.runAsync(args, input);
    this.record(args, input, false, performance.now() - start);
    return result;
  }

  /** The calls recorded so far, added up by purpose (and forgotten). */
  public take(): CallSummary[] {
    const byPurpose = new Map<CallPurpose, { calls: number; syncCalls: number; ms: number; objects: number }>();
    for (const call of this.calls.splice(0)) {
      const sum = byPurpose.get(call.purpose) ?? { calls: 0, syncCalls: 0, ms: 0, objects: 0 };
      sum.calls++;
      sum.syncCalls += call.sync ? 1 : 0;
      sum.ms += call.ms;
      sum.objects += call.objects;
      byPurpose.set(call.purpose, sum);
    }
    return [...byPurpose].map(([purpose, sum]) => ({ purpose, ...sum }));
  }

  private record(args: readonly string[], input: string | undefined, sync: boolean, ms: number): void {
    const { purpose, objects } = classify(args, input);
    this.calls.push({ purpose, sync, ms, objects });
  }
}

/** The purpose of a call of the deploy (see lib/release/cluster and lib/release/deploy). */
function classify(args: readonly string[], input: string | undefined): { purpose: CallPurpose; objects: number } {
  const [verb] = args;
  const positionals = (from: number) => {
    const out: string[] = [];
    for (let i = from; i < args.length && !args[i].startsWith('-'); i++) {
      out.push(args[i]);
    }
    return out;
  };
  switch (verb) {
    case 'api-resources':
      return { purpose: 'api-resources', objects: 0 };
    case 'config':
      return { purpose: 'config view', objects: 0 };
    case 'apply': {
      const text = input ?? '';
      return text.startsWith('{')
        ? { purpose: 'apply release history', objects: 1 }
        : { purpose: 'apply', objects: text.split('\n').filter((line) => line.startsWith('kind:')).length };
    }
    case 'delete':
      return { purpose: 'delete', objects: Math.max(0, positionals(2).length) };
    case 'get': {
      const names = positionals(2);
      if (args.includes('-l')) {
        return { purpose: args[1] === 'deployments.apps' ? 'gate: list Deployments' : 'list app objects by label (every type)', objects: 0 };
      }
      if (args[1].startsWith('endpointslices')) {
        return { purpose: 'pointer check: list EndpointSlices', objects: 0 };
      }
      if (args[1] === 'configmap' && names.length === 1 && names[0].startsWith('immutable-infra-releases-')) {
        return { purpose: 'get release history', objects: 1 };
      }
      if (args.includes('--ignore-not-found')) {
        return { purpose: 'get synthesis objects by name', objects: names.length };
      }
      if (args.includes('--show-managed-fields')) {
        return { purpose: 'pointer check: read back pointers', objects: 0 };
      }
      return { purpose: 'other', objects: names.length };
    }
    default:
      return { purpose: 'other', objects: 0 };
  }
}
