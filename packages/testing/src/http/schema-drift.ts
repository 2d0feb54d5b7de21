/**
 * How a response's JSON drifts from what clients expect. Paths are dotted (`order.price`); a segment
 * that meets an array applies to every element, so `items.price` edits each item and `price` edits
 * each element of a top-level array.
 */
export interface SchemaDrift {
  /** Renames fields: `{ 'price': 'px' }` moves `price` to `px`. */
  rename?: Record<string, string>;
  /** Adds (or overwrites) fields: `{ 'venueFlag': true }`. */
  add?: Record<string, unknown>;
  /** Removes fields by path. */
  remove?: string[];
  /** Replaces a field's value with one of another type: `{ 'price': '12.5' }`. */
  retype?: Record<string, unknown>;
}

type Edit = (parent: Record<string, unknown>, key: string) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function editAt(value: unknown, segments: readonly string[], edit: Edit): void {
  if (Array.isArray(value)) {
    for (const element of value) editAt(element, segments, edit);
    return;
  }
  if (!isRecord(value) || segments.length === 0) return;
  const [head, ...rest] = segments as [string, ...string[]];
  if (rest.length === 0) {
    edit(value, head);
    return;
  }
  if (Object.hasOwn(value, head)) editAt(value[head], rest, edit);
}

/**
 * Applies a drift to a deep copy of `json` (the input is never changed). Order: remove, rename,
 * retype, add.
 *
 * @example
 * ```ts
 * applySchemaDrift({ id: 1, price: 2 }, { rename: { price: 'px' } }); // { id: 1, px: 2 }
 * ```
 */
export function applySchemaDrift(json: unknown, drift: SchemaDrift): unknown {
  const copy: unknown = json === undefined ? undefined : structuredClone(json);
  for (const path of drift.remove ?? []) {
    editAt(copy, path.split('.'), (parent, key) => {
      delete parent[key];
    });
  }
  for (const [path, to] of Object.entries(drift.rename ?? {})) {
    editAt(copy, path.split('.'), (parent, key) => {
      if (!Object.hasOwn(parent, key)) return;
      parent[to] = parent[key];
      delete parent[key];
    });
  }
  for (const [path, replacement] of Object.entries(drift.retype ?? {})) {
    editAt(copy, path.split('.'), (parent, key) => {
      if (Object.hasOwn(parent, key)) parent[key] = replacement;
    });
  }
  for (const [path, added] of Object.entries(drift.add ?? {})) {
    editAt(copy, path.split('.'), (parent, key) => {
      parent[key] = added;
    });
  }
  return copy;
}
