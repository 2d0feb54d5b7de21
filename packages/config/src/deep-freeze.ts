import type { Secret } from '@kit/logger';

/** A deeply read-only view of a config value (Secrets stay Secrets). */
export type FrozenConfig<T> = T extends Secret | ((...args: never[]) => unknown)
  ? T
  : T extends readonly (infer Item)[]
    ? readonly FrozenConfig<Item>[]
    : T extends object
      ? { readonly [K in keyof T]: FrozenConfig<T[K]> }
      : T;

/** Freezes a value and everything reachable from it (objects and arrays), guarding against cycles. */
export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): FrozenConfig<T> {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value as FrozenConfig<T>;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  }
  return Object.freeze(value) as FrozenConfig<T>;
}
