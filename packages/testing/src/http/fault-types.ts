import type { SchemaDrift } from './schema-drift';

/** How a 429 says when to come back. */
export type RetryAfterSpec =
  /** `Retry-After: <delta-seconds>`. */
  | { seconds: number }
  /** `Retry-After: <HTTP-date>` (a Date or epoch milliseconds). */
  | { date: Date | number }
  /** `retry-after-ms: <ms>` (the header some APIs send, e.g. OpenAI). */
  | { ms: number };

/**
 * One fault the server can inject. Faults that replace the response (`status`, `rate_limit`,
 * `html_error`, `hang`, `reset`) run before the route handler unless `afterHandler` is set, so a side
 * effect only happens when you say so; faults that corrupt delivery (`truncated`, `malformed_json`,
 * `empty_body`, `reset` with `midBody`) always run after it; `latency`, `drift` and `slow_body`
 * combine with whatever else applies.
 */
export type Fault =
  /** Waits before answering: a fixed `ms`, or a seeded uniform value in `[minMs, maxMs]`. */
  | { type: 'latency'; ms?: number; minMs?: number; maxMs?: number }
  /** Answers with a status (a 5xx, usually) and an optional JSON body and headers. */
  | {
      type: 'status';
      status: number;
      json?: unknown;
      headers?: Record<string, string>;
      /** Run the handler first (the side effect happens, the answer is still an error). */
      afterHandler?: boolean;
    }
  /** Answers 429 with `Retry-After` (or `retry-after-ms`) and `X-RateLimit-*` headers. */
  | {
      type: 'rate_limit';
      retryAfter?: RetryAfterSpec;
      limit?: number;
      remaining?: number;
      /** `X-RateLimit-Reset`, in seconds from now. */
      resetSeconds?: number;
      headers?: Record<string, string>;
      json?: unknown;
    }
  /**
   * Resets the connection (TCP RST): before any byte of the response, or with `midBody` after the
   * headers and half of the body.
   */
  | { type: 'reset'; midBody?: boolean; afterHandler?: boolean }
  /** Never answers; the socket stays open until the client gives up or the server closes. */
  | { type: 'hang'; afterHandler?: boolean }
  /** Announces the full Content-Length, sends half the body, then closes the socket. */
  | { type: 'truncated' }
  /** Sends a JSON content type with a body that is not valid JSON. */
  | { type: 'malformed_json' }
  /** Answers like a proxy: an HTML error page (status 502 unless given). */
  | { type: 'html_error'; status?: number }
  /** Answers with the handler's status (or `status`) and an empty body. */
  | { type: 'empty_body'; status?: number }
  /** Changes the handler's JSON: fields renamed, added, removed or retyped. */
  | ({ type: 'drift' } & SchemaDrift)
  /** Sends the body in chunks of `chunkBytes` (default 16) with `delayMs` (default 20) between them. */
  | { type: 'slow_body'; chunkBytes?: number; delayMs?: number };

/** The name of a fault kind. */
export type FaultType = Fault['type'];

/**
 * When a fault applies. Rules are evaluated in order for every request (route rules first, then
 * global ones); all matching `latency`, `drift` and `slow_body` faults combine, and the first other
 * fault wins.
 */
export interface FaultRule {
  /** The fault to inject. */
  fault: Fault;
  /** Only the first N requests this rule matches get the fault ("fail the first 2"). */
  firstN?: number;
  /** Seeded probability in `[0, 1]` that a matching request gets the fault. @default 1 */
  probability?: number;
  /** Global rules only: restrict to a method (`*` for any) and/or a path pattern (`/orders/:id`). */
  match?: { method?: string; path?: string };
}

/** What a handler sees. */
export interface FaultRequest {
  /** Upper-case method. */
  method: string;
  /** The decoded path without query string. */
  path: string;
  /** The route's `:params`, decoded. */
  params: Record<string, string>;
  /** Query parameters in arrival order; repeated keys become arrays. */
  query: Record<string, string | string[]>;
  /** The raw query string without `?` (what a signature covers). */
  rawQuery: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The raw body. */
  body: string;
  /** The body parsed as JSON, or undefined when empty or not JSON. */
  json: unknown;
  /** The `Idempotency-Key` header (or the configured name), if any. */
  idempotencyKey: string | undefined;
  /** How many times this logical request has arrived, counting this one (see {@link RecordedRequest.attempt}). */
  attempt: number;
}

/** What a handler returns. */
export interface FaultResponse {
  /** @default 200 */
  status?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** A JSON body (sent with `Content-Type: application/json`). */
  json?: unknown;
  /** A raw body, used when `json` is undefined. */
  body?: string | Uint8Array;
}

/** A route handler: a function of the request, or a fixed response. */
export type FaultHandler =
  | ((request: FaultRequest) => FaultResponse | Promise<FaultResponse>)
  | FaultResponse;

/** A route the test defines. */
export interface FaultRouteDefinition {
  /** Method, or `*` for any. */
  method: string;
  /** Path pattern with `:params`, e.g. `/v1/orders/:id`. */
  path: string;
  /** The handler. @default `{ status: 200, json: {} }` */
  handler?: FaultHandler;
  /**
   * Counts side effects by idempotency key: the handler runs once per key and repeats replay the
   * stored response (requests without a key run every time).
   * @default false
   */
  sideEffect?: boolean;
  /** Faults for this route only. */
  faults?: FaultRule[];
}

/** One request as the server saw it. */
export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  /** Upper-case method. */
  method: string;
  /** The decoded path without query string. */
  path: string;
  /** Query parameters in arrival order; repeated keys become arrays. */
  query: Record<string, string | string[]>;
  /** The raw query string without `?` (what a signature covers). */
  rawQuery: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The raw body. */
  body: string;
  /** The `Idempotency-Key` header (or the configured name), if any. */
  idempotencyKey: string | undefined;
  /** The matched route pattern (`GET /orders/:id`), or undefined for a 404. */
  route: string | undefined;
  /**
   * The attempt number of this logical request: the nth arrival with this idempotency key, or
   * without one, the nth arrival of this method + path + query.
   */
  attempt: number;
  /** `Date.now()` on arrival. */
  receivedAtMs: number;
  /** Milliseconds since the previous attempt of the same logical request (0 for the first). */
  sinceLastAttemptMs: number;
  /** Whether the request came on a keep-alive socket that had served an earlier request. */
  socketReused: boolean;
  /** The fault types applied to it. */
  faults: FaultType[];
  /** The status sent, when a status line was sent. */
  status: number | undefined;
}
