import { type HeadersLike, headerValue } from './header-value';

/**
 * Hints longer than this are treated as garbage and ignored (7 days: Binance's longest IP ban is
 * 3 days, so real bans still come through; callers decide separately how long they will wait).
 */
export const MAX_RETRY_HINT_MS = 7 * 24 * 60 * 60 * 1000;

const EPOCH_SECONDS_THRESHOLD = 1e9;
const EPOCH_MS_THRESHOLD = 1e12;

function finiteNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

function bounded(ms: number | undefined): number | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > MAX_RETRY_HINT_MS) return undefined;
  return Math.ceil(ms);
}

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

/** A reset value that may be epoch ms, epoch seconds or delta seconds, told apart by magnitude. */
function parseResetValue(text: string | undefined, nowMs: number): number | undefined {
  const value = finiteNumber(text?.split(',')[0]);
  if (value === undefined || value < 0) return undefined;
  if (value > EPOCH_MS_THRESHOLD) return bounded(Math.max(0, value - nowMs));
  if (value > EPOCH_SECONDS_THRESHOLD) return bounded(Math.max(0, value * 1000 - nowMs));
  return bounded(value * 1000);
}

/**
 * The IETF `RateLimit` field. Draft 7 form `limit=100, remaining=0, reset=30`; draft 8+ structured
 * list `"default";r=0;t=30, "burst";r=5;t=1`. With several policies, the longest reset among the
 * exhausted ones (`r=0`) wins; if none is exhausted, the shortest reset.
 */
function parseRateLimitField(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const legacy = /(?:^|[,;\s])reset\s*=\s*(\d+(?:\.\d+)?)/i.exec(text);
  if (legacy) return bounded(Number(legacy[1]) * 1000);
  const exhausted: number[] = [];
  const all: number[] = [];
  for (const item of text.split(',')) {
    const t = /;\s*t\s*=\s*(\d+(?:\.\d+)?)/i.exec(item);
    if (!t) continue;
    const seconds = Number(t[1]);
    all.push(seconds);
    if (/;\s*r\s*=\s*0(?:\D|$)/i.test(item)) exhausted.push(seconds);
  }
  if (exhausted.length > 0) return bounded(Math.max(...exhausted) * 1000);
  if (all.length > 0) return bounded(Math.min(...all) * 1000);
  return undefined;
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
 * When the current rate-limit window resets, in ms from `nowMs`, from `RateLimit-Reset`, the IETF
 * `RateLimit` field, or else the legacy `X-RateLimit-Reset` (epoch ms, epoch seconds or delta
 * seconds, told apart by magnitude): the IETF values win when both are present.
 */
export function parseRateLimitReset(
  headers: HeadersLike | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  // The IETF values first: a delta (often fractional) for the same window a legacy
  // X-RateLimit-Reset rounds to whole epoch seconds, as @kit/retry's limiter already prefers.
  return (
    parseResetValue(headerValue(headers, 'ratelimit-reset'), nowMs) ??
    parseRateLimitField(headerValue(headers, 'ratelimit')) ??
    parseResetValue(headerValue(headers, 'x-ratelimit-reset'), nowMs)
  );
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
