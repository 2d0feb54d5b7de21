import type { KitError } from '@kit/errors';

/**
 * A request as an {@link AuthStrategy} sees it: everything a signature can cover, in the exact form
 * it will be sent. The REST client builds one per attempt; the WebSocket client builds one for its
 * login message (method `GET`, the stream URL, empty body).
 *
 * Serialise `query` with {@link formatQuery} (the same encoding the signing strategies sign) and send
 * `body` exactly as returned: some strategies add to it (Kraken's `nonce`).
 */
export interface AuthRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Absolute URL without query string, e.g. `https://api.example.com/v1/orders`. */
  url: string;
  /** The path part of `url` (what venues sign), e.g. `/v1/orders`. */
  path: string;
  /** Query parameters in the order they are sent; strategies may append (`timestamp`, `signature`). */
  query: Array<[string, string]>;
  /** Request headers; strategies may add (`Authorization`, key and signature headers). */
  headers: Record<string, string>;
  /** The body exactly as it will be sent (already serialised), or undefined. */
  body?: string;
  /** Aborts any I/O the strategy does (token fetches). */
  signal?: AbortSignal;
}

/**
 * How credentials are attached to a request. Implementations are shared by REST requests and
 * WebSocket logins, and must be safe to call concurrently.
 */
export interface AuthStrategy {
  /** A short name for logs (`api-key`, `oauth2`, `hmac:binance`). */
  readonly name: string;
  /**
   * Returns the request with credentials attached. Called once per attempt, so timestamps, nonces
   * and signatures are fresh on every retry. Throws a KitError (`auth.*`) when it cannot.
   */
  authenticate(request: AuthRequest): Promise<AuthRequest>;
  /** Fetches fresh credentials now (OAuth2). */
  refresh?(signal?: AbortSignal): Promise<void>;
  /**
   * Called when the server answered 401. Returns true when the strategy changed something (for
   * example invalidated its token) so one retry can succeed; false means retrying is pointless.
   *
   * `request` (optional, added after the first release of this contract) is the authenticated request
   * that got the 401; with it a strategy can tell a stale token from a freshly fetched one when many
   * requests fail at once.
   */
  onUnauthorized?(error: KitError, request?: AuthRequest): Promise<boolean>;
}
