import { HttpMatch, MatchType } from '../../traffic/http-match';
import type { Route } from '../../traffic/route';

/** Two routes Linkerd can evaluate in another order than declared. */
export interface PrecedenceConflict {
  /** The route declared first. */
  readonly earlier: Route;
  /** The route declared later that Linkerd can prefer. */
  readonly later: Route;
  /** The later route's match that wins. */
  readonly laterMatch: HttpMatch;
  /** The earlier route's match that loses. */
  readonly earlierMatch: HttpMatch;
}

/**
 * How Linkerd picks a rule, which is not the order the rules are written in.
 * For every rule, the proxy scores the best of its matches that the request
 * meets, and takes the rule with the highest score; equal scores go to the
 * earlier rule of the HTTPRoute. A score compares, in this order:
 * 1. the matched path length: an exact path its length, a prefix its length
 *    without the trailing '/' ('/' counts 1, as does a match without path),
 *    a regular expression the length of the whole request path;
 * 2. the number of header conditions;
 * 3. the number of query parameter conditions;
 * 4. whether a method is required.
 *
 * Returns the pairs of routes Linkerd can evaluate in another order than
 * declared: a later route whose match scores higher than an earlier route's
 * match on some request that both accept. Conservative where a regular
 * expression makes that undecidable: a possible conflict counts.
 *
 * @see https://github.com/linkerd/linkerd2-proxy/blob/main/linkerd/http/route/src/http/match.rs
 * @see https://github.com/linkerd/linkerd2-proxy/blob/main/linkerd/http/route/src/lib.rs
 */
export function precedenceConflicts(routes: readonly Route[]): PrecedenceConflict[] {
  const conflicts: PrecedenceConflict[] = [];
  routes.forEach((earlier, i) => {
    for (const later of routes.slice(i + 1)) {
      const conflict = firstConflict(earlier, later);
      if (conflict !== undefined) {
        conflicts.push(conflict);
      }
    }
  });
  return conflicts;
}

function firstConflict(earlier: Route, later: Route): PrecedenceConflict | undefined {
  for (const earlierMatch of matchesOf(earlier)) {
    for (const laterMatch of matchesOf(later)) {
      if (mayOverlap(earlierMatch, laterMatch) && laterCanWin(earlierMatch, laterMatch)) {
        return { earlier, later, earlierMatch, laterMatch };
      }
    }
  }
  return undefined;
}

/** A catch-all route is one match without conditions (Linkerd: prefix '/'). */
function matchesOf(route: Route): readonly HttpMatch[] {
  return route.isCatchAll ? [{}] : route.matches;
}

/** The path condition, with "no path" as Linkerd reads it: prefix '/'. */
interface PathCondition {
  readonly type: MatchType;
  readonly value: string;
}

function pathOf(match: HttpMatch): PathCondition {
  return match.path ?? { type: MatchType.PREFIX, value: '/' };
}

/** A prefix without its trailing '/', '' for the root. */
function trimPrefix(prefix: string): string {
  return prefix.replace(/\/+$/, '');
}

/** The score of a fixed (non-regex) path: what Linkerd counts. */
function fixedLength(path: PathCondition): number {
  if (path.type === MatchType.EXACT) {
    return path.value.length;
  }
  const trimmed = trimPrefix(path.value);
  return trimmed === '' ? 1 : trimmed.length;
}

/** The rest of the score after the path: headers, query parameters, method. */
function restScore(match: HttpMatch): number[] {
  return [(match.headers ?? []).length, (match.queryParams ?? []).length, match.method === undefined ? 0 : 1];
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return a[i] - b[i];
    }
  }
  return 0;
}

/** Whether some request both matches accept can score higher on `later`. */
function laterCanWin(earlier: HttpMatch, later: HttpMatch): boolean {
  const rest = compareScores(restScore(earlier), restScore(later));
  const p = pathOf(earlier);
  const q = pathOf(later);
  const earlierRegex = p.type === MatchType.REGEX;
  const laterRegex = q.type === MatchType.REGEX;
  if (!earlierRegex && !laterRegex) {
    const byPath = fixedLength(p) - fixedLength(q);
    return byPath < 0 || (byPath === 0 && rest < 0);
  }
  if (earlierRegex && laterRegex) {
    // both score the length of the same request path
    return rest < 0;
  }
  if (earlierRegex) {
    // the regex scores the whole request path, never less than what the later
    // fixed path scores; equal only when the request path is that path itself
    if (q.type === MatchType.EXACT) {
      return rest < 0;
    }
    const root = trimPrefix(q.value) === '' ? '/' : trimPrefix(q.value);
    return rest < 0 && fullMatch(p.value, root);
  }
  // the later regex scores the whole request path
  if (p.type === MatchType.EXACT) {
    return rest < 0;
  }
  // longer request paths under the earlier prefix score higher on the regex
  return true;
}

