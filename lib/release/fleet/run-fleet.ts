import { Fleet, FleetCluster, FleetWave } from './fleet-file';

/** How a cluster of a fleet ended: `done`, `failed` (its deploy or rollback failed), or `untouched` (the fleet stopped before its wave). */
export type FleetClusterResult = 'done' | 'failed' | 'untouched';

/** One cluster's outcome. */
export interface FleetClusterOutcome {
  readonly wave: string;
  readonly cluster: string;
  readonly result: FleetClusterResult;
}

/** How a fleet release ended. */
export interface FleetOutcome {
  /** `done` when every cluster is; `stopped` when a cluster failed (later waves untouched). */
  readonly result: 'done' | 'stopped';
  /** Every cluster, in fleet order. */
  readonly clusters: readonly FleetClusterOutcome[];
}

/**
 * Releases to a fleet wave by wave: the clusters of a wave at once; the next
 * wave only when every cluster of this one succeeded. A failed cluster stops
 * the fleet once its wave has ended: the clusters of later waves are never
 * touched.
 *
 * @param release the release of one cluster: true when it succeeded
 * @param onWave hears each wave before it starts
 */
export async function runFleet(
  fleet: Fleet,
  release: (cluster: FleetCluster, wave: FleetWave) => Promise<boolean>,
  onWave: (wave: FleetWave, index: number) => void = () => undefined,
): Promise<FleetOutcome> {
  const clusters: FleetClusterOutcome[] = [];
  let stopped = false;
  for (const [index, wave] of fleet.waves.entries()) {
    if (stopped) {
      clusters.push(...wave.clusters.map((c) => ({ wave: wave.name, cluster: c.name, result: 'untouched' as const })));
      continue;
    }
    onWave(wave, index);
    const passed = await Promise.all(wave.clusters.map((cluster) => release(cluster, wave)));
    clusters.push(...wave.clusters.map((c, i) => ({ wave: wave.name, cluster: c.name, result: passed[i] ? 'done' as const : 'failed' as const })));
    stopped = passed.includes(false);
  }
  return { result: stopped ? 'stopped' : 'done', clusters };
}
