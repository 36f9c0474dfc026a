import { UsageError } from './exit-codes';

/**
 * A flag a command takes: `boolean` takes no value; `string`, `count` (a
 * whole number ≥ 0) and `duration` (`90s`, `10m`, `1h`; read as seconds)
 * take one.
 */
export type FlagType = 'boolean' | 'string' | 'count' | 'duration';

/** A command line, read. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  /** The flags given, by name without dashes. */
  readonly flags: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Reads `--name value`, `--name=value` and boolean `--name` flags, and
 * positional arguments (all of them after `--`).
 *
 * @param flags the flags the command takes, by name without dashes
 * @throws UsageError for an unknown or repeated flag, a missing, empty or bad value, or a value given to a boolean flag
 */
export function parseArgs(args: readonly string[], flags: Readonly<Record<string, FlagType>>): ParsedArgs {
  const positionals: string[] = [];
  const values: Record<string, string | number | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    const type = name === undefined ? undefined : flags[name];
    if (type === undefined) {
      throw new UsageError(`unknown option '${arg}'`);
    }
    if (name! in values) {
      throw new UsageError(`--${name} is given twice`);
    }
    let value = match![2];
    if (type === 'boolean') {
      if (value !== undefined) {
        throw new UsageError(`--${name} takes no value, got '${value}'`);
      }
      values[name!] = true;
      continue;
    }
    if (value === undefined) {
      value = args[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new UsageError(`--${name} needs a value`);
      }
      i++;
    }
    if (value.trim() === '') {
      // An unset variable (`--kubeconfig "$KUBECONFIG"`) must never fall back to a default.
      throw new UsageError(`--${name} needs a value, got an empty one`);
    }
    values[name!] = type === 'count' ? count(name!, value) : type === 'duration' ? duration(name!, value) : value;
  }
  return { positionals, flags: values };
}

function count(name: string, value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new UsageError(`--${name} must be a whole number ≥ 0, got '${value}'`);
  }
  return Number(value);
}

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

function duration(name: string, value: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(value);
  if (match === null || Number(match[1]) === 0) {
    throw new UsageError(`--${name} must be a duration such as 90s, 10m or 1h, got '${value}'`);
  }
  return Number(match[1]) * SECONDS_PER_UNIT[match[2]];
}
