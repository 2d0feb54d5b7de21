import { formatQuery } from '@kit/auth';
import { isKitError } from '@kit/errors';
import { REDACTED, redactSecretValues, redactString } from '@kit/logger';
import {
  activeContext,
  contextWithSpan,
  injectTraceContext,
  isSensitiveQueryName,
  type OtelAttributes,
  type OtelContext,
  type OtelSpan,
  SPAN_KIND,
  SPAN_STATUS_ERROR,
  withContext,
} from '@kit/logger/internal';
import { createSplitStep, type PipelineRequest, type PipelineResponse, type PipelineStep } from './pipeline';
import type { RestTelemetry } from './telemetry';

/** Name of the step that opens the logical call's INTERNAL span. */
const TELEMETRY_CALL_STEP = 'telemetryCall';
/** Name of the step that closes each attempt's CLIENT span and records its duration. */
const TELEMETRY_ATTEMPT_STEP = 'telemetryAttempt';
/** Name of the step that opens each attempt's CLIENT span and propagates its context. */
const TELEMETRY_EXCHANGE_STEP = 'telemetryExchange';

/**
 * What the three steps share about one logical call, kept on the request (`request.telemetry`):
 * one object of one shape per call, nothing looked up in a map per attempt.
 */
class CallState {
  /** The CLIENT span of the attempt in flight, once it reached the exchange step. */
  attemptSpan: OtelSpan | undefined = undefined;
  /** `performance.now()` when the attempt reached the exchange step; 0 when it did not (yet). */
  attemptStart = 0;
  /** The client's clock when the previous attempt ended (-1 before the first). */
  lastEnd = -1;
  totalDelayMs = 0;
  /** `url.full`, redacted: the same for every attempt (signed values are redacted). */
  urlFull: string | undefined = undefined;

  constructor(
    /** The INTERNAL span of the call (tracing on). */
    readonly span: OtelSpan | undefined,
    /** The context with that span active: the parent of every attempt's span. */
    readonly context: OtelContext | undefined,
    /** Whether the sampler kept the call (`isRecording()`); an unsampled call does no span work. */
    readonly recording: boolean,
    readonly method: string,
    readonly template: string | undefined,
    readonly name: string,
  ) {}
}

const stateOf = (request: PipelineRequest): CallState | undefined =>
  request.telemetry instanceof CallState ? request.telemetry : undefined;

/** The conventions' placeholder for a redacted query value. */
const REDACTED_VALUE = 'REDACTED';

/**
 * `url.full` as the attempt sent it, with credentials out: query parameters the auth strategy
 * added (keys, timestamps, nonces, signatures) keep their name with the value `REDACTED`, so do
 * the caller's parameters with a sensitive name (@kit/logger's list: `token`, `apiKey`, `key`,
 * `signature`, ...), and any registered secret anywhere in the URL is masked too. Built from the
 * parts (no regular expression over the text): it runs once per call.
 */
function fullUrl(request: PipelineRequest): string {
  const signed = request.authenticated?.query;
  const pairs: Array<readonly [string, string]> = [];
  let own: Map<string, string[]> | undefined;
  if (signed !== undefined && signed !== request.query) {
    own = new Map();
    for (const [key, value] of request.query) {
      const values = own.get(key);
      if (values === undefined) own.set(key, [value]);
      else values.push(value);
    }
  }
  for (const [key, value] of signed ?? request.query) {
    let mine = own === undefined;
    if (own !== undefined) {
      const values = own.get(key);
      const index = values === undefined ? -1 : values.indexOf(value);
      if (index >= 0) {
        (values as string[]).splice(index, 1);
        mine = true;
      }
    }
    pairs.push([key, mine && !isSensitiveQueryName(key) ? value : REDACTED_VALUE]);
  }
  const url = pairs.length > 0 ? `${request.url}?${formatQuery(pairs)}` : request.url;
  // The conventions' placeholder rather than the logger's `[REDACTED]`.
  return redactSecretValues(url).replaceAll(REDACTED, REDACTED_VALUE);
}

/** Failures @kit/retry's circuit breaker counts: retryable ones other than rate limits and cancellations. */
function countsAgainstHost(error: unknown): boolean {
  return (
    isKitError(error) && error.retryable && error.category !== 'rate_limit' && error.category !== 'cancelled'
  );
}

function errorCode(error: unknown): string {
  return isKitError(error) ? error.code : 'internal.unexpected';
}

