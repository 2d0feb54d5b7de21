import type { AuthStrategy } from '@kit/auth';
import type { VendorErrorMapper } from '@kit/errors';
import { withoutUndefined } from '@kit/errors/internal';
import { type Logger, noopLogger } from '@kit/logger';
import type { MeterProviderLike, TracerProviderLike } from '@kit/logger/internal';
import { createRateLimiter, type RetryPolicyOptions } from '@kit/retry';
import type { AxiosAdapter, AxiosInstance } from 'axios';
import { type BaseUrl, parseBaseUrl } from './base-url';
import { mergeHeaders } from './headers';
import type { IdempotencyStepOptions } from './idempotency-step';
import {
  DEFAULT_IDEMPOTENCY_OPTIONS,
  DEFAULT_REST_CLIENT_OPTIONS,
  DEFAULT_TIMEOUTS,
  type RateLimiterLike,
  type RestClientHooks,
  type RestClientOptions,
  type RestClientTimeouts,
  type RestTelemetryOptions,
  type SchemaMode,
} from './rest-client-options';

/** {@link RestClientOptions} with every default applied, checked, once per client. @internal */
export interface ResolvedRestClientOptions {
  readonly base: BaseUrl;
  readonly auth: AuthStrategy | undefined;
  readonly logger: Logger;
  /** Whether the logger writes debug lines: without them (and hooks) there is no logging step. */
  readonly debug: boolean;
  readonly hooks: RestClientHooks;
  readonly timeouts: Required<RestClientTimeouts>;
  /** Headers every call starts from: `accept: application/json`, then the client's `headers`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly idempotency: IdempotencyStepOptions;
  readonly requestIdHeader: string | false;
  readonly requestIdHeaders: readonly string[] | undefined;
  readonly schemaMode: SchemaMode;
  readonly errorMapper: VendorErrorMapper | undefined;
  /** The policy's options: `retry: false` is one attempt; timeouts and logger filled from the client's. */
  readonly retry: RetryPolicyOptions;
  readonly limiter: RateLimiterLike | undefined;
  /** The retry policy's milliseconds clock (durations and absolute rate-limit hints use it). */
  readonly now: () => number;
  readonly adapter: AxiosAdapter | undefined;
  readonly axios: AxiosInstance | undefined;
  readonly maxRedirects: number;
  readonly tracerProvider: TracerProviderLike | undefined;
  readonly meterProvider: MeterProviderLike | undefined;
  readonly telemetry: RestTelemetryOptions | false | undefined;
}

function isLimiter(value: unknown): value is RateLimiterLike {
  return (
    typeof (value as RateLimiterLike).acquire === 'function' &&
    typeof (value as RateLimiterLike).observe === 'function'
  );
}

function isDebugEnabled(logger: Logger): boolean {
  if (logger === noopLogger) return false;
  const probe = logger as { isLevelEnabled?: (level: string) => boolean; level?: unknown };
  if (typeof probe.isLevelEnabled === 'function') return probe.isLevelEnabled('debug');
  if (typeof probe.level === 'string') return probe.level === 'debug' || probe.level === 'trace';
  return true;
}

/**
 * Applies the defaults of {@link RestClientOptions}, the one way every kit package does: an option
 * given as `undefined` (e.g. `connectMs: config.connectMs`, unset) is the documented default, at
 * every level. Checks the base URL, creates the limiter from its options. @internal
 */
export function resolveRestClientOptions(options: RestClientOptions): ResolvedRestClientOptions {
  const settings = { ...DEFAULT_REST_CLIENT_OPTIONS, ...withoutUndefined(options) };
  const logger = settings.logger ?? noopLogger;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...withoutUndefined(settings.timeouts) };
  const headers: Record<string, string> = { accept: 'application/json' };
  mergeHeaders(headers, settings.headers);
  const retry: RetryPolicyOptions =
    settings.retry === false ? { maxAttempts: 1, budget: false } : { ...withoutUndefined(settings.retry) };
  const rateLimit = settings.rateLimit;
  const retryClock = retry.clock;
  return {
    base: parseBaseUrl(options.baseUrl, settings.auth !== undefined),
    auth: settings.auth,
    logger,
    debug: isDebugEnabled(logger),
    hooks: settings.hooks ?? {},
    timeouts,
    headers,
    idempotency:
      settings.idempotency === false
        ? { enabled: false }
        : { ...DEFAULT_IDEMPOTENCY_OPTIONS, ...withoutUndefined(settings.idempotency) },
    requestIdHeader: settings.requestIdHeader,
    requestIdHeaders: settings.requestIdHeaders,
    schemaMode: settings.schemaMode,
    errorMapper: settings.errorMapper,
    retry: {
      attemptTimeoutMs: timeouts.attemptMs,
      deadlineMs: timeouts.deadlineMs,
      logger,
      ...retry,
    },
    limiter:
      rateLimit === undefined || rateLimit === false
        ? undefined
        : isLimiter(rateLimit)
          ? rateLimit
          : createRateLimiter(rateLimit),
    now: retryClock === undefined ? Date.now : () => retryClock.now(),
    adapter: settings.adapter,
    axios: settings.axios,
    maxRedirects: settings.maxRedirects,
    tracerProvider: settings.tracerProvider,
    meterProvider: settings.meterProvider,
    telemetry: settings.telemetry,
  };
}
