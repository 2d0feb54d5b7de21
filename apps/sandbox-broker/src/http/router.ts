import type { RestRoute } from './route-types';

/** A route found for a request. */
export interface RouteMatch {
  readonly route: RestRoute;
  /** `METHOD /path/:param`, the name faults and the ledger use. */
  readonly label: string;
  readonly param: string;
}

/** The outcome of a lookup: a match, a known path with another method, or nothing. */
export type RouteLookup =
  | { readonly kind: 'match'; readonly match: RouteMatch }
  | { readonly kind: 'method_not_allowed'; readonly allow: string }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'bad_param' };

interface MethodTable {
  readonly prefix: string;
  readonly byMethod: Map<string, { route: RestRoute; label: string }>;
}

function addTo(table: MethodTable, route: RestRoute): void {
  table.byMethod.set(route.method, { route, label: `${route.method} ${route.path}` });
}

function pick(table: MethodTable, method: string, param: string): RouteLookup {
  const entry = table.byMethod.get(method);
  if (entry === undefined)
    return { kind: 'method_not_allowed', allow: [...table.byMethod.keys()].join(', ') };
  return { kind: 'match', match: { route: entry.route, label: entry.label, param } };
}

/**
 * Routes compiled once: static paths in a map, `prefix/:param` routes by prefix, longest first
 * (so `/v1/orders/by-client-id/:x` wins over `/v1/orders/:id`). No regex on the hot path.
 */
export class Router {
  readonly #static = new Map<string, MethodTable>();
  readonly #prefixed: MethodTable[] = [];

  constructor(routes: readonly RestRoute[]) {
    for (const route of routes) {
      const colon = route.path.indexOf('/:');
      if (colon < 0) {
        let table = this.#static.get(route.path);
        if (table === undefined) {
          table = { prefix: route.path, byMethod: new Map() };
          this.#static.set(route.path, table);
        }
        addTo(table, route);
        continue;
      }
      const prefix = route.path.slice(0, colon + 1);
      let table = this.#prefixed.find((t) => t.prefix === prefix);
      if (table === undefined) {
        table = { prefix, byMethod: new Map() };
        this.#prefixed.push(table);
      }
      addTo(table, route);
    }
    this.#prefixed.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** Finds the route for `method` and `path` (no query string). */
  lookup(method: string, path: string): RouteLookup {
    const table = this.#static.get(path);
    if (table !== undefined) return pick(table, method, '');
    for (const candidate of this.#prefixed) {
      if (!path.startsWith(candidate.prefix)) continue;
      const raw = path.slice(candidate.prefix.length);
      if (raw.length === 0 || raw.includes('/')) continue;
      let param = raw;
      if (raw.includes('%')) {
        try {
          param = decodeURIComponent(raw);
        } catch {
          return { kind: 'bad_param' };
        }
      }
      return pick(candidate, method, param);
    }
    return { kind: 'not_found' };
  }
}
