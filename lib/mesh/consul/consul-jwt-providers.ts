import { Construct, IConstruct } from 'constructs';
import { canonicalJson } from '../../core/content-hash';
import { emitObject } from '../../core/emit-object';
import type { ServiceRoutes } from '../../traffic/service-routes';
import { ConsulApi } from './consul-api';
import { consulJwtProviderName, consulJwtProviderSpec } from './consul-jwt-provider';

/** The JWTProvider an app wrote for an issuer, and the service whose table wrote it. */
interface WrittenProvider {
  readonly spec: Record<string, unknown>;
  readonly serviceName: string;
}

/**
 * The JWTProviders of a Consul mesh: Consul has one `jwt-provider` config
 * entry per name for the whole datacenter, so each issuer an app's services
 * accept gets one JWTProvider (named by {@link consulJwtProviderName}),
 * written with the first routing table that names it, in that table's
 * namespace. A later table naming the issuer with other settings (keys,
 * audiences, token locations) is refused at synth, naming both services.
 *
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/jwt-provider
 * @internal
 */
export class ConsulJwtProviders {
  /** The providers written, by app (root of the construct tree), by issuer. */
  private readonly written = new WeakMap<IConstruct, Map<string, WrittenProvider>>();

  /** Writes the JWTProvider of each issuer of the table not written yet in its app, under `scope`. */
  public bind(scope: Construct, routes: ServiceRoutes): void {
    const auth = routes.authentication;
    if (auth === undefined) {
      return;
    }
    let providers = this.written.get(scope.node.root);
    if (providers === undefined) {
      providers = new Map();
      this.written.set(scope.node.root, providers);
    }
    const serviceName = routes.service.serviceName;
    for (const issuer of auth.issuers) {
      const spec = consulJwtProviderSpec(issuer);
      const name = consulJwtProviderName(issuer.issuer);
      const first = providers.get(issuer.issuer);
      if (first === undefined) {
        providers.set(issuer.issuer, { spec, serviceName });
        emitObject(scope, `JwtProvider-${name}`, {
          apiVersion: ConsulApi.V1ALPHA1,
          kind: 'JWTProvider',
          metadata: { name, namespace: routes.service.namespace! },
          spec,
        });
      } else if (canonicalJson(first.spec) !== canonicalJson(spec)) {
        const fields = Object.keys({ ...first.spec, ...spec }).filter((k) => canonicalJson(first.spec[k]) !== canonicalJson(spec[k])).sort();
        scope.node.addValidation({
          validate: () => [
            `authentication of ${serviceName} accepts issuer '${issuer.issuer}' with other ${fields.join(', ')} than ${first.serviceName} ` +
              `does, which consul cannot express: it keeps one JWTProvider per issuer for the datacenter (${name}); give both ` +
              'services the same keys, audiences and token locations for the issuer',
          ],
        });
      }
    }
  }
}
