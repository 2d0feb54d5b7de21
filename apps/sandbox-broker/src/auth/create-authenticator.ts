import type { Authenticator, Principal, VerifiableRequest, VerifyResult } from './auth-types';
import { constantTimeEqual } from './constant-time';
import {
  DEMO_ACCOUNT_ID,
  type SandboxApiKey,
  type SandboxOAuthClient,
  type SandboxScope,
} from './credentials';
import { type HmacKeyEntry, hmacKeyEntry, verifyHmac } from './hmac-verifier';
import { type IssuedToken, TokenStore } from './token-store';

/** Options for {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  readonly apiKeys: readonly SandboxApiKey[];
  readonly oauthClients: readonly SandboxOAuthClient[];
  /** The server clock (epoch ms, offset applied). */
  readonly now: () => number;
  readonly recvWindowMs: number;
  readonly tokenTtlMs: number;
}

/** The outcome of a client-credentials token request. */
export type IssueResult =
  | { readonly ok: true; readonly token: IssuedToken }
  | { readonly ok: false; readonly error: 'invalid_client' | 'invalid_scope' };

/** The sandbox's credential checks: the WebSocket's {@link Authenticator} plus what REST and admin need. */
export interface SandboxAuthenticator extends Authenticator {
  /** Checks an OAuth client and issues a token (`scope`: space-separated, or undefined for all the client's scopes). */
  issueToken(clientId: string, clientSecret: string, scope: string | undefined): IssueResult;
  revokeTokens(): number;
  expireTokens(): number;
  /** Changes the scopes of an API key or OAuth client (existing tokens follow); false when unknown. */
  setScopes(id: string, scopes: readonly SandboxScope[]): boolean;
  /** Tokens issued since start. */
  readonly tokensIssued: number;
}

const BEARER = /^bearer\s+(\S+)\s*$/i;

/** Builds the authenticator over the configured keys and OAuth clients. */
export function createAuthenticator(options: AuthenticatorOptions): SandboxAuthenticator {
  const { now, recvWindowMs, tokenTtlMs } = options;
  const keys = new Map<string, HmacKeyEntry>();
  for (const key of options.apiKeys) {
    keys.set(
      key.keyId,
      hmacKeyEntry(key.secret, {
        accountId: key.accountId ?? DEMO_ACCOUNT_ID,
        keyId: key.keyId,
        scopes: [...key.scopes],
      }),
    );
  }
  const clients = new Map<string, { client: SandboxOAuthClient; scopes: readonly SandboxScope[] }>();
  for (const client of options.oauthClients)
    clients.set(client.clientId, { client, scopes: [...client.scopes] });
  const tokens = new TokenStore(now, (clientId) => clients.get(clientId)?.scopes ?? []);

  const verify = (request: VerifiableRequest): VerifyResult => {
    const keyId = request.headers['x-api-key'];
    if (keyId !== undefined) return verifyHmac(request, keyId, keys, now(), recvWindowMs);
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = BEARER.exec(authorization);
      if (match) return tokens.verify(match[1]!);
    }
    return {
      ok: false,
      status: 401,
      code: 'MISSING_CREDENTIALS',
      message:
        'Send X-API-Key, X-Timestamp and X-Signature, or Authorization: Bearer <token> from POST /oauth/token',
    };
  };

  return {
    verify,
    issueToken(clientId, clientSecret, scope) {
      const entry = clients.get(clientId);
      // Compare against a dummy when the client is unknown, so timing does not tell ids apart.
      const secretOk = constantTimeEqual(clientSecret, entry?.client.clientSecret ?? '\u0000unknown');
      if (entry === undefined || !secretOk) return { ok: false, error: 'invalid_client' };
      let scopes = entry.scopes;
      if (scope !== undefined && scope.trim() !== '') {
        const asked = scope.trim().split(/\s+/);
        if (!asked.every((s) => (entry.scopes as readonly string[]).includes(s))) {
          return { ok: false, error: 'invalid_scope' };
        }
        scopes = asked as SandboxScope[];
      }
      const token = tokens.issue(clientId, entry.client.accountId ?? DEMO_ACCOUNT_ID, scopes, tokenTtlMs);
      return { ok: true, token };
    },
    revokeTokens: () => tokens.revokeAll(),
    expireTokens: () => tokens.expireAll(),
    setScopes(id, scopes) {
      const key = keys.get(id);
      const client = clients.get(id);
      if (key) key.principal = { ...key.principal, scopes: [...scopes] } satisfies Principal;
      if (client) client.scopes = [...scopes];
      return key !== undefined || client !== undefined;
    },
    get tokensIssued() {
      return tokens.issued;
    },
  };
}
