import { Listener, ListenerProtocol, listenerHosts } from '../listener';

/** The Istio Gateway server of a listener. */
export function istioServer(listener: Listener): Record<string, unknown> {
  return {
    name: listener.name,
    port: { number: listener.port, name: listener.name, protocol: istioProtocol(listener) },
    hosts: listenerHosts(listener).map((host) => `./${host}`),
    tls: listener.redirectToHttps
      ? { httpsRedirect: true }
      : listener.protocol === ListenerProtocol.TLS_PASSTHROUGH
        ? { mode: 'PASSTHROUGH' }
        : listener.secretName === undefined ? undefined : { mode: 'SIMPLE', credentialName: listener.secretName },
  };
}

/** HTTPS for anything terminating TLS (gRPC included, by ALPN), GRPC for plaintext gRPC, TCP and TLS as they are. */
export function istioProtocol(listener: Listener): string {
  if (listener.protocol === ListenerProtocol.TCP || listener.protocol === ListenerProtocol.TLS_PASSTHROUGH) {
    return listener.protocol;
  }
  if (listener.secretName !== undefined) {
    return 'HTTPS';
  }
  return listener.protocol === ListenerProtocol.GRPC ? 'GRPC' : 'HTTP';
}
