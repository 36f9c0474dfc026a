/**
 * Pulumi's mocks for the bridge's unit tests: importing this module sets them,
 * so import it before anything that loads `lib/pulumi`. Each test file gets
 * its own copy (jest isolates modules per file).
 */
import * as pulumi from '@pulumi/pulumi';

/** A resource the program registered, as the mock monitor saw it. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

/** Every resource registered so far, in order (tests empty it between cases). */
export const registered: Registered[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  'immutable-infra',
  'test',
  false,
);
