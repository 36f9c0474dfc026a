/**
 * `kubectl get <kind> --watch` as a record of what the API server did, in
 * order: the GitOps tests read from it which object changed first (etcd's
 * resourceVersion orders every object of the cluster).
 */
import { readFileSync } from 'fs';
import { LocalProcess, startLocalProcess } from './local-process';

/** One event of `kubectl get --watch --output-watch-events -o json`. */
export interface WatchEvent {
  readonly type: string;
  readonly object: Record<string, any>;
}

/**
 * Starts watching every object of `kind` in `namespace` from now on, each event
 * written to `log`. kubectl keeps its discovery cache in `home` (without a
 * HOME it would write `.kube/` into the working directory).
 */
export function startWatch(kubectl: string, kind: string, namespace: string, home: string, log: string): LocalProcess {
  const args = ['get', kind, '-n', namespace, '--watch', '--output-watch-events', '-o', 'json'];
  return startLocalProcess(`watch-${kind}`, kubectl, args, { KUBECONFIG: process.env.KUBECONFIG!, HOME: home }, log);
}

/** The events a watch has seen so far, in order. */
export const watchEvents = (watcher: LocalProcess): WatchEvent[] =>
  readFileSync(watcher.log, 'utf8').split(/\n(?=\{)/).filter((text) => text.trim() !== '').map((text) => JSON.parse(text) as WatchEvent);

/** The resourceVersion (an etcd revision: one order for every object) of the first event that matches, if any. */
export function firstVersion(watcher: LocalProcess, matches: (event: WatchEvent) => boolean): number | undefined {
  const event = watchEvents(watcher).find(matches);
  return event === undefined ? undefined : Number(event.object.metadata.resourceVersion);
}

/** A Deployment's event once it is Available. */
export const available = (deployment: string) => (e: WatchEvent) =>
  e.object.metadata.name === deployment && (e.object.status?.conditions ?? []).some((c: any) => c.type === 'Available' && c.status === 'True');
/** A Service's event once it selects the pods of `revision`. */
export const routedTo = (service: string, revision: string) => (e: WatchEvent) =>
  e.object.metadata.name === service && e.object.spec?.selector?.['immutable-infra.dev/revision'] === revision;
/** The event of the object's deletion. */
export const deleted = (name: string) => (e: WatchEvent) => e.type === 'DELETED' && e.object.metadata.name === name;
/** The event of the object's creation. */
export const created = (name: string) => (e: WatchEvent) => e.type === 'ADDED' && e.object.metadata.name === name;
