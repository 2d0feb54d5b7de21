import { bounded, finiteNumber } from './header-number';
import { type HeadersLike, headerValue } from './header-value';
import { parseRateLimitReset } from './rate-limit-fields';

export { MAX_RETRY_HINT_MS } from './header-number';

/** `Retry-After`: delta-seconds or an HTTP-date (a date in the past means "now"). */
function parseRetryAfterValue(text: string | undefined, nowMs: number): number | undefined {
  if (text === undefined) return undefined;
  const seconds = finiteNumber(text);
  if (seconds !== undefined) return bounded(seconds * 1000);
  // Date.parse is lenient ("5, 5" parses as a date), so require an HTTP-date's month name and time.
  const date = /[a-z]{3}/i.test(text) && /\d{1,2}:\d{2}:\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isFinite(date)) return bounded(Math.max(0, date - nowMs));
  // A repeated header arrives joined ("5, 5"): use the first value.
  const first = finiteNumber(text.split(',')[0]);
  return first === undefined ? undefined : bounded(first * 1000);
}

/**
 * How long the server explicitly asked us to wait, in ms: `retry-after-ms` (Azure, OpenAI), then
 * `Retry-After` (delta-seconds or HTTP-date). Use this for any status; use {@link parseRetryAfter}
 * for 429s, where the rate-limit reset headers also count.
 */
export function parseExplicitRetryAfter(
  headers: HeadersLike | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  const ms = finiteNumber(headerValue(headers, 'retry-after-ms'));
  const fromMs = ms === undefined ? undefined : bounded(ms);
  return fromMs ?? parseRetryAfterValue(headerValue(headers, 'retry-after'), nowMs);
}

/**
 * How long to wait before retrying, in milliseconds, from the response headers: `retry-after-ms`,
 * `Retry-After` (delta-seconds or HTTP-date), then `RateLimit-Reset` and the IETF `RateLimit` field,
 * then the legacy `X-RateLimit-Reset` (epoch seconds, epoch ms or delta seconds). Negative, unparseable and
 * absurd (beyond {@link MAX_RETRY_HINT_MS}) values are ignored; `undefined` when there is no hint.
 *
 * @param nowMs - the current time, for HTTP-dates and epoch resets. @default Date.now()
 * @example
 * ```ts
 * parseRetryAfter({ 'Retry-After': '2' }); // 2000
 * parseRetryAfter({ 'x-ratelimit-reset': '1700000030' }, 1_700_000_000_000); // 30000
 * ```
 */
export function parseRetryAfter(
  headers: HeadersLike | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  return parseExplicitRetryAfter(headers, nowMs) ?? parseRateLimitReset(headers, nowMs);
}
