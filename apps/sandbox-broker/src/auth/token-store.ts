import { randomBytes } from 'node:crypto';
import type { VerifyResult } from './auth-types';
import type { SandboxScope } from './credentials';

/** What a bearer token stands for. */
interface TokenRecord {
  readonly clientId: string;
  readonly accountId: string;
  /** The scopes asked for at issue time; the client's current scopes always cap them. */
  readonly scopes: readonly SandboxScope[];
  expiresAtMs: number;
  revoked: boolean;
}

/** The scopes a client has now (run-time `setScopes` changes them). */
export type ClientScopes = (clientId: string) => readonly SandboxScope[];

/** An issued token. */
export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
  readonly scopes: readonly SandboxScope[];
}

// Expired and revoked tokens are kept so they keep their own error codes, but not forever.
const MAX_TOKENS = 10_000;

/** Bearer tokens issued by `POST /oauth/token`, with expiry on the server clock and revocation. */
export class TokenStore {
  readonly #tokens = new Map<string, TokenRecord>();
  #issued = 0;

  constructor(
    private readonly now: () => number,
    private readonly clientScopes: ClientScopes,
  ) {}

  /** Tokens issued since start. */
  get issued(): number {
    return this.#issued;
  }

  issue(clientId: string, accountId: string, scopes: readonly SandboxScope[], ttlMs: number): IssuedToken {
    if (this.#tokens.size >= MAX_TOKENS) this.#prune();
    const accessToken = `sbx_at_${randomBytes(24).toString('base64url')}`;
    this.#tokens.set(accessToken, {
      clientId,
      accountId,
      scopes,
      expiresAtMs: this.now() + ttlMs,
      revoked: false,
    });
    this.#issued++;
    return { accessToken, expiresInSeconds: Math.floor(ttlMs / 1000), scopes };
  }

  verify(token: string): VerifyResult {
    const record = this.#tokens.get(token);
    if (record === undefined) {
      return {
        ok: false,
        status: 401,
        code: 'INVALID_TOKEN',
        message: 'The bearer token is not known to this sandbox',
      };
    }
    if (record.revoked) {
      return {
        ok: false,
        status: 401,
        code: 'TOKEN_REVOKED',
        message: 'The bearer token was revoked; request a new one',
      };
    }
    if (this.now() >= record.expiresAtMs) {
      return {
        ok: false,
        status: 401,
        code: 'TOKEN_EXPIRED',
        message: 'The bearer token has expired; request a new one',
      };
    }
    const allowed = this.clientScopes(record.clientId);
    return {
      ok: true,
      principal: {
        accountId: record.accountId,
        keyId: record.clientId,
        scopes: record.scopes.filter((scope) => allowed.includes(scope)),
      },
    };
  }

  /** Revokes every token; returns how many were still live. */
  revokeAll(): number {
    const nowMs = this.now();
    let count = 0;
    for (const record of this.#tokens.values()) {
      if (!record.revoked && record.expiresAtMs > nowMs) count++;
      record.revoked = true;
    }
    return count;
  }

  /** Expires every live token now; returns how many. */
  expireAll(): number {
    const nowMs = this.now();
    let count = 0;
    for (const record of this.#tokens.values()) {
      if (!record.revoked && record.expiresAtMs > nowMs) {
        record.expiresAtMs = nowMs;
        count++;
      }
    }
    return count;
  }

  #prune(): void {
    const nowMs = this.now();
    for (const [token, record] of this.#tokens) {
      if (record.revoked || record.expiresAtMs <= nowMs) this.#tokens.delete(token);
    }
    // All live: drop the oldest half (Map order is issue order).
    let excess = this.#tokens.size - MAX_TOKENS / 2;
    for (const token of this.#tokens.keys()) {
      if (excess-- <= 0) break;
      this.#tokens.delete(token);
    }
  }
}
