import type { AppConfig, Credentials } from './app-config';

/** Where the API lives and how to authenticate to it. */
export interface ApiTarget {
  /** `embedded`: the sandbox this process started; `remote`: `--target`. */
  readonly kind: 'embedded' | 'remote';
  /** Base URL without a trailing slash or `/v1`, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** REST base, `${baseUrl}/v1`. */
  readonly restUrl: string;
  /** OAuth2 token endpoint, `${baseUrl}/oauth/token`. */
  readonly tokenUrl: string;
  /** The stream URL. */
  readonly wsUrl: string;
  readonly credentials: Credentials;
}

/** `https://x/v1/` -> `https://x`: people paste the base with or without the version path. */
function normaliseBaseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** The default stream URL of a base URL: same host, ws(s) scheme, `/v1/stream`. */
function defaultWsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/v1/stream`;
}

/** The target a config names (`target` set), with its credentials. */
export function remoteTarget(config: AppConfig, credentials: Credentials): ApiTarget {
  const baseUrl = normaliseBaseUrl(config.target as string);
  return {
    kind: 'remote',
    baseUrl,
    restUrl: `${baseUrl}/v1`,
    tokenUrl: `${baseUrl}/oauth/token`,
    wsUrl: config.wsUrl ?? defaultWsUrl(baseUrl),
    credentials,
  };
}

/** The target of an embedded sandbox at `url`. */
export function embeddedTarget(url: string, wsUrl: string, credentials: Credentials): ApiTarget {
  const baseUrl = normaliseBaseUrl(url);
  return {
    kind: 'embedded',
    baseUrl,
    restUrl: `${baseUrl}/v1`,
    tokenUrl: `${baseUrl}/oauth/token`,
    wsUrl,
    credentials,
  };
}

/** How credentials are named on screen: never the secret. */
export function describeCredentials(credentials: Credentials): string {
  return credentials.kind === 'hmac'
    ? `HMAC key ${credentials.apiKey}`
    : `OAuth2 client ${credentials.clientId}`;
}
