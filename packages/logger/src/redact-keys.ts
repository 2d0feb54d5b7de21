/**
 * Keys whose values are always masked, whatever the value's type (compared case-insensitively, with
 * `-`, `_` and `.` ignored, so `X-API-KEY`, `x_api_key` and `xApiKey` are the same key): the usual
 * credential header and field names, plus the venue signing headers kit's auth presets send.
 */
export const DEFAULT_REDACTED_KEYS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'secret',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
  'signature',
  'sig',
  'passphrase',
  // Venue signing headers (Coinbase, Kraken, Binance style) and generic credential names.
  'cb-access-key',
  'cb-access-sign',
  'cb-access-passphrase',
  'api-sign',
  'x-mbx-apikey',
  'private_key',
  'id_token',
]);

/**
 * Fragments that make a key sensitive wherever they appear in it (`apiSecret`, `x-mbx-apikey`,
 * `dbPassword`, `sessionToken`). Such keys mask strings, Secrets, objects and arrays, but keep
 * numbers, booleans, `null` and `undefined`, so metrics like `tokensLeft: 495` stay readable.
 */
export const DEFAULT_REDACTED_KEY_FRAGMENTS: readonly string[] = Object.freeze([
  'secret',
  'password',
  'passwd',
  'token',
  'apikey',
  'passphrase',
  'privatekey',
  'signature',
  'authorization',
  'cookie',
  'credential',
]);

/** How a key is treated by redaction. */
export type KeySensitivity = 'always' | 'non-scalar' | 'none';

/** Lower-cases and drops `-`, `_`, `.` and spaces, so spelling variants of one key compare equal. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

const DEFAULT_EXACT = new Set(DEFAULT_REDACTED_KEYS.map(normalizeKey));
const DEFAULT_FRAGMENTS = DEFAULT_REDACTED_KEY_FRAGMENTS.map(normalizeKey);

/**
 * Builds the key test used by redaction: the default keys and fragments plus `extraKeys`
 * (matched exactly, after normalisation).
 */
export function createKeyMatcher(extraKeys: readonly string[] = []): (key: string) => KeySensitivity {
  const exact =
    extraKeys.length === 0 ? DEFAULT_EXACT : new Set([...DEFAULT_EXACT, ...extraKeys.map(normalizeKey)]);
  const cache = new Map<string, KeySensitivity>();
  return (key) => {
    let result = cache.get(key);
    if (result !== undefined) return result;
    const normalized = normalizeKey(key);
    if (exact.has(normalized)) result = 'always';
    else if (DEFAULT_FRAGMENTS.some((fragment) => normalized.includes(fragment))) result = 'non-scalar';
    else result = 'none';
    // Bounded: field names are a small vocabulary; a flood of random keys must not grow memory.
    if (cache.size < 1000) cache.set(key, result);
    return result;
  };
}
