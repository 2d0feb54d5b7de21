/**
 * Hints longer than this are treated as garbage and ignored (7 days: Binance's longest IP ban is
 * 3 days, so real bans still come through; callers decide separately how long they will wait).
 */
export const MAX_RETRY_HINT_MS = 7 * 24 * 60 * 60 * 1000;

/** A header's text as a finite decimal number, or undefined (no units, no trailing garbage). */
export function finiteNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/** A wait in whole milliseconds, or undefined when negative, not finite or beyond {@link MAX_RETRY_HINT_MS}. */
export function bounded(ms: number | undefined): number | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > MAX_RETRY_HINT_MS) return undefined;
  return Math.ceil(ms);
}
