import * as propAccepts from '../../lib/core/prop-accepts';

// Every test checks that the fast acceptance of props never takes a value
// zod refuses: each checkProps call that `accepts` answers `true` is parsed
// by zod too, and a refusal there fails the test that made the call.
const accepts = propAccepts.accepts;

beforeEach(() => {
  jest.spyOn(propAccepts, 'accepts').mockImplementation((schema, value) => {
    const accepted = accepts(schema, value);
    if (accepted && !schema.safeParse(value).success) {
      throw new Error(`accepts() took a value zod refuses: ${schema.safeParse(value).error?.message}`);
    }
    return accepted;
  });
});
