/** A synthesis, or options, that `gitopsFiles` cannot turn into GitOps output. */
export class GitopsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitopsError';
  }
}
