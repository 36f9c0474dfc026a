/** The cert-manager issuer that signs a listener's certificate. */
export class CertificateIssuer {
  /** A namespaced `Issuer`, in the gateway's namespace. */
  public static issuer(name: string): CertificateIssuer {
    return new CertificateIssuer('Issuer', name);
  }

  /** A cluster-wide `ClusterIssuer`, e.g. a Let's Encrypt ACME issuer. */
  public static clusterIssuer(name: string): CertificateIssuer {
    return new CertificateIssuer('ClusterIssuer', name);
  }

  private constructor(
    /** `Issuer` or `ClusterIssuer`. */
    public readonly kind: 'Issuer' | 'ClusterIssuer',
    /** The issuer's name. */
    public readonly name: string,
  ) {}
}

/**
 * Where a TLS listener's certificate comes from: a cert-manager
 * `Certificate` the gateway makes for the listener's hostnames, or a TLS
 * Secret that exists already. Either way the Secret is in the gateway's
 * namespace (Istio reads it from the namespace of its gateway pods).
 */
export class ListenerTls {
  /**
   * A cert-manager `Certificate` for the listener's hostnames (wildcards
   * included), signed by `issuer`; cert-manager keeps it renewed in the Secret
   * `<gateway>-<listener>-tls`.
   *
   * @see https://cert-manager.io/docs/usage/certificate/
   */
  public static fromCertManager(issuer: CertificateIssuer): ListenerTls {
    return new ListenerTls(issuer, undefined);
  }

  /** A `kubernetes.io/tls` Secret in the gateway's namespace, managed elsewhere. */
  public static fromSecret(secretName: string): ListenerTls {
    return new ListenerTls(undefined, secretName);
  }

  private constructor(
    /** The issuer of a cert-manager certificate, `undefined` for an existing Secret. */
    public readonly issuer: CertificateIssuer | undefined,
    /** The existing Secret's name, `undefined` for a cert-manager certificate. */
    public readonly secretName: string | undefined,
  ) {}
}
