/**
 * The number of single-character edits (insert, delete, replace, swap of two
 * neighbours) that turn `a` into `b`.
 */
export function editDistance(a: string, b: string): number {
  // rows of the optimal-string-alignment table: two before, one before, this one
  let older: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, older[j - 2] + 1);
      }
      current.push(best);
    }
    older = previous;
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known name `name` is most likely a typo of: the same but for case, the
 * nearest within a few edits (1 for short names, 2 from 5 characters on), or
 * one it is the start of (`gatewayClass` for `gatewayClassName`).
 *
 * @returns the name, or `undefined` when none is close
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const sameButCase = known.find((k) => k.toLowerCase() === name.toLowerCase());
  if (sameButCase !== undefined) {
    return sameButCase;
  }
  const allowed = name.length >= 5 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const lower = name.toLowerCase();
  return best ?? (name.length >= 4 ? known.find((k) => k.toLowerCase().startsWith(lower)) : undefined);
}
