/** A scope a credential can carry: `read` for the read routes, `trade` for placing and cancelling orders. */
export type SandboxScope = 'read' | 'trade';

/** An API key for HMAC request signing. */
export interface SandboxApiKey {
  /** Sent as `X-API-Key`. */
  readonly keyId: string;
  /** The HMAC-SHA256 secret (UTF-8 bytes are the key). */
  readonly secret: string;
  readonly scopes: readonly SandboxScope[];
  /** The account the key acts for. @default 'acc_demo' */
  readonly accountId?: string;
}

/** An OAuth2 client for the client-credentials grant at `POST /oauth/token`. */
export interface SandboxOAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly SandboxScope[];
  /** The account its tokens act for. @default 'acc_demo' */
  readonly accountId?: string;
}

/** The account every demo credential belongs to. */
export const DEMO_ACCOUNT_ID = 'acc_demo';

/**
 * The demo credentials (the same on every run, printed by the CLI): a trading key, a read-only key
 * and an OAuth2 client, all on the account `acc_demo`. They are sandbox-only values, not secrets.
 */
export const DEMO_CREDENTIALS = Object.freeze({
  trader: Object.freeze({
    keyId: 'sbx_key_trader',
    secret: 'sbx_secret_trader_4d9f2c7a1e',
    scopes: Object.freeze(['read', 'trade'] as const),
    accountId: DEMO_ACCOUNT_ID,
  }),
  reader: Object.freeze({
    keyId: 'sbx_key_reader',
    secret: 'sbx_secret_reader_8b3e6f0d5a',
    scopes: Object.freeze(['read'] as const),
    accountId: DEMO_ACCOUNT_ID,
  }),
  oauthClient: Object.freeze({
    clientId: 'sbx_client_app',
    clientSecret: 'sbx_client_secret_7c1a9e4b2f',
    scopes: Object.freeze(['read', 'trade'] as const),
    accountId: DEMO_ACCOUNT_ID,
  }),
});

/** Every scope the sandbox knows. */
export const SANDBOX_SCOPES: readonly SandboxScope[] = ['read', 'trade'];
