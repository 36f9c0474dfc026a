import { Chart } from 'cdk8s';
import { IngressPeer, Manifest, MicroserviceProps } from '../../../../lib';
import { findObject, synthObjects } from '../../../../lib/testing';
import { digestImage } from '../../../fixtures';

/** The namespace Knative Eventing's delivering pods run in by default. */
export const EVENTING = IngressPeer.namespace('knative-eventing');

/** A web service on port 80 (container 8080) that admits Knative Eventing's pods; `seed` (a hex digit) varies its image digest. */
export function receiver(seed: string, props: Partial<MicroserviceProps> = {}): MicroserviceProps {
  return { image: digestImage('ghcr.io/acme/app', seed), ports: [{ port: 80, containerPort: 8080 }], allowIngressFrom: [EVENTING], ...props };
}

/** The one object of a kind and name in a synth of `chart`. */
export function objectOf(chart: Chart, kind: string, name: string): Manifest {
  return findObject(synthObjects(chart), { kind, name });
}

/** The spec of the one object of a kind and name. */
export function specOf(chart: Chart, kind: string, name: string): any {
  return objectOf(chart, kind, name).spec;
}
