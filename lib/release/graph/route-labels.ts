import { Fields, formatPercent, listOf } from './dist-objects';

/**
 * What a Gateway API or Linkerd rule matches, short: `GET /inventory`,
 * `end-user=jason`, `shop.cart.v1.Cart`; alternatives joined by ` | `.
 * A rule that matches every request (no match, or the path prefix `/`) gives ''.
 */
export function gatewayApiMatchLabel(rule: Fields): string {
  const labels = listOf(rule.matches).map((match) => {
    const parts: string[] = [];
    if (typeof match.method === 'string') {
      parts.push(match.method);
    } else if (typeof match.method?.service === 'string') {
      parts.push(match.method.method === undefined ? match.method.service : `${match.method.service}/${match.method.method}`);
    }
    const path = match.path as Fields | undefined;
    if (path?.value !== undefined && !((path.type ?? 'PathPrefix') === 'PathPrefix' && path.value === '/')) {
      parts.push(path.type === 'RegularExpression' ? `~${path.value}` : path.value);
    }
    for (const header of listOf(match.headers)) {
      parts.push(`${header.name}${header.type === 'RegularExpression' ? '~' : '='}${header.value}`);
    }
    for (const param of listOf(match.queryParams)) {
      parts.push(`?${param.name}${param.type === 'RegularExpression' ? '~' : '='}${param.value}`);
    }
    return parts.join(' ');
  });
  return joinAlternatives(labels);
}

/**
 * What an Istio HTTP route matches, short: `/api/orders` (an exact path and
 * the same prefix with a slash read as one), `end-user=jason`; alternatives
 * joined by ` | `; '' for every request.
 */
export function istioMatchLabel(route: Fields): string {
  const labels = listOf(route.match).map((match) => {
    const parts: string[] = [];
    if (match.method !== undefined) {
      parts.push(stringMatch(match.method, ''));
    }
    if (match.uri !== undefined) {
      const uri = stringMatch(match.uri, '');
      parts.push(uri.length > 1 && uri.endsWith('/') ? uri.slice(0, -1) : uri);
    }
    for (const [name, value] of Object.entries((match.headers ?? {}) as Fields)) {
      parts.push(stringMatch(value, name));
    }
    for (const [name, value] of Object.entries((match.queryParams ?? {}) as Fields)) {
      parts.push(`?${stringMatch(value, name)}`);
    }
    return parts.filter((p) => p !== '' && p !== '/').join(' ');
  });
  return joinAlternatives(labels);
}

/**
 * What Consul ServiceRouter routes match (a route has one match; routes to
 * the same destination are alternatives), short and as {@link istioMatchLabel}
 * writes it: `/api` (an exact path and the same prefix with a slash read as
 * one), `GET`, `x-tester=yes`, `?q~regex`, `!name` for an inverted match;
 * alternatives joined by ` | `; '' for every request.
 */
export function consulMatchLabel(routes: readonly Fields[]): string {
  const labels = routes.map((route) => {
    const http: Fields = route.match?.http ?? {};
    const parts: string[] = [];
    if (Array.isArray(http.methods) && http.methods.length > 0) {
      parts.push(http.methods.join(','));
    }
    if (typeof http.pathExact === 'string') {
      parts.push(http.pathExact);
    } else if (typeof http.pathPrefix === 'string') {
      parts.push(http.pathPrefix.length > 1 && http.pathPrefix.endsWith('/') ? http.pathPrefix.slice(0, -1) : http.pathPrefix);
    } else if (typeof http.pathRegex === 'string') {
      parts.push(`~${http.pathRegex}`);
    }
    parts.push(...listOf(http.header).map((header) => consulStringMatch(header)));
    parts.push(...listOf(http.queryParam).map((param) => `?${consulStringMatch(param)}`));
    return parts.filter((p) => p !== '' && p !== '/').join(' ');
  });
  return joinAlternatives(labels);
}

/** A Consul header or query match as `name=value` (`name~regex`, `name=prefix*`, `name=*suffix`, `name` when present), `!` first when inverted. */
function consulStringMatch(match: Fields): string {
  const not = match.invert === true ? '!' : '';
  if (match.exact !== undefined) {
    return `${not}${match.name}=${match.exact}`;
  }
  if (match.prefix !== undefined) {
    return `${not}${match.name}=${match.prefix}*`;
  }
  if (match.suffix !== undefined) {
    return `${not}${match.name}=*${match.suffix}`;
  }
  if (match.regex !== undefined) {
    return `${not}${match.name}~${match.regex}`;
  }
  return `${not}${match.name}`;
}

/** An Istio StringMatch as `name=value` (`name~regex`, `name=prefix*`), or the bare value without a name. */
function stringMatch(match: Fields, name: string): string {
  const eq = name === '' ? '' : `${name}=`;
  if (match.exact !== undefined) {
    return `${eq}${match.exact}`;
  }
  if (match.prefix !== undefined) {
    return name === '' ? match.prefix : `${eq}${match.prefix}*`;
  }
  return `${name}~${match.regex}`;
}

function joinAlternatives(labels: readonly string[]): string {
  return labels.some((l) => l === '') ? '' : [...new Set(labels)].join(' | ');
}

/**
 * The label of an edge to one backend of a rule: the rule's match, and the
 * backend's share when the rule splits between several backends.
 */
export function backendLabel(match: string, share: number, backends: number): string | undefined {
  const parts = [match, backends > 1 ? formatPercent(share) : ''].filter((p) => p !== '');
  return parts.length === 0 ? undefined : parts.join(' ');
}
