/**
 * Records which construct call a scenario's build is in, so that a refusal
 * can be checked to name the construct the input was given to.
 */
export class Build {
  private current: readonly string[] = [];
  private readonly made: string[] = [];

  /**
   * Runs one construct call (a constructor or an `add…` method). A
   * ValidationError thrown by it must name one of `paths` or a construct
   * below one of them.
   */
  public step<T>(paths: string | readonly string[], call: () => T): T {
    const outer = this.current;
    this.current = typeof paths === 'string' ? [paths] : paths;
    this.made.push(...this.current);
    const result = call();
    // a step may run inside another (a construct made for a prop): the outer one goes on
    this.current = outer;
    return result;
  }

  /** The paths the running call may name (none outside a step). */
  public get expected(): readonly string[] {
    return this.current;
  }

  /** Every path a step was run for. */
  public get constructs(): readonly string[] {
    return this.made;
  }
}
