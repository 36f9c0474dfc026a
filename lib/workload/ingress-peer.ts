import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { assertDnsLabel, DNS_LABEL_MAX_LENGTH } from '../core/names';

/**
 * A caller allowed to reach a service besides the services that declare it as
 * a dependency: a whole namespace (an ingress controller's or a gateway's), or
 * anywhere (a public entry point).
 */
export class IngressPeer {
  /** Any source, inside or outside the cluster. */
  public static anywhere(): IngressPeer {
    return new IngressPeer(undefined);
  }

  /** Every pod of one namespace, e.g. the namespace of the ingress gateway. */
  public static namespace(name: string): IngressPeer {
    return new IngressPeer(name);
  }

  private constructor(
    /** The namespace allowed, `undefined` for anywhere. */
    public readonly namespaceName: string | undefined,
  ) {}

  /** Whether this peer admits any source. */
  public get isAnywhere(): boolean {
    return this.namespaceName === undefined;
  }

  /**
   * The NetworkPolicy peer (not for {@link IngressPeer.anywhere}, which is a rule without peers).
   *
   * @throws ValidationError for a namespace name that is not a DNS label
   */
  public render(scope: IConstruct): k8s.NetworkPolicyPeer {
    assertDnsLabel('allowIngressFrom namespace', this.namespaceName ?? '', DNS_LABEL_MAX_LENGTH, scope);
    return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.namespaceName! } } };
  }
}
