import { type HeadersLike, headerValue, parseRateLimitReset } from '@kit/errors';

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

/** One reset header's value in ms from now (epoch ms, epoch seconds or delta seconds): @kit/errors' rule. */
function resetDelay(name: string, value: string | undefined, nowMs: number): number | undefined {
  return value === undefined ? undefined : parseRateLimitReset({ [name]: value }, nowMs);
}

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

/** IETF `RateLimit` header: draft -07 dictionary form, or the current draft's named-policy list. */
function parseRateLimitField(value: string, policyHeader: string | undefined): RateLimitObservation[] {
  if (/\bremaining\s*=/i.test(value)) {
    // draft -07: `RateLimit: limit=100, remaining=50, reset=5` (+ `RateLimit-Policy: 100;w=60`)
    const fields = new Map(
      splitList(value).map((part) => {
        const [k = '', v = ''] = part.split('=');
        return [k.trim().toLowerCase(), v.trim()] as const;
      }),
    );
    const remaining = num(fields.get('remaining'));
    if (remaining === undefined) return [];
    const policy = policyHeader === undefined ? undefined : parseItem(splitList(policyHeader)[0] ?? '');
    return [
      withOptional<RateLimitObservation>(
        { source: 'draft-07', remaining },
        {
          limit: num(fields.get('limit')),
          resetMs: seconds(fields.get('reset')),
          windowMs: seconds(policy?.params.get('w')),
        },
      ),
    ];
  }
  // current draft: `RateLimit: "default";r=50;t=30` + `RateLimit-Policy: "default";q=100;w=60`
  const policies = new Map(
    splitList(policyHeader ?? '')
      .map(parseItem)
      .map((p) => [p.value, p.params] as const),
  );
  const observations: RateLimitObservation[] = [];
  for (const item of splitList(value).map(parseItem)) {
    const remaining = num(item.params.get('r'));
    if (remaining === undefined) continue;
    const policy = policies.get(item.value);
    observations.push(
      withOptional<RateLimitObservation>(
        { source: 'draft-current', remaining },
        {
          policy: item.value,
          resetMs: seconds(item.params.get('t')),
          limit: num(policy?.get('q')),
          windowMs: seconds(policy?.get('w')),
        },
      ),
    );
  }
  return observations;
}

/**
 * Reads every rate-limit convention kit knows from response headers: `X-RateLimit-Limit/Remaining/Reset`
 * (reset as epoch seconds, epoch ms or delta seconds), the IETF drafts -06 (`RateLimit-Limit`,
 * `RateLimit-Remaining`, `RateLimit-Reset`), -07 (`RateLimit: limit=…, remaining=…, reset=…`) and
 * the current one (`RateLimit: "p";r=…;t=…` with `RateLimit-Policy: "p";q=…;w=…`), and configured
 * used-weight headers. `Retry-After` is not read here (see @kit/errors' `parseRetryAfter`), and reset
 * values are read with @kit/errors' `parseRateLimitReset` rules.
 *
 * @example
 * ```ts
 * parseRateLimitHeaders({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '5' });
 * // [{ source: 'x-ratelimit', remaining: 0, resetMs: 5000 }]
 * ```
 */
export function parseRateLimitHeaders(
  headers: HeadersLike | undefined,
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
          resetMs: resetDelay('x-ratelimit-reset', headerValue(headers, 'x-ratelimit-reset'), nowMs),
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
          resetMs: resetDelay('ratelimit-reset', headerValue(headers, 'ratelimit-reset'), nowMs),
          windowMs: seconds(policy?.params.get('w')),
        },
      ),
    );
  }
  const field = headerValue(headers, 'ratelimit');
  if (field !== undefined)
    observations.push(...parseRateLimitField(field, headerValue(headers, 'ratelimit-policy')));
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
 *
 * @internal
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
