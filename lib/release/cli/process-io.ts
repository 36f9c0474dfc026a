import { CliIo } from './cli-io';
import { isDebug } from './run-cli';

/** What {@link processIo} needs of `process`. */
export interface ProcessLike {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
  exitCode?: number | string;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  exit(code?: number): never;
}

/**
 * The process's streams and environment for {@link runCli}, made safe for a
 * command line tool:
 *
 * - stdout whose reader went away (`immutable-infra plan … | head -1`: EPIPE)
 *   is left quietly: later output is dropped, no error, no stack trace, and
 *   the command runs to its end (a deploy is never cut off between two
 *   writes) and exits with its own code. The same for stderr.
 * - an error nothing caught (in a callback or a promise nobody awaits) is one
 *   line `error: …`, exit 1; `IMMUTABLE_INFRA_DEBUG=1` adds its stack trace.
 */
export function processIo(proc: ProcessLike): CliIo {
  const stderr = guarded(proc.stderr, () => undefined);
  const stdout = guarded(proc.stdout, (error) => {
    // Anything but a reader that went away is worth a line on stderr.
    if (!isClosedPipe(error)) {
      stderr.write(`error: cannot write to stdout: ${error.message.split('\n')[0]}\n`);
      proc.exitCode = 1;
    }
  });
  const fatal = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`error: ${message.split('\n')[0]} (an unexpected error: IMMUTABLE_INFRA_DEBUG=1 shows its stack trace)\n`);
    if (isDebug(proc.env) && error instanceof Error && error.stack !== undefined) {
      stderr.write(`${error.stack}\n`);
    }
    proc.exit(1);
  };
  proc.on('uncaughtException', fatal);
  proc.on('unhandledRejection', fatal);
  return { stdout, stderr, env: proc.env };
}

/** A stream's `write` that stops writing, quietly, after the stream's first error. */
function guarded(
  stream: NodeJS.WriteStream,
  onError: (error: NodeJS.ErrnoException) => void,
): { write(text: string): boolean; readonly isTTY?: boolean } {
  let failed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (!failed) {
      failed = true;
      onError(error);
    }
  });
  return {
    write: (text: string) => {
      if (failed) {
        return true;
      }
      try {
        return stream.write(text);
      } catch (error) {
        failed = true;
        onError(error as NodeJS.ErrnoException);
        return true;
      }
    },
    get isTTY() {
      return stream.isTTY;
    },
  };
}

function isClosedPipe(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED' || error.code === 'ECONNRESET';
}
