import { createKeyMatcher } from './redact-keys';
import { createStringRedactor, type RedactStringOptions } from './redact-string';
import { isSecret } from './secret';
import { REDACTED } from './secret-registry';

/** Options for {@link redact} and {@link createRedactor}. */
export interface RedactOptions extends RedactStringOptions {
  /**
   * Nesting depth beyond which values are replaced by `[MaxDepth]`.
   * @default 10
   */
  maxDepth?: number;
  /**
   * Longest string kept; longer strings are cut (after redaction) and end in `…[truncated N chars]`.
   * @default 8192
   */
  maxStringLength?: number;
  /**
   * Most array (and Set, Map) entries kept; the rest are summarised as `[… N more]`.
   * @default 100
   */
  maxArrayLength?: number;
  /**
   * Most keys kept per object; the rest are summarised under a `…` key.
   * @default 200
   */
  maxKeys?: number;
}

/** The defaults {@link redact} applies. */
export const DEFAULT_REDACT_OPTIONS: Readonly<Required<RedactOptions>> = Object.freeze({
  keys: [],
  patterns: [],
  maxDepth: 10,
  maxStringLength: 8192,
  maxArrayLength: 100,
  maxKeys: 200,
});

/** Marks a value reached again through its own descendants. */
export const CIRCULAR = '[Circular]';
/** Marks a value whose property getter (or `toJSON`) threw. */
export const UNREADABLE = '[Unreadable]';
/** Marks a value deeper than `maxDepth`. */
export const MAX_DEPTH = '[MaxDepth]';

/** A compiled redactor: the options parsed and the key matcher built once. */
export interface Redactor {
  /** A deep, JSON-safe, redacted copy of `value`. */
  value(value: unknown): unknown;
  /** `text` with every credential masked (see {@link redactString}). */
  string(text: string): string;
}

type KeySensitivity = ReturnType<ReturnType<typeof createKeyMatcher>>;

function isError(value: object): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

function maskedByKey(kind: KeySensitivity, value: unknown): boolean {
  if (kind === 'none' || value === null || value === undefined) return false;
  if (kind === 'always') return true;
  return typeof value !== 'number' && typeof value !== 'boolean';
}

