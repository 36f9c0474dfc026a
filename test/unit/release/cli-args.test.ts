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

  test('fails on an empty or blank value, as an unset variable gives (it must never fall back to a default)', () => {
    expect(usage(['--kubeconfig='])).toBe('--kubeconfig needs a value, got an empty one');
    expect(usage(['--kubeconfig', ''])).toBe('--kubeconfig needs a value, got an empty one');
    expect(usage(['--kubeconfig', '  '])).toBe('--kubeconfig needs a value, got an empty one');
  });

  test('reads a duration as seconds; fails on one without a unit, of zero, or of another unit', () => {
    const flags = { timeout: 'duration' } as const;
    expect(parseArgs(['--timeout', '90s'], flags).flags).toEqual({ timeout: 90 });
    expect(parseArgs(['--timeout=10m'], flags).flags).toEqual({ timeout: 600 });
    expect(parseArgs(['--timeout=1h'], flags).flags).toEqual({ timeout: 3600 });
    for (const bad of ['90', '0s', '1d', '1.5m', '-1s']) {
      expect(() => parseArgs([`--timeout=${bad}`], flags)).toThrow(`--timeout must be a duration such as 90s, 10m or 1h, got '${bad}'`);
    }
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
