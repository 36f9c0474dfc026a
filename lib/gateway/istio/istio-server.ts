import { Listener, ListenerProtocol, listenerHosts } from '../listener';

/** The Istio Gateway server of a listener. */
export function istioServer(listener: Listener): Record<string, unknown> {
  return {
    name: listener.name,
    port: { number: listener.port, name: listener.name, protocol: istioProtocol(listener) },
    hosts: listenerHosts(listener).map((host) => `./${host}`),
    tls: listener.redirectToHttps
      ? { httpsRedirect: true }
      : listener.secretName === undefined ? undefined : { mode: 'SIMPLE', credentialName: listener.secretName },
  };
}

/** HTTPS for anything over TLS (gRPC included, by ALPN), GRPC for plaintext gRPC. */
export function istioProtocol(listener: Listener): string {
  if (listener.secretName !== undefined) {
    return 'HTTPS';
  }
  return listener.protocol === ListenerProtocol.GRPC ? 'GRPC' : 'HTTP';
}
