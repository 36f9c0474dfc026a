import { RouteBackend } from '../traffic/route-backend';
import type { Microservice } from '../workload/microservice';
import { IGatewayBackend } from './backend-target';
import { ExternalBackend, ExternalBackendProps } from './external-backend';
import { MicroserviceBackend, ServiceBackendOptions } from './service-backend';

/** The backends a gateway route can send to. */
export class GatewayBackend {
  /**
   * A microservice's stable Service: every live revision of it, as its own
   * Service balances them.
   */
  public static service(service: Microservice, options: ServiceBackendOptions = {}): IGatewayBackend {
    return new MicroserviceBackend(service, undefined, options);
  }

  /**
   * A weighted split across live revisions of a microservice (a canary at
   * the edge): each revision gets a Service of its own, named after it, and
   * its share of the requests. Weights are proportional: 90 and 10, or 9 and
   * 1, mean the same.
   */
  public static revisions(service: Microservice, backends: readonly RouteBackend[], options: ServiceBackendOptions = {}): IGatewayBackend {
    return new MicroserviceBackend(service, backends, options);
  }

  /** A service reached by DNS name through an `ExternalName` Service. */
  public static external(props: ExternalBackendProps): IGatewayBackend {
    return new ExternalBackend(props);
  }

  private constructor() {}
}
