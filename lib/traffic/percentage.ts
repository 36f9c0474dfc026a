import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';

/**
 * @throws ValidationError unless `value` is a number in (0, 100]
 */
export function assertPercentage(what: string, value: number, scope: IConstruct): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 100) {
    throw new ValidationError(`${what} must be a percentage in (0, 100], got ${value}`, scope);
  }
  return value;
}
