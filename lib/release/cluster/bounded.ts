/**
 * Runs `work` on every item with at most `limit` running at once; the
 * results in the items' order.
 */
export async function runBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The first wait between two polls of a gate, in ms. */
export const FIRST_POLL_MS = 100;

/**
 * The waits between polls: `first` ms, doubling up to `most` ms: a check that
 * passes soon is seen soon, one that takes long is not polled hard.
 */
export function* pollIntervals(first: number, most: number): Generator<number, never> {
  for (let interval = Math.min(first, most); ; interval = Math.min(interval * 2, most)) {
    yield interval;
  }
}
