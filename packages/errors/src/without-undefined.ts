/**
 * `options` without its `undefined` fields, so `{ ...DEFAULTS, ...withoutUndefined(options) }`
 * keeps a default wherever the caller passed `undefined` (a plain spread would let the `undefined`
 * replace it). An absent `options` gives `{}`.
 *
 * @example
 * ```ts
 * const settings = { ...DEFAULT_OPTIONS, ...withoutUndefined(options) };
 * ```
 */
export function withoutUndefined<T extends object>(options: T | undefined): Partial<T> {
  if (options === undefined || options === null) return {};
  const out: Partial<T> = {};
  for (const key of Object.keys(options) as Array<keyof T>) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}