/** Options of {@link createTelemetrySteps}. @internal */
export interface TelemetryStepsOptions {
  /**
   * Whether each attempt's CLIENT span is made the active span for the steps below the exchange
   * step (the debug and hook lines of the logging step then carry its ids). Without a logging
   * step nothing below logs, and the exchange step adds no promise of its own. @default false
   */
  activateAttemptSpan?: boolean;
}

/**
 * The three telemetry steps of a client (created only when a tracer or meter exists):
 * - `call`, after the idempotency step: the INTERNAL span of the logical call (method, server,
 *   template, idempotency key; at the end attempts, total delay between attempts, final status
 *   and `error.type`), made the active span for everything below it (log lines correlate);
 * - `attempt`, after the 401 step: ends each attempt's CLIENT span with `url.full`, the status and
 *   `error.type` (the KitError code, known only once the response is parsed) and records
 *   `http.client.request.duration`;
 * - `exchange`, after the rate limiter and before signing: opens the CLIENT span (so a limiter
 *   wait is not request time) and writes its trace context into the headers before the strategy
 *   signs them.
 *
 * `attempt` is a split step, and so is `exchange` unless the attempt span must be made active:
 * they run inside the client's other split steps' single callback, adding no promise per attempt.
 * @internal
 */
export function createTelemetrySteps(
  telemetry: RestTelemetry,
  stepOptions: TelemetryStepsOptions = {},
): {
  call: PipelineStep;
  attempt: PipelineStep;
  exchange: PipelineStep;
} {
  const { tracer, server, options } = telemetry;
  const now = telemetry.target.now;
  const withTemplate = options.metricUrlTemplate;
  const trackCircuit = telemetry.meter !== undefined && telemetry.target.circuitBreaker;
  const activateAttemptSpan = stepOptions.activateAttemptSpan === true;

  // Attribute objects without `undefined` values: the SDK copies (and checks) every key it is given.
  const callAttributes = (
    method: string,
    template: string | undefined,
    idempotencyKey: string | undefined,
  ): OtelAttributes => {
    const attributes: OtelAttributes = {
      'http.request.method': method,
      'server.address': server.address,
      'server.port': server.port,
    };
    if (template !== undefined) attributes['url.template'] = template;
    if (idempotencyKey !== undefined) attributes['kit.rest.idempotency_key'] = idempotencyKey;
    return attributes;
  };
  const attemptAttributes = (
    method: string,
    template: string | undefined,
    attempt: number,
  ): OtelAttributes => {
    const attributes: OtelAttributes = {
      'http.request.method': method,
      'server.address': server.address,
      'server.port': server.port,
    };
    if (template !== undefined) attributes['url.template'] = template;
    if (attempt > 1) attributes['http.request.resend_count'] = attempt - 1;
    return attributes;
  };

  const endCall = (
    state: CallState,
    request: PipelineRequest,
    response: PipelineResponse | undefined,
    error: unknown,
  ) => {
    if (error !== undefined && errorCode(error) === 'server.circuit_open') telemetry.circuit = 'open';
    const span = state.span;
    if (span === undefined || !state.recording) {
      span?.end();
      return;
    }
    const attributes: OtelAttributes = {
      'kit.rest.attempts': request.attempt,
      'kit.rest.total_delay_ms': state.totalDelayMs,
    };
    const status = response?.status ?? (isKitError(error) ? error.status : undefined);
    if (status !== undefined) attributes['http.response.status_code'] = status;
    if (error !== undefined) {
      attributes['error.type'] = errorCode(error);
      if (isKitError(error) && error.outcome !== undefined) attributes['kit.rest.outcome'] = error.outcome;
      span.setStatus({
        code: SPAN_STATUS_ERROR,
        message: redactString(isKitError(error) ? error.message : String(error)),
      });
    }
    span.setAttributes(attributes);
    span.end();
  };

  const endAttempt = (
    state: CallState,
    request: PipelineRequest,
    response: PipelineResponse | undefined,
    error: unknown,
  ) => {
    state.lastEnd = now();
    const start = state.attemptStart;
    // The attempt never reached the exchange (a limiter wait cut short): nothing was sent.
    if (start === 0) return;
    state.attemptStart = 0;
    const end = performance.now();
    const code = error === undefined ? undefined : errorCode(error);
    const status = response?.status ?? (isKitError(error) ? error.status : undefined);
    // The trial attempt of a half-open breaker decides: a failure that counts against the host
    // (what @kit/retry's breaker counts) opens it again, anything else closes it.
    if (telemetry.circuit === 'half_open') telemetry.circuit = countsAgainstHost(error) ? 'open' : 'closed';
    const span = state.attemptSpan;
    if (span !== undefined) {
      state.attemptSpan = undefined;
      state.urlFull ??= fullUrl(request);
      const attributes: OtelAttributes = { 'url.full': state.urlFull };
      if (status !== undefined) attributes['http.response.status_code'] = status;
      if (code !== undefined) {
        attributes['error.type'] = code;
        span.setStatus({ code: SPAN_STATUS_ERROR });
      }
      span.setAttributes(attributes);
      span.end(end);
    }
    if (telemetry.duration !== undefined) {
      const attributes: OtelAttributes = {
        'http.request.method': state.method,
        'server.address': server.address,
        'server.port': server.port,
      };
      if (status !== undefined) attributes['http.response.status_code'] = status;
      if (code !== undefined) attributes['error.type'] = code;
      if (withTemplate && state.template !== undefined) attributes['url.template'] = state.template;
      telemetry.recordDuration((end - start) / 1_000, attributes);
    }
  };

  const call: PipelineStep = {
    name: TELEMETRY_CALL_STEP,
    send(request, next) {
      const method = telemetry.method(request.method);
      const template = telemetry.template(request.pathTemplate);
      const name = template === undefined ? method : `${method} ${template}`;
      let span: OtelSpan | undefined;
      let context: OtelContext | undefined;
      if (tracer !== undefined) {
        const parent = activeContext();
        span = tracer.startSpan(
          name,
          {
            kind: SPAN_KIND.INTERNAL,
            attributes: callAttributes(method, template, request.idempotencyKey),
          },
          parent,
        );
        context = contextWithSpan(parent, span);
      }
      const state = new CallState(span, context, span?.isRecording() === true, method, template, name);
      request.telemetry = state;
      if (context === undefined && !trackCircuit) return next(request);
      const result = context === undefined ? next(request) : withContext(context, () => next(request));
      return result.then(
        (response) => {
          endCall(state, request, response, undefined);
          return response;
        },
        (error: unknown) => {
          endCall(state, request, undefined, error);
          throw error;
        },
      );
    },
  };

  const attempt = createSplitStep(
    TELEMETRY_ATTEMPT_STEP,
    (request) => {
      const state = stateOf(request);
      if (state === undefined) return undefined;
      if (state.lastEnd >= 0) state.totalDelayMs += Math.max(0, now() - state.lastEnd);
      // An attempt got past an open breaker: it is the half-open trial.
      if (telemetry.circuit === 'open') telemetry.circuit = 'half_open';
      state.attemptStart = 0;
      return undefined;
    },
    (request, response) => {
      const state = stateOf(request);
      if (state === undefined) return;
      telemetry.lastRateLimit = response.rateLimit;
      endAttempt(state, request, response, undefined);
    },
    (request, error) => {
      const state = stateOf(request);
      if (state !== undefined) endAttempt(state, request, undefined, error);
    },
  );

  /** Opens the attempt's CLIENT span and propagates; returns the context to make active, if any. */
  const openAttempt = (request: PipelineRequest): OtelContext | undefined => {
    const state = stateOf(request);
    if (state === undefined) return undefined;
    const start = performance.now();
    state.attemptStart = start;
    if (state.span !== undefined && !state.recording) {
      // A call the sampler left out: no attempt spans (they would not be recorded either), but
      // the venue still learns the trace is not sampled, and does not start one of its own.
      if (options.propagateContext)
        injectTraceContext(state.context as OtelContext, state.span, request.headers);
      return undefined;
    }
    if (tracer === undefined || state.context === undefined) return undefined;
    const span = tracer.startSpan(
      state.name,
      {
        kind: SPAN_KIND.CLIENT,
        startTime: start,
        attributes: attemptAttributes(state.method, state.template, request.attempt),
      },
      state.context,
    );
    state.attemptSpan = span;
    // Into the call's headers, which every attempt copies before signing: this attempt's
    // context replaces the previous one's, and a strategy that signs headers signs it too.
    if (options.propagateContext) injectTraceContext(state.context, span, request.headers);
    return activateAttemptSpan ? contextWithSpan(state.context, span) : undefined;
  };

  const exchange: PipelineStep = activateAttemptSpan
    ? {
        name: TELEMETRY_EXCHANGE_STEP,
        send(request, next) {
          const context = openAttempt(request);
          return context === undefined ? next(request) : withContext(context, () => next(request));
        },
      }
    : createSplitStep(
        TELEMETRY_EXCHANGE_STEP,
        (request) => {
          openAttempt(request);
          return undefined;
        },
        undefined,
      );

  return { call, attempt, exchange };
}
