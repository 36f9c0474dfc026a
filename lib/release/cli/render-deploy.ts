import { DeployEvent } from '../deploy/deploy-events';
import { ReleaseStep } from '../release-steps';
import { CliIo } from './cli-io';
import { objectName, summaryLine } from './render-plan';
import { Style } from './style';

const STEPS: ReadonlyArray<ReleaseStep['name']> = ['prepare', 'create', 'route', 'retire'];

/**
 * Prints a deploy's (or a rollback's) progress as it happens: the plan's
 * summary and restarts, each step, each object applied, deleted or kept,
 * each workload's readiness while a gate waits, the pointer check, and
 * failures (on stderr) with what explains them.
 */
export function deployReporter(io: CliIo, style: Style): (event: DeployEvent) => void {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  return (event) => {
    switch (event.type) {
      case 'planned':
        out(`Plan: ${summaryLine(event.plan, style)}`);
        for (const restart of event.plan.restarts) {
          for (const started of restart.started) {
            out(`  ${style.cyan(restart.workload)}: ${started.name} (${started.reasons.map((r) => r.message).join('; ')})`);
          }
        }
        return;
      case 'step':
        out(style.bold(`[${STEPS.indexOf(event.step) + 1}/${STEPS.length}] ${event.step}: ${event.count} object${event.count === 1 ? '' : 's'}`));
        return;
      case 'object':
        if (event.outcome === 'applied') {
          const mark = event.change === 'created' ? style.green('+') : event.change === 'unchanged' ? style.dim('=') : style.yellow('~');
          out(`  ${mark} ${objectName(event.object)} (${event.change === undefined ? 'applied' : event.change})`);
        } else if (event.outcome === 'unchanged') {
          out(`  ${style.dim('=')} ${objectName(event.object)} (unchanged)`);
        } else if (event.outcome === 'deleted') {
          out(`  ${style.red('-')} ${objectName(event.object)} (deleted)`);
        } else {
          out(`  ${style.dim('=')} ${objectName(event.object)} (kept live for a rollback: --keep)`);
        }
        return;
      case 'gate':
        out(`  gate: waiting for ${event.workloads} workload${event.workloads === 1 ? '' : 's'} to be healthy (timeout ${event.timeoutSeconds}s)`);
        return;
      case 'health': {
        const { target, ready, expected, healthy, reason } = event.progress;
        const name = `${target.kind === 'Deployment' ? 'Deployment' : 'Knative Service'} ${target.namespace}/${target.name}`;
        const seconds = `${event.elapsedSeconds.toFixed(1)}s`;
        out(healthy
          ? `  ${style.green('✓')} ${name}: ${ready}/${expected} ready (${seconds})`
          : `  ${style.dim('…')} ${name}: ${reason ?? `${ready}/${expected} ready`} (${seconds})`);
        return;
      }
      case 'gate-failed':
        for (const failure of event.failures) {
          const { target } = failure;
          io.stderr.write(`error: health gate: ${target.kind === 'Deployment' ? 'Deployment' : 'Knative Service'} ${target.namespace}/${target.name}: ${failure.reason}\n`);
          for (const detail of failure.details) {
            io.stderr.write(`  ${detail}\n`);
          }
        }
        return;
      case 'pointers-checked':
        if (event.problems.length === 0) {
          out(`  ${style.green('✓')} pointers hold: read back as applied; every Service has ready endpoints of each revision it selects`);
        }
        for (const problem of event.problems) {
          io.stderr.write(`error: pointer check: ${problem}\n`);
        }
        return;
      case 'canary-step':
        out(`  canary step ${event.index}/${event.total}: ${event.percents.map((p) => `${p}%`).join(', ')} to the canary${event.pauseSeconds > 0 ? `, then ${event.pauseSeconds}s` : ''}`);
        return;
      case 'pausing':
        out(`  ${style.dim('…')} holding for ${event.seconds}s`);
        return;
      case 'analysis':
        out(`  ${style.dim('…')} holding for ${event.seconds}s, analysing ${event.services.join(', ')} in Prometheus ${event.prometheus}`);
        return;
      case 'analysis-check': {
        const { reading } = event;
        const mark = reading.verdict === 'pass' ? style.green('✓') : reading.verdict === 'fail' ? style.red('✗') : style.dim('…');
        out(`  ${mark} analysis ${reading.service}: ${reading.verdict === 'inconclusive' ? 'inconclusive, ' : ''}${reading.summary} (${event.elapsedSeconds.toFixed(1)}s)`);
        return;
      }
      case 'analysis-failed':
        io.stderr.write(`error: canary analysis: ${event.service}: ${event.reason}\n`);
        return;
      case 'paused':
        out(`Paused at canary step ${event.index}/${event.total} (${event.percents.map((p) => `${p}%`).join(', ')}); deploy the same dist again to walk on.`);
        return;
      case 'restored':
        out(`  ${style.yellow('↺')} ${event.count} pointer${event.count === 1 ? '' : 's'} put back as the previous release had them`);
        return;
      case 'removed-failed':
        out(`  ${style.red('-')} ${event.count} object${event.count === 1 ? '' : 's'} of the failed revisions deleted (--remove-failed)`);
        return;
      case 'failed':
        out(`  ${style.red('!')} ${objectName(event.object)} (failed)`);
        io.stderr.write(`error: ${event.step} step: ${objectName(event.object)} failed: ${event.error}\n`);
        io.stderr.write(event.step === 'retire'
          ? 'error: deploy stopped while deleting retired objects; run it again to finish\n'
          : 'error: deploy stopped; nothing was deleted. Fix the error and run it again: it picks up where it stopped\n');
    }
  };
}
