import { Construct } from 'constructs';
import { assertDnsLabel, assertObjectName } from '../../core/names';
import { checkProps } from '../../core/prop-schema';
import type { GatewayModel, IGatewayRenderer, IGatewayRendering } from '../gateway-renderer';
import { ingressRenderingPropsSchema } from '../gateway-schemas';
import { IngressRenderer } from './ingress-renderer';

/** Props of `GatewayRendering.ingress()`. */
export interface IngressRenderingProps {
  /**
   * The IngressClass whose controller serves the Ingress, e.g. `nginx`.
   * @default - none: the cluster's default IngressClass
   */
  readonly ingressClassName?: string;
  /**
   * The namespace the ingress controller's pods run in: routed microservices
   * must admit it (`allowIngressFrom: [IngressPeer.namespace(…)]`), since
   * those pods, not the gateway's namespace, open the connections.
   * @default 'ingress-nginx'
   */
  readonly controllerNamespace?: string;
}

const PROPS = 'GatewayRendering.ingress props';
const NAMESPACE_MAX_LENGTH = 63;

/** The Kubernetes Ingress (`networking.k8s.io/v1`) for a gateway (see {@link IngressRenderer}). */
export class IngressRendering implements IGatewayRendering {
  public readonly kind = 'ingress';

  constructor(private readonly props: IngressRenderingProps) {}

  /** @throws ValidationError for a wrong prop, a class name that is not an object name, or a namespace that is not a DNS label */
  public render(gateway: Construct & GatewayModel): IGatewayRenderer {
    checkProps(ingressRenderingPropsSchema, this.props, gateway, { prefix: PROPS, name: PROPS });
    const { ingressClassName, controllerNamespace = 'ingress-nginx' } = this.props;
    if (ingressClassName !== undefined) {
      assertObjectName(`${PROPS} ingressClassName`, ingressClassName, gateway);
    }
    assertDnsLabel(`${PROPS} controllerNamespace`, controllerNamespace, NAMESPACE_MAX_LENGTH, gateway);
    return new IngressRenderer(gateway, ingressClassName, controllerNamespace);
  }

  /** The API's name, as tests and messages print it. */
  public toString(): string {
    return this.kind;
  }
}
