import { DeployEvent } from '../deploy/deploy-events';
import { ReleaseStep } from '../release-steps';
import { CliIo } from './cli-io';
import { objectName, summaryLine } from './render-plan';
import { Style } from './style';

const STEPS: ReadonlyArray<ReleaseStep['name']> = ['prepare', 'create', 'route', 'retire'];

/**
 * Prints a deploy's progress as it happens: the plan's summary and
 * restarts, each step, each object applied, deleted or kept, and the
 * failure (on stderr).
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
          const mark = event.change === 'created' ? style.green('+') : event.change === 'updated' ? style.yellow('~') : style.dim('=');
          out(`  ${mark} ${objectName(event.object)} (${event.change === undefined ? 'applied' : event.change})`);
        } else if (event.outcome === 'deleted') {
          out(`  ${style.red('-')} ${objectName(event.object)} (deleted)`);
        } else {
          out(`  ${style.dim('=')} ${objectName(event.object)} (kept: one of the --keep most recent retired revisions)`);
        }
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
