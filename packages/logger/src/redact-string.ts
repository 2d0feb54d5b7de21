import { createKeyMatcher, normalizeKey } from './redact-keys';
import { REDACTED, redactSecretValues } from './secret-registry';

/** Options for {@link redactString} and {@link createStringRedactor}. */
export interface RedactStringOptions {
  /**
   * Extra key names to mask (case-insensitive, `-`/`_`/`.` ignored), on top of
   * {@link DEFAULT_REDACTED_KEYS}. In strings they are matched as `key=value`, `key: value` and
   * `"key":"value"`.
   * @default []
   */
  keys?: readonly string[];
  /**
   * Extra patterns; every match is replaced by `[REDACTED]`. A pattern without the `g` flag is
   * applied globally anyway.
   * @default []
   */
  patterns?: readonly RegExp[];
}

// Query/form names that are credentials only in `name=value` form ("key" is too common a field name
// to mask in objects, but `?key=...` in a URL is an API key).
const QUERY_ONLY_NAMES = new Set(['key', 'auth', 'xamzsignature', 'xamzcredential', 'xamzsecuritytoken']);

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@?#]*:)([^\s@/?#]+)@/gi;
const BEARER = /\b(Bearer\s+)([^\s,;"'<>]+)/gi;
// Case-sensitive "Basic" and a base64-looking run keep ordinary prose ("basic checks") readable.
const BASIC = /\b(Basic\s+)([A-Za-z0-9+/]{6,}={0,2})/g;
// Headers whose whole value is a credential, up to the end of the line (or the closing quote in JSON).
const HEADER_LINE =
  /\b(cookie|set-cookie|authorization|proxy-authorization)(["']?\s*:\s*)("(?:[^"\\\r\n]|\\.)*"|[^\r\n]*)/gi;
// The value stops at `?` so `url=https://h/p?apiKey=k` still reaches the `apiKey` parameter.
const KEY_EQUALS = /(["']?)([A-Za-z][\w.-]*)\1(\s*=\s*)("[^"]*"|[^&#?\s"',;<>]*)/g;
const SCHEMES = 'Bearer|Basic|Digest|Token|Bot|OAuth|Negotiate|NTLM|ApiKey|HMAC-SHA256|AWS4-HMAC-SHA256';
const KEY_COLON = new RegExp(
  `(["']?)([A-Za-z][\\w.-]*)\\1(\\s*:\\s*)("(?:[^"\\\\\\r\\n]|\\\\.)*"|'[^'\\r\\n]*'|(?:${SCHEMES})\\s+[^\\s,;&"'<>{}\\[\\]()]+|(?![/\\\\])[^\\s,;&"'<>{}\\[\\]()]+)`,
  'gi',
);
const MAY_HOLD_CREDENTIAL = /[=:]|bearer|basic/i;
const SCALAR_TEXT = /^(?:-?\d+(?:\.\d+)?|true|false|null|undefined)$/i;

function maskValue(value: string): string {
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) return `"${REDACTED}"`;
  if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) return `'${REDACTED}'`;
  return REDACTED;
}

function toGlobal(pattern: RegExp): RegExp {
  return pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
}

/**
 * Builds a string redactor with the given options compiled once (the logger builds one per logger).
 * See {@link redactString} for what it masks.
 */
export function createStringRedactor(options: RedactStringOptions = {}): (text: string) => string {
  const sensitivity = createKeyMatcher(options.keys ?? []);
  const patterns = (options.patterns ?? []).map(toGlobal);

  const replaceKeyValue = (
    match: string,
    quote: string,
    name: string,
    separator: string,
    value: string,
    queryForm: boolean,
  ): string => {
    if (value.length === 0 || value === REDACTED || value === `"${REDACTED}"`) return match;
    const kind = sensitivity(name);
    const sensitive =
      kind === 'always' ||
      (kind === 'non-scalar' && !SCALAR_TEXT.test(value)) ||
      (queryForm && QUERY_ONLY_NAMES.has(normalizeKey(name)));
    return sensitive ? `${quote}${name}${quote}${separator}${maskValue(value)}` : match;
  };

  return (text) => {
    if (typeof text !== 'string' || text.length === 0) return text;
    let out = redactSecretValues(text);
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      out = out.replace(pattern, REDACTED);
    }
    // Fast path: every rule below needs one of these, and most log text has none of them.
    if (!MAY_HOLD_CREDENTIAL.test(out)) return out;
    if (out.includes('://')) out = out.replace(USERINFO, `$1${REDACTED}@`);
    out = out.replace(BEARER, `$1${REDACTED}`).replace(BASIC, `$1${REDACTED}`);
    if (out.includes('=')) {
      out = out.replace(KEY_EQUALS, (match, quote: string, name: string, separator: string, value: string) =>
        replaceKeyValue(match, quote, name, separator, value, true),
      );
    }
    if (out.includes(':')) {
      out = out.replace(HEADER_LINE, (match, name: string, separator: string, value: string) =>
        value.trim().length === 0 ? match : `${name}${separator}${maskValue(value)}`,
      );
      out = out.replace(KEY_COLON, (match, quote: string, name: string, separator: string, value: string) =>
        replaceKeyValue(match, quote, name, separator, value, false),
      );
    }
    return out;
  };
}

const defaultStringRedactor = createStringRedactor();
const defaultSensitivity = createKeyMatcher();

/**
 * Whether a query (or form) parameter named `name` holds a credential: the names whose values
 * {@link redactString} masks in `name=value` text, whatever the value. For code that builds a URL
 * from its parts and cannot afford the regular expressions (telemetry on every request). @internal
 */
export function isSensitiveQueryName(name: string): boolean {
  return defaultSensitivity(name) !== 'none' || QUERY_ONLY_NAMES.has(normalizeKey(name));
}

/**
 * Masks credentials inside free text: every registered secret value (see {@link Secret}), URL
 * userinfo passwords, `Bearer …`/`Basic …` credentials, `Authorization:`/`Cookie:` header values,
 * and the values of sensitive names in `name=value` (query strings, form bodies), `name: value`
 * (headers) and `"name":"value"` (JSON text) forms, plus any extra `patterns`.
 *
 * @example
 * ```ts
 * redactString('GET /v3/order?symbol=BTCUSDT&signature=9f86d0'); // 'GET /v3/order?symbol=BTCUSDT&signature=[REDACTED]'
 * ```
 */
export function redactString(text: string, options?: RedactStringOptions): string {
  if (options === undefined) return defaultStringRedactor(text);
  return createStringRedactor(options)(text);
}
