import { Construct } from 'constructs';
import { checkProps, describeValue } from '../../core/prop-schema';
import { ValidationError } from '../../core/validation-error';
import type { GatewayProps } from '../gateway';
import type { GatewayModel, IGatewayRenderer, IGatewayRendering } from '../gateway-renderer';
import { istioGatewayRenderingPropsSchema } from '../gateway-schemas';
import { IstioGatewayRenderer } from './istio-gateway-renderer';

/** Props of `GatewayRendering.istio()`. */
export interface IstioGatewayRenderingProps {
  /**
   * Labels of the Istio ingress gateway pods the Istio Gateway binds to. The
   * pods must run in the gateway's namespace: Istio reads TLS Secrets from
   * the namespace of its gateway pods.
   * @default { istio: 'ingressgateway' }
   */
  readonly selector?: Readonly<Record<string, string>>;
}

const PROPS = 'GatewayRendering.istio props';

/** Istio's own API for a gateway (see {@link IstioGatewayRenderer}). */
export class IstioGatewayRendering implements IGatewayRendering {
  /**
   * The Istio rendering of a gateway given `rendering: GatewayRendering.ISTIO`
   * and the deprecated top-level props.
   *
   * @throws ValidationError for a gatewayClassName, which only the Gateway API uses
   */
  public static fromDeprecatedProps(props: Pick<GatewayProps, 'gatewayClassName' | 'istioSelector'>, scope: Construct): IstioGatewayRendering {
    if (props.gatewayClassName !== undefined) {
      throw new ValidationError(
        `gatewayClassName ${describeValue(props.gatewayClassName)} selects a Gateway API class, which the Istio rendering does not use; ` +
          'drop it or render with GatewayRendering.gatewayApi({ gatewayClassName })',
        scope,
      );
    }
    return new IstioGatewayRendering({ selector: props.istioSelector }, 'istioSelector');
  }

  public readonly kind = 'istio';

  /**
   * @param props the rendering's props
   * @param selectorPath where the selector was given, for errors
   */
  constructor(private readonly props: IstioGatewayRenderingProps, private readonly selectorPath = `${PROPS} selector`) {}

  /** @throws ValidationError for a wrong prop or an empty selector */
  public render(gateway: Construct & GatewayModel): IGatewayRenderer {
    checkProps(istioGatewayRenderingPropsSchema, this.props, gateway, { prefix: PROPS, name: PROPS });
    const selector = this.props.selector ?? { istio: 'ingressgateway' };
    if (Object.keys(selector).length === 0) {
      throw new ValidationError(`${this.selectorPath} is empty, so the Istio Gateway would bind to every gateway pod; give it the pods' labels`, gateway);
    }
    return new IstioGatewayRenderer(gateway, selector);
  }

  /** The API's name, as tests and messages print it. */
  public toString(): string {
    return this.kind;
  }
}
