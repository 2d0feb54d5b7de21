import { isLoopbackHost } from '@kit/errors/internal';
import * as v from 'valibot';
import { configCheck, configMetadata } from './config-metadata';

/** Options for {@link url} and {@link httpsUrl}. */
export interface UrlOptions {
  /**
   * Accepted URL schemes, with the colon as `URL.protocol` gives them.
   * @default ['http:', 'https:'] (see {@link DEFAULT_URL_OPTIONS})
   */
  protocols?: readonly string[];
}

/** The defaults of {@link UrlOptions}. */
export const DEFAULT_URL_OPTIONS: Required<UrlOptions> = { protocols: ['http:', 'https:'] };

const INSECURE_TO_SECURE: Record<string, string> = { 'http:': 'https:', 'ws:': 'wss:' };

// One loopback rule for all of kit (`localhost.` with its trailing dot included), kept public here.
export { isLoopbackHost } from '@kit/errors/internal';

function tryParse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

const isAbsoluteUrl = (text: string): boolean =>
  /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text) && tryParse(text) !== undefined;

const absoluteCheck = configCheck(isAbsoluteUrl, {
  code: 'config.invalid',
  expected: 'an absolute URL such as https://api.example.com',
  hint: 'Write the full URL with scheme and host, e.g. https://api.example.com, without spaces or quotes.',
});

const isSecureOrLoopback = (text: string): boolean => {
  const parsed = tryParse(text);
  return !parsed || !(parsed.protocol in INSECURE_TO_SECURE) || isLoopbackHost(parsed.hostname);
};

const secureCheck = configCheck(isSecureOrLoopback, {
  code: 'config.insecure_url',
  expected: 'an https:// (or wss://) URL; plain http:// only for 127.0.0.1, ::1 or localhost',
  hint: 'Use https:// for this host: plain http would send credentials and data unencrypted. http:// is only accepted for loopback hosts.',
});

function protocolCheck(protocols: readonly string[]) {
  const allowed = (text: string): boolean => {
    const parsed = tryParse(text);
    return !parsed || protocols.includes(parsed.protocol);
  };
  const list = protocols.map((protocol) => `${protocol}//`).join(', ');
  return configCheck(allowed, {
    code: 'config.invalid',
    expected: `a URL with one of the schemes ${list}`,
    hint: `Use one of ${list} for this setting.`,
  });
}

/**
 * A URL setting (kept as the string given). Rejects relative or malformed URLs and schemes outside
 * `protocols`. Use {@link httpsUrl} for anything that carries credentials or private data.
 *
 * @example
 * ```ts
 * const schema = v.object({ proxyUrl: v.optional(url()) });
 * ```
 */
export function url(options: UrlOptions = {}) {
  const protocols = options.protocols ?? DEFAULT_URL_OPTIONS.protocols;
  return v.pipe(
    v.string(),
    absoluteCheck,
    protocolCheck(protocols),
    configMetadata<string>({ kind: 'url', typeLabel: 'URL' }),
  );
}

/**
 * Like {@link url}, but a plain `http://` (or `ws://`) URL is accepted only for a loopback host;
 * anything else fails with `config.insecure_url`.
 *
 * @example
 * ```ts
 * const schema = v.object({ baseUrl: httpsUrl() });                       // https://api.example.com
 * const stream = v.object({ url: httpsUrl({ protocols: ['wss:', 'ws:'] }) });
 * ```
 */
export function httpsUrl(options: UrlOptions = {}) {
  const protocols = options.protocols ?? DEFAULT_URL_OPTIONS.protocols;
  return v.pipe(
    v.string(),
    absoluteCheck,
    protocolCheck(protocols),
    secureCheck,
    configMetadata<string>({ kind: 'url', typeLabel: 'https URL' }),
  );
}