/** Builds a {@link Redactor}; the logger builds one per logger so each call does no set-up work. */
export function createRedactor(options: RedactOptions = {}): Redactor {
  // Field by field with `??`: a spread would let an explicit `undefined` replace a default.
  const settings: Required<RedactOptions> = {
    keys: options.keys ?? DEFAULT_REDACT_OPTIONS.keys,
    patterns: options.patterns ?? DEFAULT_REDACT_OPTIONS.patterns,
    maxDepth: options.maxDepth ?? DEFAULT_REDACT_OPTIONS.maxDepth,
    maxStringLength: options.maxStringLength ?? DEFAULT_REDACT_OPTIONS.maxStringLength,
    maxArrayLength: options.maxArrayLength ?? DEFAULT_REDACT_OPTIONS.maxArrayLength,
    maxKeys: options.maxKeys ?? DEFAULT_REDACT_OPTIONS.maxKeys,
  };
  const sensitivity = createKeyMatcher(settings.keys);
  const redactText = createStringRedactor(settings);
  // Per call (swapped in `value`), so a getter or toJSON that logs re-entrantly cannot corrupt it.
  let ancestors = new Set<object>();

  const string = (text: string): string => {
    const masked = redactText(text);
    if (masked.length <= settings.maxStringLength) return masked;
    return `${masked.slice(0, settings.maxStringLength)}…[truncated ${masked.length - settings.maxStringLength} chars]`;
  };

  const entry = (key: string, value: unknown, depth: number): unknown =>
    maskedByKey(sensitivity(key), value) ? REDACTED : walk(value, depth + 1);

  const entries = (
    pairs: ReadonlyArray<readonly [string, unknown]>,
    depth: number,
  ): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const kept = Math.min(pairs.length, settings.maxKeys);
    for (let i = 0; i < kept; i++) {
      const [key, value] = pairs[i] as readonly [string, unknown];
      out[key] = entry(key, value, depth);
    }
    if (pairs.length > kept) out['…'] = `${pairs.length - kept} more keys`;
    return out;
  };

  const ownEntries = (source: object, skip?: ReadonlySet<string>): Array<readonly [string, unknown]> => {
    const pairs: Array<readonly [string, unknown]> = [];
    for (const key of Object.keys(source)) {
      if (skip?.has(key)) continue;
      let value: unknown;
      try {
        value = (source as Record<string, unknown>)[key];
      } catch {
        value = UNREADABLE;
      }
      pairs.push([key, value]);
    }
    return pairs;
  };

  const list = (items: Iterable<unknown>, depth: number): unknown[] => {
    const out: unknown[] = [];
    let skipped = 0;
    for (const item of items) {
      if (out.length >= settings.maxArrayLength) skipped++;
      else out.push(walk(item, depth + 1));
    }
    if (skipped > 0) out.push(`[… ${skipped} more]`);
    return out;
  };

  const ERROR_FIELDS = new Set(['name', 'message', 'stack', 'cause']);

  const error = (source: Error, depth: number): Record<string, unknown> => {
    const read = (key: string): unknown => {
      try {
        return (source as unknown as Record<string, unknown>)[key];
      } catch {
        return UNREADABLE;
      }
    };
    const name = read('name');
    const message = read('message');
    const out: Record<string, unknown> = {
      name: typeof name === 'string' ? string(name) : 'Error',
      message: typeof message === 'string' ? string(message) : walk(message, depth + 1),
      ...entries(ownEntries(source, ERROR_FIELDS), depth),
    };
    const errors = read('errors');
    if (Array.isArray(errors) && !('errors' in out)) out.errors = list(errors, depth);
    const stack = read('stack');
    if (typeof stack === 'string') out.stack = string(stack);
    const cause = read('cause');
    if (cause !== undefined) out.cause = walk(cause, depth + 1);
    return out;
  };

  const object = (source: object, depth: number): unknown => {
    if (isSecret(source)) return REDACTED;
    if (source instanceof Date) return Number.isNaN(source.getTime()) ? 'Invalid Date' : source.toISOString();
    if (source instanceof RegExp) return String(source);
    if (typeof URL !== 'undefined' && source instanceof URL) return string(source.href);
    if (ArrayBuffer.isView(source)) return `[${source.constructor.name}(${source.byteLength} bytes)]`;
    if (source instanceof ArrayBuffer) return `[ArrayBuffer(${source.byteLength} bytes)]`;
    if (ancestors.has(source)) return CIRCULAR;
    if (depth > settings.maxDepth) return MAX_DEPTH;
    ancestors.add(source);
    try {
      if (isError(source)) return error(source, depth);
      if (Array.isArray(source)) return list(source, depth);
      if (source instanceof Set) return list(source, depth);
      if (source instanceof Map) {
        const pairs: Array<readonly [string, unknown]> = [];
        for (const [key, value] of source) {
          pairs.push([typeof key === 'object' && key !== null ? '[object]' : String(key), value]);
        }
        return entries(pairs, depth);
      }
      const toJSON = (source as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        const json: unknown = toJSON.call(source);
        if (json !== source) return walk(json, depth + 1);
      }
      return entries(ownEntries(source), depth);
    } catch {
      return UNREADABLE;
    } finally {
      ancestors.delete(source);
    }
  };

  const walk = (value: unknown, depth: number): unknown => {
    switch (typeof value) {
      case 'string':
        return string(value);
      case 'number':
      case 'boolean':
      case 'undefined':
        return value;
      case 'bigint':
        return value.toString();
      case 'symbol':
        return value.toString();
      case 'function':
        return `[Function${value.name ? `: ${value.name}` : ''}]`;
      default:
        return value === null ? null : object(value as object, depth);
    }
  };

  return {
    value: (value) => {
      const outer = ancestors;
      ancestors = new Set();
      try {
        return walk(value, 0);
      } finally {
        ancestors = outer;
      }
    },
    string,
  };
}

const defaultRedactor = createRedactor();

/**
 * A deep, JSON-safe copy of `value` with every credential masked as `[REDACTED]`:
 * - by key, case-insensitively with `-`/`_`/`.` ignored: {@link DEFAULT_REDACTED_KEYS} (any value
 *   but `null`/`undefined`) and keys containing a {@link DEFAULT_REDACTED_KEY_FRAGMENTS} entry
 *   (strings, objects and arrays; numbers and booleans are kept), plus `options.keys`;
 * - `Secret` instances anywhere;
 * - inside every string, as {@link redactString} does.
 *
 * Objects, arrays, Maps (to objects), Sets (to arrays) and Errors (name, message, own enumerable
 * fields, stack, cause chain) are copied; Dates become ISO strings. Circular references become
 * `[Circular]`, throwing getters `[Unreadable]`; depth, string, array and key counts are bounded.
 * It never throws.
 *
 * @example
 * ```ts
 * redact({ headers: { Authorization: 'Bearer abc' }, url: '/v1?apiKey=k1' });
 * // { headers: { Authorization: '[REDACTED]' }, url: '/v1?apiKey=[REDACTED]' }
 * ```
 */
export function redact(value: unknown, options?: RedactOptions): unknown {
  return (options === undefined ? defaultRedactor : createRedactor(options)).value(value);
}
