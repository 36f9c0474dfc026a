/** A fleet file that cannot be read; the message names the file and the fix. */
export class FleetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetError';
  }
}
