import { bounded, finiteNumber } from './header-number';
import { type HeadersLike, headerValue } from './header-value';

/** What one rate-limit header set says about one server-side window. */
export interface RateLimitObservation {
  /** Which header convention it came from. */
  readonly source: 'x-ratelimit' | 'draft-06' | 'draft-07' | 'draft-current' | 'used-weight';
  /** The quota of the window, when stated. */
  readonly limit?: number;
  /** Weight left in the window. */
  readonly remaining: number;
  /** Milliseconds until the window resets, when stated. */
  readonly resetMs?: number;
  /** The window length in milliseconds, when stated (`w=` or a used-weight header's mapping). */
  readonly windowMs?: number;
  /** The policy name (current draft), when stated. */
  readonly policy?: string;
}

/** Options for {@link parseRateLimitHeaders}. */
export interface ParseRateLimitHeadersOptions {
  /** Now, in epoch milliseconds (to turn epoch resets into delays). @default Date.now() */
  nowMs?: number;
  /**
   * Used-weight headers (Binance's `X-MBX-USED-WEIGHT-1M`): header name -> `{ limit, intervalMs }`
   * of the window it counts. @default {}
   */
  usedWeightHeaders?: Readonly<Record<string, { readonly limit: number; readonly intervalMs: number }>>;
}

const num = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?)/.exec(value);
  return match ? Number(match[1]) : undefined;
};

const EPOCH_SECONDS_THRESHOLD = 1e9;
const EPOCH_MS_THRESHOLD = 1e12;

/**
 * A reset header's value in ms from `nowMs`: epoch ms, epoch seconds or delta seconds, told apart
 * by magnitude (servers use all three under the same names). A repeated header arrives joined
 * (`5, 5`): the first value counts.
 */
function parseResetValue(text: string | undefined, nowMs: number): number | undefined {
  const value = finiteNumber(text?.split(',')[0]);
  if (value === undefined || value < 0) return undefined;
  if (value > EPOCH_MS_THRESHOLD) return bounded(Math.max(0, value - nowMs));
  if (value > EPOCH_SECONDS_THRESHOLD) return bounded(Math.max(0, value * 1000 - nowMs));
  return bounded(value * 1000);
}

const resetDelay = (value: string | undefined, nowMs: number): number | undefined =>
  parseResetValue(value, nowMs);

/** Splits a structured-field list on commas outside quoted strings. */
function splitList(value: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of value) {
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      items.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim() !== '') items.push(current.trim());
  return items;
}

/** `"name";a=1;b=2` or `100;w=60` -> the bare item and its parameters. */
function parseItem(item: string): { value: string; params: Map<string, string> } {
  const [head = '', ...rest] = item.split(';').map((part) => part.trim());
  const params = new Map<string, string>();
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq > 0)
      params.set(
        part.slice(0, eq).trim().toLowerCase(),
        part
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, ''),
      );
  }
  return { value: head.replace(/^"|"$/g, ''), params };
}

function seconds(value: string | undefined): number | undefined {
  const n = num(value);
  return n === undefined ? undefined : Math.max(0, Math.ceil(n * 1000));
}

function withOptional<T extends object>(base: T, extra: Record<string, number | string | undefined>): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** One policy the IETF `RateLimit` field describes, as far as it states it. */
interface RateLimitFieldItem {
  readonly source: 'draft-07' | 'draft-current';
  readonly policy?: string;
  readonly remaining?: number;
  readonly limit?: number;
  readonly resetMs?: number;
  readonly windowMs?: number;
}

/**
 * The IETF `RateLimit` field, every form kit knows: draft -07's dictionary
 * (`limit=100, remaining=50, reset=5`, window from `RateLimit-Policy: 100;w=60`) or the current
 * draft's named-policy list (`"default";r=50;t=30` with `RateLimit-Policy: "default";q=100;w=60`).
 */
function parseRateLimitField(value: string, policyHeader: string | undefined): RateLimitFieldItem[] {
  if (/\b(?:remaining|reset)\s*=/i.test(value)) {
    const fields = new Map(
      splitList(value).map((part) => {
        const [k = '', v = ''] = part.split('=');
        return [k.trim().toLowerCase(), v.trim()] as const;
      }),
    );
    const policy = policyHeader === undefined ? undefined : parseItem(splitList(policyHeader)[0] ?? '');
    return [
      withOptional<RateLimitFieldItem>(
        { source: 'draft-07' },
        {
          remaining: num(fields.get('remaining')),
          limit: num(fields.get('limit')),
          resetMs: seconds(fields.get('reset')),
          windowMs: seconds(policy?.params.get('w')),
        },
      ),
    ];
  }
  const policies = new Map(
    splitList(policyHeader ?? '')
      .map(parseItem)
      .map((p) => [p.value, p.params] as const),
  );
  return splitList(value)
    .map(parseItem)
    .map((item) => {
      const policy = policies.get(item.value);
      return withOptional<RateLimitFieldItem>(
        { source: 'draft-current' },
        {
          policy: item.value,
          remaining: num(item.params.get('r')),
          resetMs: seconds(item.params.get('t')),
          limit: num(policy?.get('q')),
          windowMs: seconds(policy?.get('w')),
        },
      );
    });
}

/** The field's policies that state `remaining`, as observations. */
function fieldObservations(value: string, policyHeader: string | undefined): RateLimitObservation[] {
  return parseRateLimitField(value, policyHeader).filter(
    (item): item is RateLimitFieldItem & { remaining: number } => item.remaining !== undefined,
  );
}

