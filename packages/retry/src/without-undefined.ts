/**
 * Drops `undefined` values so that spreading options over defaults keeps the defaults
 * (`{ ...DEFAULTS, ...withoutUndefined(options) }`: the one place defaults are applied).
 *
 * @internal
 */
export function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
