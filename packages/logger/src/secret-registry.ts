const REDACT_HOOK = Symbol.for('kit.redact');
const REGISTRY = Symbol.for('kit.secret-registry');

/** The mask printed in place of anything secret. */
export const REDACTED = '[REDACTED]';

/**
 * Shortest value registered for masking by value. Shorter strings ("1", "true") would mask
 * ordinary text everywhere; such secrets are still redacted by key.
 */
export const MIN_SECRET_LENGTH = 4;

interface Registry {
  values: Set<string>;
  pattern: RegExp | undefined;
}

/** One registry per process, shared by every copy of @kit/logger (duplicate installs included). */
function registry(): Registry {
  const holder = globalThis as Record<symbol, Registry | undefined>;
  let current = holder[REGISTRY];
  if (!current) {
    current = { values: new Set(), pattern: undefined };
    holder[REGISTRY] = current;
  }
  return current;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Registers a value to be masked wherever it appears in log output, error messages and
 * `KitError.toJSON()`. Called by `new Secret()`; call it by hand for values you hold as plain strings.
 */
export function registerSecretValue(value: string): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  const current = registry();
  if (current.values.has(value)) return;
  current.values.add(value);
  // Longest first, so a secret that contains another is masked whole.
  const sorted = [...current.values].sort((a, b) => b.length - a.length).map(escapeRegExp);
  current.pattern = new RegExp(sorted.join('|'), 'g');
  (globalThis as Record<symbol, unknown>)[REDACT_HOOK] = redactSecretValues;
}

/**
 * How long a transient secret (see {@link registerTransientSecret}) stays registered, in
 * milliseconds: longer than a call can take at kit's defaults (a 60 s deadline), so an error made
 * late in a call is still masked.
 */
export const TRANSIENT_SECRET_RETENTION_MS = 300_000;

/**
 * Most transient secrets held at once (the oldest go first beyond it): about 3 MB at most, and five
 * minutes' worth up to ~55 signed requests per second (over a minute up to ~270 per second).
 */
export const MAX_TRANSIENT_SECRETS = 16_384;

/**
 * Index key of the first {@link MIN_SECRET_LENGTH} characters of `text` at `at`: exact for ASCII
 * (7 bits a character), small-integer arithmetic only; other characters may collide, which costs a
 * comparison, never a wrong mask.
 */
function prefixKey(text: string, at: number): number {
  return (
    ((text.charCodeAt(at) << 21) ^
      (text.charCodeAt(at + 1) << 14) ^
      (text.charCodeAt(at + 2) << 7) ^
      text.charCodeAt(at + 3)) &
    0x3fffffff
  );
}

/** The slot of a prefix key in the 64K-entry presence filter. */
function filterSlot(key: number): number {
  return (key ^ (key >>> 16)) & 0xffff;
}

/** Transient values that share one prefix key, once there are several: looked up by exact substring. */
interface Bucket {
  values: Set<string>;
  /** Distinct lengths of `values`, longest first (signatures come in one or two lengths). */
  lengths: number[];
  /** How many values have each length. */
  perLength: Map<number, number>;
}

function addToBucket(bucket: Bucket, value: string): void {
  bucket.values.add(value);
  const count = bucket.perLength.get(value.length) ?? 0;
  bucket.perLength.set(value.length, count + 1);
  if (count === 0) {
    bucket.lengths.push(value.length);
    bucket.lengths.sort((a, b) => b - a);
  }
}

/**
 * A bounded store of short-lived secrets (signatures, one per request), matched without a regular
 * expression: registering one is O(1) with no recompilation, and masking scans the text once,
 * looking each position's first characters up in an index, then checking the substrings of the
 * lengths held there against a set (so values sharing a prefix, like JWTs, cost no more). Exported
 * for tests; the process-wide instance is shared by every copy of @kit/logger.
 * @internal
 */
export class TransientSecrets {
  /** Value -> the serial of its latest registration (the ring entry that owns it). */
  private readonly latest = new Map<string, number>();
  /**
   * Prefix key -> the value starting with those characters, or a bucket when several do (random
   * signatures almost never share a key, so the usual entry is one string: no allocation).
   */
  private readonly index = new Map<number, string | Bucket>();
  /** Values indexed per {@link filterSlot} of their prefix key: most text positions stop at this read. */
  private readonly filter = new Uint16Array(0x10000);
  /** Registrations in order (a ring), for expiry and the capacity bound. */
  private readonly ringValues: string[] = [];
  private readonly ringTimes: number[] = [];
  private readonly ringSerials: number[] = [];
  private serial = 0;
  private head = 0;
  private count = 0;

  constructor(
    private readonly capacity = MAX_TRANSIENT_SECRETS,
    private readonly retentionMs = TRANSIENT_SECRET_RETENTION_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many values are registered. */
  get size(): number {
    return this.latest.size;
  }

  /** Registers `value` (ignored below {@link MIN_SECRET_LENGTH} characters) and forgets expired ones. */
  add(value: string): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
    const now = this.now();
    this.expire(now);
    if (this.count === this.capacity) this.evictOldest();
    if (!this.latest.has(value)) this.indexValue(value);
    const serial = ++this.serial;
    this.latest.set(value, serial);
    const slot = (this.head + this.count) % this.capacity;
    this.ringValues[slot] = value;
    this.ringTimes[slot] = now;
    this.ringSerials[slot] = serial;
    this.count++;
  }

