import { parseArgs } from '../../../lib/release/cli/args';
import { UsageError } from '../../../lib/release/cli/exit-codes';

const FLAGS = { json: 'boolean', kubeconfig: 'string', keep: 'count' } as const;
const usage = (args: string[]) => {
  try {
    parseArgs(args, FLAGS);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('parseArgs', () => {
  test('flags with a value after them or after =, boolean flags, positionals in order', () => {
    expect(parseArgs(['a', '--kubeconfig', 'k', 'b', '--keep=2', '--json'], FLAGS)).toEqual({
      positionals: ['a', 'b'],
      flags: { kubeconfig: 'k', keep: 2, json: true },
    });
  });

  test('everything after -- is positional; a lone - is positional', () => {
    expect(parseArgs(['--json', '--', '--keep', '-'], FLAGS)).toEqual({ positionals: ['--keep', '-'], flags: { json: true } });
    expect(parseArgs(['-'], FLAGS).positionals).toEqual(['-']);
  });

  test('an empty value after = is a value', () => {
    expect(parseArgs(['--kubeconfig='], FLAGS).flags).toEqual({ kubeconfig: '' });
  });

  test('fails on an unknown flag, a short flag, a repeated flag', () => {
    expect(usage(['--color'])).toBe("unknown option '--color'");
    expect(usage(['-k'])).toBe("unknown option '-k'");
    expect(usage(['--json', '--json'])).toBe('--json is given twice');
  });

  test('fails on a missing value, a value for a boolean, a count that is not a whole number ≥ 0', () => {
    expect(usage(['--kubeconfig'])).toBe('--kubeconfig needs a value');
    expect(usage(['--kubeconfig', '--json'])).toBe('--kubeconfig needs a value');
    expect(usage(['--json=yes'])).toBe("--json takes no value, got 'yes'");
    expect(usage(['--keep', '-1'])).toBe("--keep must be a whole number ≥ 0, got '-1'");
    expect(usage(['--keep=two'])).toBe("--keep must be a whole number ≥ 0, got 'two'");
  });
});
