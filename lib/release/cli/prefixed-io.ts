import { CliIo } from './cli-io';

/** The same output with `prefix` at the start of every line (a fleet's output, one prefix per cluster). */
export function prefixedIo(io: CliIo, prefix: string): CliIo {
  return {
    stdout: { write: prefixedWriter(io.stdout, prefix), isTTY: io.stdout.isTTY },
    stderr: { write: prefixedWriter(io.stderr, prefix) },
    env: io.env,
  };
}

function prefixedWriter(stream: { write(text: string): unknown }, prefix: string): (text: string) => unknown {
  let atLineStart = true;
  return (text: string) => {
    if (text === '') {
      return stream.write(text);
    }
    const body = text.replace(/\n(?=.)/gs, `\n${prefix}`);
    const out = `${atLineStart ? prefix : ''}${body}`;
    atLineStart = text.endsWith('\n');
    return stream.write(out);
  };
}
