// Credential checks shared by REST and the WebSocket login. Implemented in `auth/` (owner: the
// REST half) on node:crypto, never through @kit/auth: a signing bug in kit must show up as a
// rejected request, not be mirrored by the server.

/** Who a verified request acts for. */
export interface Principal {
  readonly accountId: string;
  /** The API key id, or the OAuth client id behind a bearer token (rate limits are per keyId). */
  readonly keyId: string;
  readonly scopes: readonly string[];
}

/** The outcome of a credential check. */
export type VerifyResult =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

/** What is checked: method, request target (path + query exactly as sent), headers (lower-case names) and the raw body. */
export interface VerifiableRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** Verifies HMAC-signed requests and bearer tokens. */
export interface Authenticator {
  verify(request: VerifiableRequest): VerifyResult;
}
