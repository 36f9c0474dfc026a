import { IConstruct } from 'constructs';
import { timeZoneProblem } from '../../core/time-zone';
import { ValidationError } from '../../core/validation-error';
import { cronExpressionProblem } from './cron-expression';
import { RenderedTrigger, TriggerContext, wholeNumber } from './trigger-rendering';

/**
 * Hold at least `desiredReplicas` between `start` and `end` (KEDA scaler
 * `cron`); outside the window the other triggers, or `minReplicas`, decide.
 *
 * @see https://keda.sh/docs/latest/scalers/cron/
 */
export interface CronTriggerProps {
  /** An IANA time zone, e.g. 'Europe/Berlin' or 'UTC'. */
  readonly timezone: string;
  /** When the window opens: a 5-field cron expression, e.g. '0 8 * * 1-5'. */
  readonly start: string;
  /** When the window closes: a 5-field cron expression, e.g. '0 20 * * 1-5'. */
  readonly end: string;
  /** Replicas held during the window. */
  readonly desiredReplicas: number;
}

/** The `cron` trigger. */
export function renderCron(props: CronTriggerProps, context: TriggerContext): RenderedTrigger {
  const { scope, what } = context;
  const zoneProblem = timeZoneProblem(props.timezone);
  if (zoneProblem !== undefined) {
    throw new ValidationError(`${what} timezone '${props.timezone}' ${zoneProblem}`, scope);
  }
  const start = schedule(`${what} start`, props.start, scope);
  const end = schedule(`${what} end`, props.end, scope);
  if (start === end) {
    throw new ValidationError(`${what} start and end are the same ('${start}'), so the window never opens; give end another time`, scope);
  }
  const desiredReplicas = wholeNumber(`${what} desiredReplicas`, props.desiredReplicas, 1, scope);
  if (props.desiredReplicas > context.maxReplicas) {
    throw new ValidationError(
      `${what} desiredReplicas (${props.desiredReplicas}) is above maxReplicas (${context.maxReplicas}), which caps it; lower it or raise maxReplicas`,
      scope,
    );
  }
  if (props.desiredReplicas <= context.minReplicas && !context.idlesToZero) {
    throw new ValidationError(
      `${what} desiredReplicas (${props.desiredReplicas}) is not above minReplicas (${context.minReplicas}), so the window changes nothing; ` +
        'raise desiredReplicas, or lower minReplicas',
      scope,
    );
  }
  return { type: 'cron', metadata: { timezone: props.timezone, start, end, desiredReplicas }, wakesFromZero: true };
}

function schedule(what: string, expression: string, scope: IConstruct): string {
  const problem = cronExpressionProblem(expression);
  if (problem !== undefined) {
    throw new ValidationError(`${what} must be a 5-field cron expression, got '${expression}', which ${problem}; e.g. '0 8 * * 1-5'`, scope);
  }
  return expression.trim().split(/\s+/).join(' ');
}
