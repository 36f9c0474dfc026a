import { Outcome } from './outcome';

/**
 * How often a property accepted and refused its cases, why it refused, and
 * what the accepted cases held, so that a property cannot pass vacuously.
 */
export class Tally {
  private accepted = 0;
  /** Every refusal's message without its path. */
  private readonly refusals: string[] = [];
  private readonly features = new Map<string, number>();

  /** Counts an outcome, a refusal by its message. */
  public record(outcome: Outcome): void {
    if (outcome.accepted) {
      this.accepted++;
    } else {
      this.refusals.push(outcome.error.detail);
    }
  }

  /** Counts features of an accepted case (a trigger kind, a rendering), each once, for {@link Tally.expectFeatures}. */
  public see(features: readonly string[]): void {
    for (const feature of new Set(features)) {
      this.features.set(feature, (this.features.get(feature) ?? 0) + 1);
    }
  }

  /**
   * Fails unless at least `accepted` and `rejected` of the cases (shares of
   * 1; by default 30% and 5%) went each way. With `PROPERTY_TALLY=1` in the
   * environment, prints the counts and the commonest refusals.
   */
  public expectBothWays(accepted = 0.3, rejected = 0.05): void {
    if (process.env.PROPERTY_TALLY !== undefined) {
      console.log(this.summary());
    }
    const total = this.accepted + this.refusals.length;
    if (this.accepted / total < accepted || this.refusals.length / total < rejected) {
      throw new Error(`too few cases went one way (want ≥ ${accepted} accepted, ≥ ${rejected} rejected):\n${this.summary()}`);
    }
  }

  /** Fails unless a refusal matching each pattern occurred. */
  public expectRefusals(...patterns: readonly RegExp[]): void {
    const missing = patterns.filter((p) => !this.refusals.some((r) => p.test(r)));
    if (missing.length > 0) {
      throw new Error(`no refusal matched ${missing.join(', ')}:\n${this.summary()}`);
    }
  }

  /** Fails unless each feature was seen in at least `min` accepted cases. */
  public expectFeatures(features: readonly string[], min: number): void {
    const rare = features.filter((f) => (this.features.get(f) ?? 0) < min).map((f) => `${f}: ${this.features.get(f) ?? 0}`);
    if (rare.length > 0) {
      throw new Error(`features accepted fewer than ${min} times: ${rare.join(', ')}`);
    }
  }

  /** Accepted and refused counts with the commonest refusals, by the start of their message. */
  private summary(): string {
    const reasons = new Map<string, number>();
    for (const refusal of this.refusals) {
      const key = refusal.split(/[,;]/)[0].replace(/'[^']*'/g, "'…'").replace(/[0-9]+/g, 'N').slice(0, 90);
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    const top = [...reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, n]) => `  ${n} × ${k}`);
    return [`accepted ${this.accepted}, rejected ${this.refusals.length}`, ...top].join('\n');
  }
}
