/** A compiled route path pattern such as `/orders/:id`. */
export interface RoutePattern {
  /** The pattern as written. */
  readonly source: string;
  /** Returns the decoded `:params` when `path` matches, else undefined. */
  match(path: string): Record<string, string> | undefined;
}

/**
 * Compiles a path pattern: literal segments match exactly, `:name` matches one non-empty segment
 * (decoded with `decodeURIComponent`), and a trailing `*` matches the rest of the path.
 *
 * @example
 * ```ts
 * compileRoutePattern('/orders/:id').match('/orders/a%2Fb'); // { id: 'a/b' }
 * ```
 */
export function compileRoutePattern(source: string): RoutePattern {
  const names: string[] = [];
  const body = source
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const regex = new RegExp(`^${body}/?$`);
  return {
    source,
    match(path) {
      const found = regex.exec(path);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        const raw = found[index + 1] ?? '';
        try {
          params[name] = decodeURIComponent(raw);
        } catch {
          params[name] = raw;
        }
      });
      return params;
    },
  };
}
