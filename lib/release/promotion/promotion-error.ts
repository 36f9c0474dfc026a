/** A synthesis that cannot be promoted, or a promotion lock file that cannot be read; the message says how to fix it. */
export class PromotionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromotionError';
  }
}
