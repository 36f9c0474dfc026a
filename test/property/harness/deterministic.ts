import fc from 'fast-check';
import { toYaml } from '../../../lib/internal';
import { ScenarioBuild } from './check-property';
import { Outcome, outcomeOf } from './outcome';
import { RunOptions, runParameters } from './run-options';

/** The YAML each chart synthesizes (as `synthYaml` writes it), or the refusal's message. */
const text = (outcome: Outcome) => (outcome.accepted ? outcome.charts.map((objects) => toYaml(objects)).join('# next chart\n') : `refused: ${outcome.error.message}`);

/**
 * Checks property 4 of {@link checkConstructProperty}: a scenario built
 * twice, each time in a fresh App, synthesizes byte-identical YAML, or is
 * refused with the same message. Anything but a ValidationError escapes and
 * fails the property.
 */
export function checkDeterministic<S>(scenarios: fc.Arbitrary<S>, build: ScenarioBuild<S>, options: RunOptions): void {
  fc.assert(
    fc.property(scenarios, (scenario) => {
      const [first, second] = [0, 1].map(() => text(outcomeOf((b) => build(scenario, b))));
      if (first !== second) {
        expect(second).toBe(first);
      }
    }),
    runParameters(options),
  );
}