/** Whether one request can meet both matches (false only when provably not). */
function mayOverlap(a: HttpMatch, b: HttpMatch): boolean {
  if (a.method !== undefined && b.method !== undefined && a.method !== b.method) {
    return false;
  }
  if (!valuesMayOverlap(a.headers ?? [], b.headers ?? []) || !valuesMayOverlap(a.queryParams ?? [], b.queryParams ?? [])) {
    return false;
  }
  return pathsMayOverlap(pathOf(a), pathOf(b));
}

interface ValueCondition {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

function valuesMayOverlap(a: readonly ValueCondition[], b: readonly ValueCondition[]): boolean {
  for (const x of a) {
    for (const y of b.filter((c) => c.name === x.name)) {
      if (x.type === MatchType.EXACT && y.type === MatchType.EXACT && x.value !== y.value) {
        return false;
      }
      if (x.type === MatchType.EXACT && y.type === MatchType.REGEX && !fullMatch(y.value, x.value)) {
        return false;
      }
      if (x.type === MatchType.REGEX && y.type === MatchType.EXACT && !fullMatch(x.value, y.value)) {
        return false;
      }
    }
  }
  return true;
}

function pathsMayOverlap(a: PathCondition, b: PathCondition): boolean {
  if (a.type === MatchType.REGEX || b.type === MatchType.REGEX) {
    const [regex, other] = a.type === MatchType.REGEX ? [a, b] : [b, a];
    if (other.type === MatchType.EXACT) {
      return fullMatch(regex.value, other.value);
    }
    const literal = literalPrefix(regex.value);
    if (other.type === MatchType.REGEX) {
      const otherLiteral = literalPrefix(other.value);
      return literal.startsWith(otherLiteral) || otherLiteral.startsWith(literal);
    }
    const prefix = trimPrefix(other.value);
    return literal.length <= prefix.length ? prefix.startsWith(literal) : underPrefix(literal, prefix) || literal.startsWith(`${prefix}/`);
  }
  if (a.type === MatchType.EXACT && b.type === MatchType.EXACT) {
    return a.value === b.value;
  }
  if (a.type === MatchType.EXACT) {
    return underPrefix(a.value, trimPrefix(b.value));
  }
  if (b.type === MatchType.EXACT) {
    return underPrefix(b.value, trimPrefix(a.value));
  }
  const x = trimPrefix(a.value);
  const y = trimPrefix(b.value);
  return underPrefix(x === '' ? '/' : x, y) || underPrefix(y === '' ? '/' : y, x);
}

/** Whether `path` is `prefix` or below it, segment-wise ('' is the root). */
function underPrefix(path: string, prefix: string): boolean {
  if (prefix === '') {
    return true;
  }
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === prefix || trimmed.startsWith(`${prefix}/`);
}

/** The characters every string the (anchored) expression matches starts with. */
function literalPrefix(pattern: string): string {
  const body = pattern.startsWith('^') ? pattern.slice(1) : pattern;
  if (/^\(\?/.test(body) || hasTopLevelAlternation(body)) {
    return '';
  }
  const run = /^[^\\^$.|?*+()[\]{}]*/.exec(body)![0];
  const next = body.charAt(run.length);
  // a quantifier after the run applies to its last character, which is then optional
  return '?*{'.includes(next) && next !== '' ? run.slice(0, -1) : run;
}

/** Whether the expression has a '|' outside every group and class (`/a|/b`). */
function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      inClass = c !== ']';
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === '|' && depth === 0) {
      return true;
    }
  }
  return false;
}

/**
 * Whether the whole of `value` matches the RE2 expression, approximated with
 * JavaScript's engine; an expression it cannot read counts as a match.
 */
function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return true;
  }
}
