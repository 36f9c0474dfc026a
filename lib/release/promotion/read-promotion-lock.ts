import { readFileSync } from 'fs';
import { propPath } from '../../core/prop-schema';
import { fileErrorReason } from '../plan/read-dist';
import { PromotionError } from './promotion-error';
import { PromotionLock } from './promotion-lock';
import { promotionLockSchema } from './promotion-schemas';

/**
 * The promotion lock in `file`, checked (the CLI's reading; a stack reads it
 * through `Promotion`).
 *
 * @throws PromotionError, one line naming the file, when it cannot be read, is not JSON or not a lock
 */
export function readPromotionLock(file: string): PromotionLock {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? `is not JSON (${error.message})` : `cannot be read: ${fileErrorReason(error, file)}`;
    throw new PromotionError(`promotion lock ${file} ${reason}; write it with immutable-infra promote --from <dist> --to <environment>`);
  }
  const result = promotionLockSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = propPath(issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path);
    throw new PromotionError(`promotion lock ${file}: ${where === '' ? 'the file' : where} ${issue.message}`);
  }
  return value as PromotionLock;
}
