import { ApiObject } from 'cdk8s';
import { emitObject } from '../core/emit-object';
import { LabelKeys } from '../core/labels';
import { ValidationError } from '../core/validation-error';
import type { Microservice } from './microservice';
import type { Revision } from './revision';

/** The construct id of a revision's Service under its Revision. */
const REVISION_SERVICE_ID = 'Service';

/**
 * The Service that selects the pods of one revision only, named after the
 * revision (`<service>-<revision id>`, like its Deployment): the backend of a
 * weighted split wherever weights go to Services (Gateway API backendRefs, an
 * Istio gateway's destinations, Linkerd's HTTPRoutes). Made once per
 * revision, under the Revision, so every user of it gets the same object. A
 * revision object: labelled with the revision id, never updated, retired with
 * its revision; same ports as the stable Service, targeting the container
 * ports by name.
 *
 * @throws ValidationError when `revision` is not a live revision of `service`
 *   or the service exposes no ports
 * @internal
 */
export function revisionService(service: Microservice, revision: Revision): ApiObject {
  if (!service.revisions.includes(revision)) {
    throw new ValidationError(
      `revision '${revision.node.path}' is not a live revision of ${service.serviceName}; use one listed in ${service.serviceName}.revisions`,
      service,
    );
  }
  if (service.ports.length === 0) {
    throw new ValidationError(`${service.serviceName} exposes no ports, so its revisions cannot have Services; add ports to it`, service);
  }
  const existing = revision.node.tryFindChild(REVISION_SERVICE_ID);
  if (existing !== undefined) {
    return existing as ApiObject;
  }
  return emitObject(revision, REVISION_SERVICE_ID, {
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
