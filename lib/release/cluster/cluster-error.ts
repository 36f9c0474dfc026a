/** The cluster could not be reached or read, or a call that must succeed failed. */
export class ClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterError';
  }
}

/** A kubeconfig that cannot be used: missing, unreadable, not a kubeconfig, without the context asked for, or asking for what is not supported. */
export class KubeconfigError extends ClusterError {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/**
 * The API server answered a request with an error (a non-2xx status): its
 * message reads like kubectl's, `Error from server (<reason>): <message>`.
 */
export class ApiStatusError extends ClusterError {
  constructor(
    /** The HTTP status code. */
    public readonly code: number,
    /** The `reason` of the API `Status` (`NotFound`, `Conflict`, `Invalid`…), else the HTTP status text. */
    public readonly reason: string,
    /** The `message` of the API `Status`, else the body's text. */
    public readonly detail: string,
  ) {
    super(`Error from server (${reason}): ${detail}`);
    this.name = 'ApiStatusError';
  }
}
