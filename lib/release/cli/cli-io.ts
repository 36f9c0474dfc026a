/** Where the command line tool reads its environment and writes its output. */
export interface CliIo {
  /** Results and progress; `isTTY` decides colours. */
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  /** Errors. */
  readonly stderr: { write(text: string): unknown };
  /** The environment: `KUBECTL`, `PATH`, `NO_COLOR`. */
  readonly env: Readonly<Record<string, string | undefined>>;
}
