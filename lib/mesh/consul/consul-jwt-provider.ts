import { contentHash } from '../../core/content-hash';
import { contentAddressedName } from '../../core/names';
import type { JwtIssuer } from '../../traffic/end-user-auth';

/**
 * The CA bundle the proxy checks a remote JWKS server's certificate against:
 * the one of consul-dataplane's default image (distroless Debian). Without a
 * trusted CA, Consul's JWKS cluster would accept any certificate.
 *
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/jwt-provider#jsonwebkeyset-remote-jwkscluster-tlscertificates
 */
const JWKS_TRUSTED_CA_FILE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * The name of the JWTProvider of an issuer, the same for every service that
 * accepts its tokens: the issuer's host, readable, and a hash of the whole
 * issuer URL (`jwt-auth-example-com-<hash>`), a DNS label.
 *
 * @internal
 */
export function consulJwtProviderName(issuer: string): string {
  const host = new URL(issuer).hostname.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return contentAddressedName(`jwt-${host}`, contentHash(issuer));
}

/**
 * An issuer as the spec of a Consul JWTProvider (one config entry per issuer
 * for the whole datacenter):
 * - the issuer and audiences as `issuer` and `audiences`;
 * - `jwksUri` as `jsonWebKeySet.remote` fetched with SNI and its server's
 *   certificate checked against {@link JWKS_TRUSTED_CA_FILE}; inline `jwks`
 *   as `jsonWebKeySet.local.jwks`, which Consul reads base64-encoded;
 * - the token locations as `locations` (a header with its `valuePrefix`, a
 *   cookie, a query parameter); none given leaves Envoy's defaults, as
 *   Istio does (`Authorization: Bearer`, then `access_token`). The header
 *   is not forwarded to the workload, as in Istio.
 * Claims copied into headers have no field here (refused in consul-capabilities).
 *
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/jwt-provider
 * @internal
 */
export function consulJwtProviderSpec(issuer: JwtIssuer): Record<string, unknown> {
  const locations = [
    ...(issuer.fromHeaders ?? []).map((h) => ({ header: { name: h.name, valuePrefix: h.prefix } })),
    ...(issuer.fromCookies ?? []).map((name) => ({ cookie: { name } })),
    ...(issuer.fromParams ?? []).map((name) => ({ queryParam: { name } })),
  ];
  return {
    issuer: issuer.issuer,
    jsonWebKeySet: issuer.jwksUri !== undefined
      ? { remote: { uri: issuer.jwksUri, useSNI: true, jwksCluster: { tlsCertificates: { trustedCA: { filename: JWKS_TRUSTED_CA_FILE } } } } }
      : { local: { jwks: Buffer.from(issuer.jwks!, 'utf8').toString('base64') } },
    audiences: [...issuer.audiences],
    locations: locations.length > 0 ? locations : undefined,
  };
}
