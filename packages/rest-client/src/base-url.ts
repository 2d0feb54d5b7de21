import { assertSecureTransport } from '@kit/auth';
import { KitError } from '@kit/errors';

/** A client's base URL, checked and split once, when the client is created. */
export interface BaseUrl {
  /** The parsed URL. */
  readonly url: URL;
  /** `https://api.example.com` (what a next-page link must share). */
  readonly origin: string;
  /** The path without trailing slashes (`/v1`, or `''` at the root): the prefix of every path. */
  readonly path: string;
  /** `origin + path`: what every call's path is appended to. */
  readonly href: string;
}

/**
 * Parses and checks `baseUrl`: absolute (`config.invalid` otherwise), no user name or password
 * (`config.invalid`: they would not be sent), no query string or fragment
 * (they could not be combined with a call's own), and https when credentials are sent (unless the
 * host is loopback: `@kit/auth`'s `assertSecureTransport`).
 */
export function parseBaseUrl(baseUrl: string, authenticated: boolean): BaseUrl {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new KitError('config.invalid', {
      message: 'baseUrl is not an absolute URL',
      cause,
      details: { option: 'baseUrl' },
    });
  }
  if (url.username !== '' || url.password !== '') {
    // The origin every call is sent to drops userinfo, so it would silently go unsent; and a
    // password in a URL ends up wherever the URL is logged. Named, never echoed.
    throw new KitError('config.invalid', {
      message:
        'baseUrl must not contain a user name or password (they would not be sent); pass credentials with the auth option, e.g. a header or bearer strategy from @kit/auth',
      details: { option: 'baseUrl' },
    });
  }
  if (url.search !== '' || url.hash !== '') {
    throw new KitError('client.invalid_argument', {
      message: 'baseUrl must not have a query string or fragment',
      outcome: 'not_sent',
    });
  }
  if (authenticated) assertSecureTransport(url);
  const path = url.pathname.replace(/\/+$/, '');
  return { url, origin: url.origin, path, href: url.origin + path };
}
