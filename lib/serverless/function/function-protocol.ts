/**
 * How Knative speaks to a function's container, which is also the name of
 * its one container port.
 *
 * @see https://knative.dev/docs/serving/services/http-protocol/
 */
export enum FunctionProtocol {
  /** HTTP/1.1 (and HTTP/2 with TLS negotiation upstream). */
  HTTP1 = 'http1',
  /** Cleartext HTTP/2, for gRPC and streaming functions. */
  H2C = 'h2c',
}
