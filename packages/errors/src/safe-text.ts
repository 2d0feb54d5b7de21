/**
 * Text hygiene shared by every classifier: nothing that reaches a KitError message or `details`
 * may carry a credential, a signature in a query string, or an unbounded blob of server text.
 */

const REDACT_HOOK = Symbol.for('kit.redact');
const MASK = '[REDACTED]';

/** Query parameters and header-like pairs whose values are credentials (matched case-insensitively). */
const SENSITIVE_KEYS =
  'signature|sig|api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|token|client[-_]?secret|secret|password|passphrase';
// `key=value` (query strings, form bodies) and `"key": "value"` (JSON); prose like "token: expired" is left alone.
const SENSITIVE_PAIR = new RegExp(`\\b(${SENSITIVE_KEYS})(=)([^\\s&"',;}]+)`, 'gi');
const SENSITIVE_JSON = new RegExp(`("(?:${SENSITIVE_KEYS})"\\s*:\\s*")([^"]*)(")`, 'gi');
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Applies the redactor @kit/logger installs (every registered Secret), if any. */
export function applyRedactHook(text: string): string {
  const hook = (globalThis as Record<symbol, unknown>)[REDACT_HOOK];
  return typeof hook === 'function' ? (hook as (s: string) => string)(text) : text;
}

/**
 * Makes server- or user-supplied text safe to show: masks registered secrets, bearer tokens,
 * `user:pass@` in URLs and credential-looking `key=value` pairs, strips control characters and
 * truncates to `maxLength` characters.
 */
export function sanitizeText(text: string, maxLength = 200): string {
  let out = applyRedactHook(text)
    .replace(CONTROL, ' ')
    .replace(URL_CREDENTIALS, '$1')
    .replace(BEARER, `$1 ${MASK}`)
    .replace(SENSITIVE_PAIR, `$1$2${MASK}`)
    .replace(SENSITIVE_JSON, `$1${MASK}$3`)
    .trim();
  if (out.length > maxLength) out = `${out.slice(0, Math.max(0, maxLength - 1))}…`;
  return out;
}

/**
 * Reduces a path or URL to a path that is safe to print: the pathname only (no scheme, host,
 * credentials, query string or fragment), at most 200 characters.
 */
export function sanitizePath(pathOrUrl: string): string {
  let path = pathOrUrl.trim();
  const absolute = /^([a-z][a-z0-9+.-]*:)?\/\//i.exec(path);
  if (absolute) {
    try {
      path = new URL(absolute[1] ? path : `http:${path}`).pathname;
    } catch {
      // Not parseable: drop everything up to the first slash after the authority.
      const rest = path.slice(absolute[0].length);
      const slash = rest.indexOf('/');
      path = slash === -1 ? '/' : rest.slice(slash);
    }
  }
  path = path.split(/[?#]/, 1)[0] ?? '';
  path = path.replace(CONTROL, '');
  if (path.length > 200) path = `${path.slice(0, 199)}…`;
  return path;
}

/** `GET /v1/orders` (or just one of them, or '' when neither is known). */
function describeRequest(method: string | undefined, path: string | undefined): string {
  return [method?.toUpperCase(), path].filter((part) => part !== undefined && part !== '').join(' ');
}

/** Prefixes a message with the request (`GET /v1/orders: The connection was reset`). */
export function withRequest(method: string | undefined, path: string | undefined, message: string): string {
  const request = describeRequest(method, path);
  return request === '' ? message : `${request}: ${message}`;
}

/** Reads an own property of an object-like value without ever throwing (getters, proxies). */
export function readProp(value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** `readProp` narrowed to a non-empty string. */
export function readString(value: unknown, key: string): string | undefined {
  const prop = readProp(value, key);
  return typeof prop === 'string' && prop !== '' ? prop : undefined;
}
