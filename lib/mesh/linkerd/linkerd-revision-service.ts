import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { LabelKeys } from '../../core/labels';
import type { Microservice } from '../../workload/microservice';
import type { Revision } from '../../workload/revision';

/** Props of {@link LinkerdRevisionService}. */
export interface LinkerdRevisionServiceProps {
  /** The service the revision belongs to. */
  readonly service: Microservice;
  /** The revision the Service selects. */
  readonly revision: Revision;
}

/**
 * A Service that selects the pods of one revision only, named after the
 * revision (`<service>-<revision id>`, like its Deployment): the backend an
 * HTTPRoute splits traffic to, since Linkerd's weighted backends are
 * Services. It is a revision object (labelled with the revision id, never
 * updated, retired with its revision): same ports as the stable Service,
 * targeting the container ports by name.
 *
 * @see https://linkerd.io/2/features/traffic-split/
 */
export class LinkerdRevisionService extends Construct {
  /** The Service; its name is the revision's object name. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: LinkerdRevisionServiceProps) {
    super(scope, id);
    const { service, revision } = props;
    this.resource = emitObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: revision.name,
        namespace: service.namespace,
        labels: { ...service.labels, [LabelKeys.REVISION]: revision.revisionId },
      },
      spec: {
        type: 'ClusterIP',
        selector: { [LabelKeys.NAME]: service.serviceName, [LabelKeys.REVISION]: revision.revisionId },
        ports: service.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.protocol })),
      },
    });
  }
}
