import { IConstruct } from 'constructs';

/**
 * Bad input to a construct: says what is wrong, the value received and how to
 * fix it, and names the construct path where it happened.
 *
 * @example
 *   throw new ValidationError('port must be 1-65535, got 70000', this);
 *   // → "port must be 1-65535, got 70000 (at shop/orders)"
 */
export class ValidationError extends Error {
  /** The construct path the problem was found at. */
  public readonly path: string;
  /** The message without the path suffix. */
  public readonly detail: string;

  constructor(detail: string, scope: IConstruct) {
    const path = scope.node.path;
    super(`${detail} (at ${path})`);
    this.name = 'ValidationError';
    this.path = path;
    this.detail = detail;
  }
}
