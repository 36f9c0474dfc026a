import { Duration } from 'cdk8s';
import { checkProps, describeSecretValue, describeValue, prop, propPath } from '../../../lib/core/prop-schema';
import { newChart, validationErrorOf } from '../../fixtures';

describe('describeValue: a value as a message shows it, quoted by type', () => {
  test.each<[string, unknown, string]>([
    ['a string in quotes', '3', "'3'"],
    ['a number bare', 3, '3'],
    ['NaN', NaN, 'NaN'],
    ['Infinity', -Infinity, '-Infinity'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a boolean', false, 'false'],
    ['a short array', ['A=1', 2], "['A=1', 2]"],
    ['a long array summarized', Array.from({ length: 9 }, (_, i) => i), 'an array of 9 items'],
    ['a short object', { port: '80' }, "{ port: '80' }"],
    ['an object with many keys summarized', { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }, 'an object with keys a, b, c, d, e, …'],
    ['a class instance by its class', Duration.seconds(5), 'a Duration'],
    ['a function', () => 1, 'a function'],
    ['a string with a quote and a newline, escaped', "it's\nhere", "'it\\'s\\nhere'"],
  ])('%s', (_, value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });

  test('a long string is cut, with its length', () => {
    expect(describeValue('x'.repeat(100))).toBe(`'${'x'.repeat(60)}…' (100 characters)`);
  });

  test('a secret value shows its type only', () => {
    expect(describeSecretValue('hunter2')).toBe('a string (not shown: secret data)');
    expect(describeSecretValue(1234)).toBe('a number (not shown: secret data)');
    expect(describeSecretValue(undefined)).toBe('undefined');
  });
});

describe('propPath: a prop path as code writes it', () => {
  test.each<[(string | number)[], string]>([
    [['command'], 'command'],
    [['env', 'DB_HOST'], 'env.DB_HOST'],
    [['ports', 0, 'port'], 'ports[0].port'],
    [['configs', 1, 'literals', 'app.conf'], "configs[1].literals['app.conf']"],
    [[], ''],
  ])('%j → %s', (path, written) => {
    expect(propPath(path)).toBe(written);
  });
});

describe('checkProps', () => {
  const schema = prop.object<{ readonly env?: Record<string, string>; readonly replicas: number }>(
    { env: prop.stringMap("{ A: '1' }").optional(), replicas: prop.number('3') },
    'an object of test props',
    '{ replicas: 3 }',
  );

  test('accepts a value that fits, undefined optional props included', () => {
    expect(() => checkProps(schema, { replicas: 2, env: undefined }, newChart())).not.toThrow();
  });

  test('refuses the first value that does not fit, naming the construct, the prop, the value and the fix, and lists the others', () => {
    const error = validationErrorOf(() => checkProps(schema, { env: { A: 1 }, replicas: '2' }, newChart(), { prefix: "revision 'canary'" }));
    expect(error.path).toBe('test');
    expect(error.message).toBe(
      "revision 'canary' env.A must be a string, got 1 (a number); write it in quotes: '1' (also wrong: revision 'canary' replicas) (at test)",
    );
  });

  test('names the value itself when it is not an object at all', () => {
    expect(validationErrorOf(() => checkProps(schema, 7, newChart(), { name: 'Test props' })).detail).toBe(
      'Test props must be an object of test props, got 7 (a number); pass { replicas: 3 }',
    );
  });
});
