import { Construct } from 'constructs';
import { assertObjectName } from '../../core/names';
import { checkProps, describeValue } from '../../core/prop-schema';
import { ValidationError } from '../../core/validation-error';
import type { GatewayProps } from '../gateway';
import type { GatewayModel, IGatewayRenderer, IGatewayRendering } from '../gateway-renderer';
import { gatewayApiRenderingPropsSchema } from '../gateway-schemas';
import { GatewayApiRenderer } from './gateway-api-renderer';

/** Props of `GatewayRendering.gatewayApi()`. */
export interface GatewayApiRenderingProps {
  /**
   * The GatewayClass that runs the gateway.
   * @default 'istio'
   */
  readonly gatewayClassName?: string;
}

const PROPS = 'GatewayRendering.gatewayApi props';

/** The Kubernetes Gateway API for a gateway (see {@link GatewayApiRenderer}). */
export class GatewayApiRendering implements IGatewayRendering {
  /**
   * The Gateway API rendering of a gateway given no rendering or
   * `rendering: GatewayRendering.GATEWAY_API`, and the deprecated top-level props.
   *
   * @throws ValidationError for an istioSelector, which only Istio uses
   */
  public static fromDeprecatedProps(props: Pick<GatewayProps, 'gatewayClassName' | 'istioSelector'>, scope: Construct): GatewayApiRendering {
    if (props.istioSelector !== undefined) {
      throw new ValidationError(
        `istioSelector ${describeValue(props.istioSelector)} binds an Istio Gateway, which the Gateway API rendering does not make; ` +
          'drop it or render with GatewayRendering.istio({ selector })',
        scope,
      );
    }
    return new GatewayApiRendering({ gatewayClassName: props.gatewayClassName }, 'gatewayClassName');
  }

  public readonly kind = 'gateway-api';

  /**
   * @param props the rendering's props
   * @param classNamePath where the class name was given, for errors
   */
  constructor(private readonly props: GatewayApiRenderingProps, private readonly classNamePath = `${PROPS} gatewayClassName`) {}

  /** @throws ValidationError for a wrong prop or a class name that is not an object name */
  public render(gateway: Construct & GatewayModel): IGatewayRenderer {
    checkProps(gatewayApiRenderingPropsSchema, this.props, gateway, { prefix: PROPS, name: PROPS });
    const gatewayClassName = this.props.gatewayClassName ?? 'istio';
    assertObjectName(this.classNamePath, gatewayClassName, gateway);
    return new GatewayApiRenderer(gateway, gatewayClassName);
  }

  /** The API's name, as tests and messages print it. */
  public toString(): string {
    return this.kind;
  }
}
