import type { AuthStrategy } from '@kit/auth';
import type { KitError, VendorErrorMapper } from '@kit/errors';
import type { Logger } from '@kit/logger';
import type { MeterProviderLike, TracerProviderLike } from '@kit/logger/internal';
import type { RateLimiterOptions, RetryPolicyOptions } from '@kit/retry';
import type { AxiosAdapter, AxiosInstance } from 'axios';
import type { RateLimitInfo } from './rate-limit-info';

/** Timeouts of a client, in milliseconds. */
export interface RestClientTimeouts {
  /** Time to open a TCP/TLS connection (axios's Node adapter, through keep-alive agents). @default 10_000 */
  connectMs?: number;
  /** Timeout of one attempt; capped by the time left before the deadline. @default 30_000 */
  attemptMs?: number;
  /** Overall deadline of one call, every attempt and wait included; wins over the attempt count. @default 60_000 */
  deadlineMs?: number;
}

/** Defaults of {@link RestClientTimeouts}: 10 s to connect, 30 s per attempt, 60 s overall. */
export const DEFAULT_TIMEOUTS = {
  connectMs: 10_000,
  attemptMs: 30_000,
  deadlineMs: 60_000,
} as const satisfies Required<RestClientTimeouts>;

/** How idempotency keys are added. */
export interface IdempotencyOptions {
  /** Send a generated key on POST and PATCH calls. @default true */
  enabled?: boolean;
  /** The header that carries the key. @default 'Idempotency-Key' */
  headerName?: string;
  /** Generates a key, once per logical call. @default crypto.randomUUID */
  generate?: () => string;
}

/** Defaults of {@link IdempotencyOptions}. */
export const DEFAULT_IDEMPOTENCY_OPTIONS = {
  enabled: true,
  headerName: 'Idempotency-Key',
} as const satisfies Omit<Required<IdempotencyOptions>, 'generate'>;

/** A rate limiter as the client uses it (`createRateLimiter()` from @kit/retry returns one). */
export interface RateLimiterLike {
  /** Waits until `weight` units are available. */
  acquire(weight?: number, options?: { signal?: AbortSignal }): Promise<void>;
  /** Feeds a response's status and headers back (a 429 pauses the whole queue). */
  observe(response: { status?: number; headers: Record<string, string> }): void;
}

/** What `onRequest` receives, once per attempt, before sending. Never holds credentials. */
export interface RequestEvent {
  /** The HTTP method. */
  method: string;
  /** The path without query string. */
  path: string;
  /** The endpoint's path template. */
  endpoint: string;
  /** 1-based attempt number. */
  attempt: number;
  /** The idempotency key, if the call has one. */
  idempotencyKey: string | undefined;
}

/** What `onResponse` receives for every response (any status), once per attempt. */
export interface ResponseEvent extends RequestEvent {
  /** The HTTP status of the response. */
  status: number;
  /** Duration of the attempt, in milliseconds. */
  durationMs: number;
  /** The server's request id. */
  requestId: string | undefined;
  /** The rate-limit headers of the response. */
  rateLimit: RateLimitInfo;
}

/** What `onRetry` receives before the client waits for another attempt. */
export interface RetryHookEvent extends RequestEvent {
  /** How long the client waits, in milliseconds. */
  delayMs: number;
  /** Why the attempt failed. */
  error: KitError;
}

/** What `onRateLimit` receives: the limiter made the call wait, or the server answered 429. */
export interface RateLimitEvent extends RequestEvent {
  /** How long the call waited for the limiter, in milliseconds (0 when the event is a 429). */
  waitedMs: number;
  /** The status, when a response triggered the event (429). */
  status: number | undefined;
  /** The rate-limit headers, when a response triggered the event. */
  rateLimit: RateLimitInfo | undefined;
}

/** What `onError` receives once, when a call fails for good. */
export interface ErrorEvent {
  /** The HTTP method. */
  method: string;
  /** The path without query string. */
  path: string;
  /** The endpoint's path template. */
  endpoint: string;
  /** The error the call rejects with. */
  error: KitError;
}

/** Hooks for metrics and tracing. A hook that throws is logged and ignored. */
export interface RestClientHooks {
  /** Before each attempt is sent. */
  onRequest?: (event: RequestEvent) => void;
  /** After each response (any status). */
  onResponse?: (event: ResponseEvent) => void;
  /** Before waiting for a retry. */
  onRetry?: (event: RetryHookEvent) => void;
  /** When the limiter delayed a call or the server answered 429. */
  onRateLimit?: (event: RateLimitEvent) => void;
  /** When a call fails for good. */
  onError?: (event: ErrorEvent) => void;
}

