import * as kitErrors from '@kit/errors';
import { isKitError, KitError } from '@kit/errors';

/**
 * Bridges to @kit/errors helpers that are being added in parallel (`classifyError`, `headerValue`,
 * `parseRetryAfter`): the real ones are used as soon as @kit/errors exports them; the small
 * fallbacks below only keep this package working until then.
 *
 * @internal
 */
const lookup = kitErrors as unknown as Record<string, unknown>;

/** Headers as kit sees them: a fetch `Headers`, or a plain (e.g. axios or node:http) record. */
export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | number | readonly string[] | undefined | null>>;

/** Any thrown value as a KitError (`classifyError` from @kit/errors). @internal */
export function toKitError(error: unknown): KitError {
  if (isKitError(error)) return error;
  const classify = lookup.classifyError;
  if (typeof classify === 'function') return (classify as (e: unknown) => KitError)(error);
  return new KitError('internal.unexpected', { cause: error });
}

/** One header's value, case-insensitive; arrays joined with `, `. @internal */
export function readHeader(headers: HeadersLike | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  const shared = lookup.headerValue;
  if (typeof shared === 'function') {
    const value = (shared as (h: unknown, n: string) => string | undefined | null)(headers, name);
    return value ?? undefined;
  }
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined || value === null) continue;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }
  return undefined;
}

/** How long `Retry-After` (or `retry-after-ms`) asks to wait, in ms. @internal */
export function readRetryAfter(headers: HeadersLike | undefined, nowMs: number): number | undefined {
  const shared = lookup.parseRetryAfter;
  if (typeof shared === 'function') {
    return (shared as (h: unknown, now: number) => number | undefined)(headers, nowMs) ?? undefined;
  }
  const ms = readHeader(headers, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));
  const value = readHeader(headers, 'retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