  /** Masks every registered value in `text`, the longest first where two start at the same place. */
  redact(text: string): string {
    if (this.latest.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
    let out = '';
    let copied = 0;
    const last = text.length - MIN_SECRET_LENGTH;
    for (let i = 0; i <= last; ) {
      const key = prefixKey(text, i);
      let matched = 0;
      const entry = this.filter[filterSlot(key)] === 0 ? undefined : this.index.get(key);
      if (typeof entry === 'string') {
        if (text.startsWith(entry, i)) matched = entry.length;
      } else if (entry !== undefined) {
        for (const length of entry.lengths) {
          if (i + length <= text.length && entry.values.has(text.slice(i, i + length))) {
            matched = length;
            break;
          }
        }
      }
      if (matched === 0) {
        i++;
        continue;
      }
      out += text.slice(copied, i) + REDACTED;
      i += matched;
      copied = i;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  private indexValue(value: string): void {
    const key = prefixKey(value, 0);
    // Saturates rather than wrapping (a false "maybe" only costs a Map lookup).
    const slot = filterSlot(key);
    const seen = this.filter[slot] ?? 0;
    if (seen < 0xffff) this.filter[slot] = seen + 1;
    const entry = this.index.get(key);
    if (entry === undefined) {
      this.index.set(key, value);
      return;
    }
    let bucket: Bucket;
    if (typeof entry === 'string') {
      bucket = { values: new Set(), lengths: [], perLength: new Map() };
      addToBucket(bucket, entry);
      this.index.set(key, bucket);
    } else bucket = entry;
    addToBucket(bucket, value);
  }

  private unindexValue(value: string): void {
    const key = prefixKey(value, 0);
    const slot = filterSlot(key);
    const seen = this.filter[slot] ?? 0;
    if (seen !== 0xffff && seen !== 0) this.filter[slot] = seen - 1;
    const entry = this.index.get(key);
    if (entry === value) {
      this.index.delete(key);
      return;
    }
    if (entry === undefined || typeof entry === 'string' || !entry.values.delete(value)) return;
    const count = (entry.perLength.get(value.length) ?? 1) - 1;
    if (count > 0) entry.perLength.set(value.length, count);
    else {
      entry.perLength.delete(value.length);
      entry.lengths.splice(entry.lengths.indexOf(value.length), 1);
    }
    if (entry.values.size === 1) this.index.set(key, entry.values.values().next().value as string);
  }

  private expire(now: number): void {
    while (this.count > 0 && now - (this.ringTimes[this.head] as number) > this.retentionMs)
      this.evictOldest();
  }

  private evictOldest(): void {
    const value = this.ringValues[this.head] as string;
    const serial = this.ringSerials[this.head] as number;
    this.ringValues[this.head] = '';
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    // Registered again since: a later ring entry owns it.
    if (this.latest.get(value) !== serial) return;
    this.latest.delete(value);
    this.unindexValue(value);
  }
}

const TRANSIENT = Symbol.for('kit.transient-secrets');

/** One transient store per process, shared by every copy of @kit/logger that has one. */
function transientSecrets(): TransientSecrets {
  const holder = globalThis as Record<symbol, TransientSecrets | undefined>;
  let current = holder[TRANSIENT];
  if (!current) {
    current = new TransientSecrets();
    holder[TRANSIENT] = current;
  }
  return current;
}

/**
 * Registers a short-lived credential derived for one request (an HMAC signature, a signed login)
 * to be masked like {@link registerSecretValue}, without growing the registry forever: it is
 * forgotten after {@link TRANSIENT_SECRET_RETENTION_MS}, or sooner once
 * {@link MAX_TRANSIENT_SECRETS} newer ones are held. Cheap enough to call on every request: no
 * regular expression is rebuilt. Use {@link registerSecretValue} (or a {@link Secret}) for anything
 * that lives as long as the process: keys, tokens, Basic credentials.
 *
 * @example
 * ```ts
 * const signature = await hmac('SHA-256', apiSecret, payload, 'hex');
 * registerTransientSecret(signature); // kit's signing strategies already do this
 * ```
 */
export function registerTransientSecret(value: string): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  transientSecrets().add(value);
  (globalThis as Record<symbol, unknown>)[REDACT_HOOK] = redactSecretValues;
}

/** Masks every registered secret value (long-lived and transient) in `text`. */
export function redactSecretValues(text: string): string {
  if (typeof text !== 'string' || text.length < MIN_SECRET_LENGTH) return text;
  let out = text;
  const pattern = registry().pattern;
  if (pattern) {
    pattern.lastIndex = 0;
    out = out.replace(pattern, REDACTED);
  }
  const transient = (globalThis as Record<symbol, TransientSecrets | undefined>)[TRANSIENT];
  return transient === undefined ? out : transient.redact(out);
}