/**
 * OpenTelemetry settings of a client (the providers are `tracerProvider` and `meterProvider`).
 * Every span, attribute and metric is listed in docs/observability.md.
 */
export interface RestTelemetryOptions {
  /**
   * Send the attempt's trace context on every request (`traceparent`/`tracestate`, or whatever
   * propagator the application registered), so the venue's traces join yours. @default true
   */
  propagateContext?: boolean;
  /**
   * Treat every call's path as its `url.template` (span names `GET /v1/account`). Without it only
   * declared endpoints and paths with `{param}` placeholders are templates; other calls' spans are
   * named by the method alone, since a path built by hand may hold ids. @default false
   */
  pathsAreTemplates?: boolean;
  /**
   * Add `url.template` to `http.client.request.duration` (the conventions make it opt-in: one
   * series per endpoint). @default false
   */
  metricUrlTemplate?: boolean;
}

/** `strict` fails a call whose response does not match its schema; `tolerant` returns it and warns about the drift. */
export type SchemaMode = 'strict' | 'tolerant';

/** Options for `createRestClient`. */
export interface RestClientOptions {
  /** Base URL every path is appended to, e.g. `https://api.example.com/v1`. Required. */
  baseUrl: string;
  /** Authenticates every attempt afresh. @default no authentication */
  auth?: AuthStrategy;
  /** Retry policy options (@kit/retry), or `false` for a single attempt. @default 3 attempts, decorrelated jitter from 500 ms capped at 10 s, a 60 s deadline */
  retry?: RetryPolicyOptions | false;
  /**
   * A rate limiter (share one between clients to share a limit), options for @kit/retry's
   * `createRateLimiter()`, or `false` for none. @default false
   */
  rateLimit?: RateLimiterLike | RateLimiterOptions | false;
  /** Where the client logs (debug per attempt, info on retry, warn on give-up). @default noopLogger */
  logger?: Logger;
  /** Timeouts. @default DEFAULT_TIMEOUTS */
  timeouts?: RestClientTimeouts;
  /** Headers sent on every request. @default {} */
  headers?: Record<string, string>;
  /** Metrics hooks. @default {} */
  hooks?: RestClientHooks;
  /** Idempotency keys for POST and PATCH, or `false` to never send one. @default DEFAULT_IDEMPOTENCY_OPTIONS */
  idempotency?: IdempotencyOptions | false;
  /** Header carrying a client-generated request id on every call, or `false`. @default 'X-Request-Id' */
  requestIdHeader?: string | false;
  /** Response headers to read the server's request id from, in order. @default @kit/errors' DEFAULT_REQUEST_ID_HEADERS */
  requestIdHeaders?: readonly string[];
  /** What a response that does not match its schema does. @default 'strict' */
  schemaMode?: SchemaMode;
  /**
   * Maps venue error bodies onto KitErrors (`createVendorErrorMapper()` from @kit/errors). Called
   * for every response, 2xx included, so errors inside 200 bodies are caught; when it returns
   * undefined the client classifies the response by status. @default undefined
   */
  errorMapper?: VendorErrorMapper;
  /** An axios adapter (e.g. `createUndiciAdapter()` from `@kit/rest-client/undici`). @default axios's own */
  adapter?: AxiosAdapter;
  /** The axios instance to send with (its interceptors run on every attempt). @default a new instance */
  axios?: AxiosInstance;
  /**
   * Redirects to follow. Off by default: axios strips only `Authorization`, `Cookie` and
   * `Proxy-Authorization` on a cross-origin redirect, so API-key and signature headers would be
   * sent to whatever host the redirect names. A 3xx then fails as a classified `client.error`.
   * Ignored when `axios` is given (configure that instance yourself). @default 0
   */
  maxRedirects?: number;
  /**
   * Where spans go: a CLIENT span per attempt under an INTERNAL span per call. Found once, when the
   * client is created. @default the globally registered provider; none when nothing is registered
   */
  tracerProvider?: TracerProviderLike;
  /** Where metrics go. Found once, when the client is created. @default the globally registered provider; none when nothing is registered */
  meterProvider?: MeterProviderLike;
  /** OpenTelemetry settings, or `false` for no telemetry even when providers are registered. @default {} */
  telemetry?: RestTelemetryOptions | false;
}

/** Defaults of the scalar {@link RestClientOptions}. */
export const DEFAULT_REST_CLIENT_OPTIONS = {
  requestIdHeader: 'X-Request-Id',
  schemaMode: 'strict',
  headers: {},
  maxRedirects: 0,
} as const satisfies Pick<RestClientOptions, 'requestIdHeader' | 'schemaMode' | 'headers' | 'maxRedirects'>;
