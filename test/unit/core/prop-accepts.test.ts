import { Duration } from 'cdk8s';
import fc from 'fast-check';
import { z } from 'zod';
import { accepts } from '../../../lib/core/prop-accepts';
import { prop, PropSchema } from '../../../lib/core/prop-schema';

interface Port {
  readonly name?: string;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
}

class Marker {}

const port = prop.object<Port>(
  { name: prop.string().optional(), port: prop.number('8080'), protocol: prop.oneOf(['TCP', 'UDP']).optional() },
  'a port',
);

/** A Marker with the fields of a port, as the match classes are checked: an instance, then its fields. */
const markedPort = prop.instance<Port>('a Marker', (v) => v instanceof Marker).pipe(port) as unknown as PropSchema<unknown>;

/** A schema of each kind the prop helpers build, and values each accepts. */
const SCHEMAS: ReadonlyArray<readonly [string, PropSchema<unknown>, fc.Arbitrary<unknown>]> = [
  ['string', prop.string(), fc.string()],
  ['number', prop.number(), fc.double({ noNaN: true, noDefaultInfinity: true })],
  ['boolean', prop.boolean(), fc.boolean()],
  ['oneOf', prop.oneOf(['TCP', 'UDP']), fc.constantFrom('TCP', 'UDP')],
  ['stringList', prop.stringList("['a']"), fc.array(fc.string())],
  ['stringMap', prop.stringMap("{ A: '1' }"), fc.dictionary(fc.string(), fc.string())],
  ['list of objects', prop.list(port, 'a list of ports'), fc.array(fc.record({ port: fc.integer() }))],
  ['map of objects', prop.map(port, 'ports by name', '{ http: { port: 80 } }'), fc.dictionary(fc.string(), fc.record({ port: fc.integer(), protocol: fc.constant('UDP' as const) }))],
  ['strict object', port, fc.record({ name: fc.string(), port: fc.integer(), protocol: fc.constantFrom('TCP', 'UDP') }, { requiredKeys: ['port'] })],
  ['optional', prop.number().optional(), fc.option(fc.integer(), { nil: undefined })],
  ['instance', prop.instance('a Marker', (v) => v instanceof Marker), fc.constant(new Marker())],
  ['either', prop.either((v) => typeof v === 'string', prop.oneOf(['all']), port), fc.oneof(fc.constant('all'), fc.record({ port: fc.integer() }))],
  ['duration', prop.duration('Duration.seconds(5)'), fc.integer({ min: 0, max: 100 }).map((s) => Duration.seconds(s))],
  ['instance piped to an object', markedPort, fc.integer().map((p) => Object.assign(new Marker(), { port: p }))],
];

/** Values of any JavaScript type and shape, near misses included. */
const anything = fc.oneof(
  fc.anything({
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withDate: true,
  }),
  fc.constantFrom(NaN, Infinity, -Infinity, 'TCP ', 'tcp', '', new Date(0), Promise.resolve(1), new Map(), [undefined], { port: 80, extra: 1 }, { port: '80' }, { port: NaN }),
  fc.record(
    { port: fc.oneof(fc.integer(), fc.string(), fc.constant(NaN)), name: fc.oneof(fc.string(), fc.integer()), protocol: fc.string() },
    { requiredKeys: [] },
  ),
  fc.record({ port: fc.oneof(fc.integer(), fc.string()), extra: fc.boolean() }, { requiredKeys: ['port'] }).map((fields) => Object.assign(new Marker(), fields)),
);

describe('accepts', () => {
  // test/setup/prop-accepts-agrees.ts parses every accepted value with zod too; these tests compare the two themselves.
  beforeEach(() => jest.restoreAllMocks());

  test.each(SCHEMAS)('%s: never takes a value zod refuses', (_name, schema, valid) => {
    fc.assert(fc.property(fc.oneof(anything, valid), (value) => {
      if (accepts(schema, value)) {
        expect(schema.safeParse(value).success).toBe(true);
      }
    }), { numRuns: 2000 });
  });

  test.each(SCHEMAS)('%s: takes the values zod accepts, without zod', (_name, schema, valid) => {
    const parse = jest.spyOn(schema, 'safeParse');
    fc.assert(fc.property(valid, (value) => {
      expect(accepts(schema, value)).toBe(true);
    }), { numRuns: 300 });
    expect(parse).not.toHaveBeenCalled();
  });

  test('an object with a prototype\'s enumerable key, as zod lists it, is refused by a strict object', () => {
    const inherited = Object.assign(Object.create({ extra: 1 }), { port: 80 });
    expect(port.safeParse(inherited).success).toBe(false);
    expect(accepts(port, inherited)).toBe(false);
  });

  test('a schema with any part not known here is left to zod', () => {
    const unknown = [
      z.string().min(1),
      z.number().int(),
      z.union([z.string(), z.number()]),
      z.string().transform((s) => s.length),
      z.object({}).passthrough().catchall(z.string()),
      z.string().pipe(z.string()),
    ];
    for (const schema of unknown) {
      expect(accepts(schema, 'x')).toBe(false);
    }
  });
});