/**
 * When the IETF `RateLimit` field says to come back: the longest reset among the exhausted
 * policies (`remaining` 0: all of them must have reset), else the shortest reset stated.
 */
function fieldResetMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const items = parseRateLimitField(value, undefined).filter((item) => item.resetMs !== undefined);
  const exhausted = items.filter((item) => item.remaining !== undefined && item.remaining <= 0);
  const resets = (exhausted.length > 0 ? exhausted : items).map((item) => item.resetMs as number);
  if (resets.length === 0) return undefined;
  return bounded(exhausted.length > 0 ? Math.max(...resets) : Math.min(...resets));
}

/**
 * Reads every rate-limit convention kit knows from response headers: `X-RateLimit-Limit/Remaining/Reset`
 * (reset as epoch seconds, epoch ms or delta seconds), the IETF drafts -06 (`RateLimit-Limit`,
 * `RateLimit-Remaining`, `RateLimit-Reset`), -07 (`RateLimit: limit=…, remaining=…, reset=…`) and
 * the current one (`RateLimit: "p";r=…;t=…` with `RateLimit-Policy: "p";q=…;w=…`), and configured
 * used-weight headers. `Retry-After` is not read here (see `parseRetryAfter`); reset values are read
 * with the same rules as `parseRateLimitReset`.
 *
 * @example
 * ```ts
 * parseRateLimitHeaders({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '5' });
 * // [{ source: 'x-ratelimit', remaining: 0, resetMs: 5000 }]
 * ```
 */
export function parseRateLimitHeaders(
  headers: HeadersLike | null | undefined,
  options: ParseRateLimitHeadersOptions = {},
): RateLimitObservation[] {
  const nowMs = options.nowMs ?? Date.now();
  const observations: RateLimitObservation[] = [];
  const xRemaining = num(headerValue(headers, 'x-ratelimit-remaining'));
  if (xRemaining !== undefined) {
    observations.push(
      withOptional<RateLimitObservation>(
        { source: 'x-ratelimit', remaining: xRemaining },
        {
          limit: num(headerValue(headers, 'x-ratelimit-limit')),
          resetMs: resetDelay(headerValue(headers, 'x-ratelimit-reset'), nowMs),
        },
      ),
    );
  }
  const draft06Remaining = num(headerValue(headers, 'ratelimit-remaining'));
  if (draft06Remaining !== undefined) {
    const limitHeader = headerValue(headers, 'ratelimit-limit');
    // `RateLimit-Limit: 100, 100;w=60`: the first item is the limit, later ones describe policies.
    const policy =
      limitHeader === undefined
        ? undefined
        : splitList(limitHeader)
            .map(parseItem)
            .find((p) => p.params.has('w'));
    observations.push(
      withOptional<RateLimitObservation>(
        { source: 'draft-06', remaining: draft06Remaining },
        {
          limit: num(limitHeader),
          resetMs: resetDelay(headerValue(headers, 'ratelimit-reset'), nowMs),
          windowMs: seconds(policy?.params.get('w')),
        },
      ),
    );
  }
  const field = headerValue(headers, 'ratelimit');
  if (field !== undefined)
    observations.push(...fieldObservations(field, headerValue(headers, 'ratelimit-policy')));
  for (const [name, window] of Object.entries(options.usedWeightHeaders ?? {})) {
    const used = num(headerValue(headers, name));
    if (used === undefined) continue;
    observations.push({
      source: 'used-weight',
      limit: window.limit,
      remaining: Math.max(0, window.limit - used),
      windowMs: window.intervalMs,
      // Binance-style weights reset on clock-aligned windows (each calendar minute).
      resetMs: window.intervalMs - (nowMs % window.intervalMs),
    });
  }
  return observations;
}

/**
 * Whether a legacy `X-RateLimit-*` observation and an IETF one describe the same window: the
 * same limit, or a limit only one of them states (servers that send both send the same numbers).
 */
function sameWindow(legacy: RateLimitObservation, ietf: RateLimitObservation): boolean {
  return legacy.limit === undefined || ietf.limit === undefined || legacy.limit === ietf.limit;
}

/**
 * How long until every exhausted window (`remaining <= 0`) has reset, in ms, or undefined when
 * none states a reset. Different windows: the latest reset. The same window described twice (a
 * legacy `X-RateLimit-Reset` beside an IETF `RateLimit` header): the IETF reset, which is a delta
 * in seconds, where the legacy one is usually an epoch second, rounded up to a whole second and
 * read against the server's clock.
 */
export function exhaustedResetMs(observations: readonly RateLimitObservation[]): number | undefined {
  let latest: number | undefined;
  for (const observation of observations) {
    if (observation.remaining > 0 || observation.resetMs === undefined) continue;
    if (
      observation.source === 'x-ratelimit' &&
      observations.some(
        (other) =>
          other.source !== 'x-ratelimit' &&
          other.source !== 'used-weight' &&
          other.remaining <= 0 &&
          other.resetMs !== undefined &&
          sameWindow(observation, other),
      )
    )
      continue;
    if (latest === undefined || observation.resetMs > latest) latest = observation.resetMs;
  }
  return latest;
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
  // X-RateLimit-Reset rounds to whole epoch seconds.
  return (
    parseResetValue(headerValue(headers, 'ratelimit-reset'), nowMs) ??
    fieldResetMs(headerValue(headers, 'ratelimit')) ??
    parseResetValue(headerValue(headers, 'x-ratelimit-reset'), nowMs)
  );
}
