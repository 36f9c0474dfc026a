import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../core/emit-object';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { BackendTarget } from './backend-target';
import { RouteKind } from './listener';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** The most targets a ReferenceGrant lists. */
const MAX_REFERENCES = 16;

/**
 * The ReferenceGrant in one namespace that lets the routes of another
 * namespace send to some of its Services: `<from namespace>-gateway-routes`,
 * made once per pair of namespaces in the chart that deploys the Services,
 * listing each Service and route kind that needs it (gathered until synth).
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/referencegrant/
 */
export class ReferenceGrant extends Construct {
  /**
   * Lets the routes (of `routeKind`) in `fromNamespace` send to `target`'s
   * Service, making the grant in the target's namespace when it is the first.
   */
  public static allow(target: BackendTarget, fromNamespace: string, routeKind: RouteKind): void {
    const chart = Chart.of(target.home);
    const id = `ReferenceGrant-${target.namespace}-from-${fromNamespace}`;
    const grant = (chart.node.tryFindChild(id) as ReferenceGrant | undefined) ?? new ReferenceGrant(chart, id, target.namespace, fromNamespace);
    grant.kinds.add(routeKind);
    grant.serviceNames.add(target.serviceName);
  }

  /** The ReferenceGrant object (the escape hatch). */
  public readonly apiObject: ApiObject;

  private readonly kinds = new Set<RouteKind>();
  private readonly serviceNames = new Set<string>();

  private constructor(scope: Construct, id: string, namespace: string, fromNamespace: string) {
    super(scope, id);
    this.node.addValidation({
      validate: () => (this.serviceNames.size > MAX_REFERENCES
        ? [`routes in namespace '${fromNamespace}' send to ${this.serviceNames.size} Services in namespace '${namespace}', ` +
            `more than the ${MAX_REFERENCES} one ReferenceGrant can list; route to fewer Services there (e.g. fewer revisions at once)`]
        : []),
    });
    this.apiObject = emitObject(this, 'Resource', {
      apiVersion: `${GATEWAY_GROUP}/v1beta1`,
      kind: 'ReferenceGrant',
      metadata: { name: `${fromNamespace}-gateway-routes`, namespace, labels: { [LabelKeys.MANAGED_BY]: MANAGED_BY } },
      spec: {
        from: Lazy.any({ produce: () => [...this.kinds].sort().map((kind) => ({ group: GATEWAY_GROUP, kind, namespace: fromNamespace })) }),
        to: Lazy.any({ produce: () => [...this.serviceNames].sort().map((name) => ({ group: '', kind: 'Service', name })) }),
      },
    });
  }
}
