import { assertSecureTransport } from '@kit/auth';
import { classifyError, isKitError, KitError } from '@kit/errors';
import { withoutUndefined } from '@kit/errors/internal';
import { type Logger, noopLogger } from '@kit/logger';
import { createRateLimiter, createRetryPolicy, type RetryPolicy, type RetryPolicyOptions } from '@kit/retry';
import axios from 'axios';
import { type GenericSchema, safeParse } from 'valibot';
import { createAuthStep } from './auth-step';
import { createAxiosTransport } from './axios-transport';
import { callHook } from './call-hook';
import { type Endpoint, type EndpointInput, type EndpointOutput, isEndpoint } from './define-endpoint';
import { createIdempotencyStep } from './idempotency-step';
import { createKeepAliveAgents } from './keep-alive-agents';
import { createLoggingStep } from './logging-step';
import { type NextLink, type PaginateOptions, paginatePages } from './paginate';
import { expandPath } from './path-template';
import { composePipeline, type PipelineRequest, type PipelineResponse, type PipelineStep } from './pipeline';
import { toQueryPairs } from './query-string';
import { createRateLimitStep } from './rate-limit-step';
import { serializeBody } from './request-body';
import { withRequestContext } from './request-context';
import { createRequestIdStep } from './request-id-step';
import { createResponseParsingStep } from './response-parsing-step';
import {
  DEFAULT_IDEMPOTENCY_OPTIONS,
  DEFAULT_REST_CLIENT_OPTIONS,
  DEFAULT_TIMEOUTS,
  type RateLimiterLike,
  type RestClientOptions,
} from './rest-client-options';
import type { HttpMethod, RestRequestOptions, RestResponse, SchemaOutput } from './rest-request';
import { createRetryStep } from './retry-step';
import { createSchemaStep } from './schema-step';
import { createRestTelemetry } from './telemetry';
import { createTelemetrySteps } from './telemetry-step';
import { createUnauthorizedStep } from './unauthorized-step';

/** Per-call options of the method shortcuts. */
export type CallOptions = Omit<RestRequestOptions<GenericSchema | undefined>, 'method' | 'path' | 'body'>;

/** Per-call options of `client.call()`. */
export interface EndpointCallOptions {
  /** Cancels the call. @default none */
  signal?: AbortSignal;
}

/** The arguments of `client.call()`: the input may be left out when nothing in it is required. */
export type EndpointCallArgs<E> =
  Record<string, never> extends EndpointInput<E>
    ? [input?: EndpointInput<E>, options?: EndpointCallOptions]
    : [input: EndpointInput<E>, options?: EndpointCallOptions];

/** A REST client. Create one per API (base URL) and reuse it. */
export interface RestClient {
  /** The base URL every path is appended to. */
  readonly baseUrl: string;
  /** Sends one call through the pipeline; the data type follows `schema`. */
  request<S extends GenericSchema | undefined = undefined>(
    options: RestRequestOptions<S>,
  ): Promise<RestResponse<SchemaOutput<S>>>;
  /** `GET path`. */
  get<S extends GenericSchema | undefined = undefined>(
    path: string,
    options?: CallOptions & { schema?: S },
  ): Promise<RestResponse<SchemaOutput<S>>>;
  /** `DELETE path`. */
  delete<S extends GenericSchema | undefined = undefined>(
    path: string,
    options?: CallOptions & { schema?: S },
  ): Promise<RestResponse<SchemaOutput<S>>>;
  /** `POST path` with a body (an idempotency key is generated unless disabled). */
  post<S extends GenericSchema | undefined = undefined>(
    path: string,
    body?: unknown,
    options?: CallOptions & { schema?: S },
  ): Promise<RestResponse<SchemaOutput<S>>>;
  /** `PUT path` with a body. */
  put<S extends GenericSchema | undefined = undefined>(
    path: string,
    body?: unknown,
    options?: CallOptions & { schema?: S },
  ): Promise<RestResponse<SchemaOutput<S>>>;
  /** `PATCH path` with a body (an idempotency key is generated unless disabled). */
  patch<S extends GenericSchema | undefined = undefined>(
    path: string,
    body?: unknown,
    options?: CallOptions & { schema?: S },
  ): Promise<RestResponse<SchemaOutput<S>>>;
  /** Calls a declared endpoint: input validated, path filled, response validated and typed. */
  call<E extends Endpoint>(
    endpoint: E,
    ...args: EndpointCallArgs<E>
  ): Promise<RestResponse<EndpointOutput<E>>>;
  /** Iterates pages of an endpoint (pass its input as `input`) or of request options. */
  paginate<E extends Endpoint>(
    endpoint: E,
    options: PaginateOptions<EndpointOutput<E>> & { input?: EndpointInput<E> },
  ): AsyncIterable<RestResponse<EndpointOutput<E>>>;
  paginate<S extends GenericSchema | undefined = undefined>(
    request: RestRequestOptions<S>,
    options: PaginateOptions<SchemaOutput<S>>,
  ): AsyncIterable<RestResponse<SchemaOutput<S>>>;
}

function isDebugEnabled(logger: Logger): boolean {
  if (logger === noopLogger) return false;
  const probe = logger as { isLevelEnabled?: (level: string) => boolean; level?: unknown };
  if (typeof probe.isLevelEnabled === 'function') return probe.isLevelEnabled('debug');
  if (typeof probe.level === 'string') return probe.level === 'debug' || probe.level === 'trace';
  return true;
}

/** Copies headers in, replacing any existing header of the same name in another letter case. */
function mergeHeaders(target: Record<string, string>, source: Readonly<Record<string, string>>): void {
  for (const name in source) {
    const lower = name.toLowerCase();
    for (const existing in target)
      if (existing !== name && existing.toLowerCase() === lower) delete target[existing];
    target[name] = source[name] as string;
  }
}

function isLimiter(value: unknown): value is RateLimiterLike {
  return (
    typeof (value as RateLimiterLike).acquire === 'function' &&
    typeof (value as RateLimiterLike).observe === 'function'
  );
}

function invalid(message: string, details?: unknown): KitError {
  return new KitError('client.invalid_argument', { message, details, outcome: 'not_sent' });
}

function requestMismatch(
  method: string,
  path: string,
  what: string,
  issues: readonly { path?: unknown }[],
): KitError {
  const paths = issues.map((issue) =>
    ((issue.path as { key: unknown }[] | undefined) ?? []).map((item) => String(item.key)).join('.'),
  );
  return new KitError('schema.request_mismatch', {
    message: `${method} ${path}: the ${what} did not match its schema (${paths.map((p) => p || '(root)').join(', ')})`,
    method,
    path,
    outcome: 'not_sent',
    details: { part: what, paths },
  });
}

/**
 * Creates a REST client over one axios instance. The pipeline, outermost first (each step its own
 * file): request id -> idempotency key -> retry (@kit/retry policy and rule) -> 401 replay -> schema
 * -> response parsing -> rate limit -> auth -> logging -> axios transport. Per-call steps run once;
 * the rest once per attempt, so every attempt waits for the limiter and is signed afresh.
 *
 * @example
 * ```ts
 * const client = createRestClient({ baseUrl: 'https://api.example.com/v1', auth: bearerAuth({ token }) });
 * const { data } = await client.get('/account', { schema: Account });
 * ```
 */
export function createRestClient(options: RestClientOptions): RestClient {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (cause) {
    throw new KitError('config.invalid', {
      message: 'baseUrl is not an absolute URL',
      cause,
      details: { option: 'baseUrl' },
    });
  }
  if (base.search !== '' || base.hash !== '')
    throw invalid('baseUrl must not have a query string or fragment');
  if (options.auth !== undefined) assertSecureTransport(base);
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/+$/, '');
  const baseUrl = origin + basePath;

  const logger = options.logger ?? noopLogger;
  const hooks = options.hooks ?? {};
  // An option written as `undefined` (e.g. `connectMs: config.connectMs`, unset) means the default.
  const timeouts = { ...DEFAULT_TIMEOUTS, ...withoutUndefined(options.timeouts) };
  const defaultHeaders: Record<string, string> = { accept: 'application/json' };
  mergeHeaders(defaultHeaders, options.headers ?? DEFAULT_REST_CLIENT_OPTIONS.headers);
  const idempotency =
    options.idempotency === false
      ? { enabled: false }
      : { ...DEFAULT_IDEMPOTENCY_OPTIONS, ...options.idempotency };
  const requestIdHeader = options.requestIdHeader ?? DEFAULT_REST_CLIENT_OPTIONS.requestIdHeader;
  const retryOptions: RetryPolicyOptions =
    options.retry === false ? { maxAttempts: 1, budget: false } : (options.retry ?? {});
  const limiter =
    options.rateLimit === undefined || options.rateLimit === false
      ? undefined
      : isLimiter(options.rateLimit)
        ? options.rateLimit
        : createRateLimiter(options.rateLimit);
  const retryClock = retryOptions.clock;
  const clockNow = retryClock === undefined ? Date.now : () => retryClock.now();
  // OpenTelemetry, looked up once: undefined when nothing is registered (the pipeline then has no
  // telemetry step at all).
  const telemetry = createRestTelemetry(options, {
    base,
    basePath,
    limiter,
    circuitBreaker: Boolean(retryOptions.circuitBreaker),
    now: clockNow,
  });
  const telemetrySteps = telemetry === undefined ? undefined : createTelemetrySteps(telemetry);
  const stepHooks = telemetry?.hooks(hooks) ?? hooks;
  const policy: RetryPolicy = createRetryPolicy({
    ...retryOptions,
    attemptTimeoutMs: retryOptions.attemptTimeoutMs ?? timeouts.attemptMs,
    deadlineMs: retryOptions.deadlineMs ?? timeouts.deadlineMs,
    logger: retryOptions.logger ?? logger,
    onGiveUp: telemetry?.onGiveUp(retryOptions.onGiveUp) ?? retryOptions.onGiveUp,
  });
  const debug = isDebugEnabled(logger);

  // The pipeline, composed once: this list is the whole request flow.
  const steps: PipelineStep[] = [];
  if (requestIdHeader !== false) steps.push(createRequestIdStep({ headerName: requestIdHeader }));
  steps.push(createIdempotencyStep(idempotency));
  if (telemetrySteps !== undefined) steps.push(telemetrySteps.call);
  steps.push(
    createRetryStep({ policy, logger, hooks: stepHooks, budgetKey: base.host, paced: limiter !== undefined }),
  );
  if (options.auth?.onUnauthorized !== undefined)
    steps.push(createUnauthorizedStep({ auth: options.auth, logger }));
  if (telemetrySteps !== undefined) steps.push(telemetrySteps.attempt);
  steps.push(
    createSchemaStep({ mode: options.schemaMode ?? DEFAULT_REST_CLIENT_OPTIONS.schemaMode, logger }),
  );
  steps.push(
    createResponseParsingStep({
      errorMapper: options.errorMapper,
      requestIdHeaders: options.requestIdHeaders,
      now: clockNow,
    }),
  );
  if (limiter !== undefined || hooks.onRateLimit !== undefined) {
    steps.push(createRateLimitStep({ limiter, hooks: stepHooks, logger, now: clockNow }));
  }
  if (telemetrySteps !== undefined) steps.push(telemetrySteps.exchange);
  if (options.auth !== undefined) steps.push(createAuthStep({ auth: options.auth }));
  if (debug || hooks.onRequest !== undefined || hooks.onResponse !== undefined) {
    steps.push(createLoggingStep({ logger, hooks, debug }));
  }
  const instance =
    options.axios ??
    axios.create({
      maxRedirects: options.maxRedirects ?? DEFAULT_REST_CLIENT_OPTIONS.maxRedirects,
      ...(options.adapter === undefined ? {} : { adapter: options.adapter }),
    });
  const useOwnAgents =
    options.adapter === undefined &&
    instance.defaults.httpAgent === undefined &&
    instance.defaults.httpsAgent === undefined;
  const send = composePipeline(
    steps,
    createAxiosTransport({
      instance,
      requestIdHeaders: options.requestIdHeaders,
      agents: useOwnAgents ? createKeepAliveAgents(timeouts.connectMs) : undefined,
    }),
  );

  const fail = (error: unknown, request: PipelineRequest): KitError => {
    const kit = withRequestContext(
      isKitError(error) ? error : classifyError(error, { method: request.method, path: request.path }),
      {
        method: request.method,
        path: request.path,
        attempts: request.attempt,
      },
    );
    if (kit.code === 'cancelled.aborted') {
      if (debug)
        logger.debug('rest: call cancelled', {
          method: kit.method,
          path: kit.path,
          attempt: request.attempt,
        });
    } else {
      const fields = {
        method: kit.method,
        path: kit.path,
        status: kit.status,
        attempt: request.attempt,
        code: kit.code,
        requestId: kit.requestId,
        durationMs: clockNow() - request.startedAtMs,
        totalDelayMs: kit.totalDelayMs,
      };
      // A 404 or 409 on the first attempt is the server's final answer to a question the caller
      // asked (a lookup that finds nothing, a cancel of a cancelled order), not a failure to warn
      // about: callers handle those every day, and a warning per lookup buries the real ones.
      if (request.attempt === 1 && (kit.category === 'not_found' || kit.category === 'conflict')) {
        logger.info('rest: answered with an error', fields);
      } else {
        logger.warn('rest: giving up', fields);
      }
    }
    callHook(logger, 'onError', hooks.onError, {
      method: request.method,
      path: request.path,
      endpoint: request.pathTemplate,
      error: kit,
    });
    return kit;
  };

  /** A call rejected before anything was sent (a missing path parameter, an invalid input). */
  const failBeforeSending = (error: unknown, method: string, pathTemplate: string): KitError => {
    const kit = isKitError(error) ? error : classifyError(error, { method, path: pathTemplate });
    logger.warn('rest: call rejected before sending', { method, endpoint: pathTemplate, code: kit.code });
    callHook(logger, 'onError', hooks.onError, {
      method,
      path: pathTemplate,
      endpoint: pathTemplate,
      error: kit,
    });
    return kit;
  };

  const build = (call: RestRequestOptions<GenericSchema | undefined>): PipelineRequest => {
    const method = call.method.toUpperCase() as HttpMethod;
    const expanded = expandPath(call.path, call.params);
    if (!expanded.startsWith('/')) throw invalid(`The path must start with "/": ${call.path}`);
    const body = serializeBody(call.body);
    const headers = { ...defaultHeaders };
    if (body?.contentType !== undefined) headers['content-type'] = body.contentType;
    if (call.headers !== undefined) mergeHeaders(headers, call.headers);
    return {
      method,
      url: baseUrl + expanded,
      path: basePath + expanded,
      pathTemplate: call.path,
      query: toQueryPairs(call.query),
      headers,
      body: body?.text,
      signal: call.signal,
      weight: call.weight ?? 1,
      schema: call.schema,
      idempotencyKey: call.idempotencyKey,
      replayedUnauthorized: false,
      attempt: 0,
      attemptSignal: undefined,
      sent: undefined,
      authenticated: undefined,
      startedAtMs: clockNow(),
    };
  };

  const request = async <S extends GenericSchema | undefined>(
    call: RestRequestOptions<S>,
  ): Promise<RestResponse<SchemaOutput<S>>> => {
    let pipelineRequest: PipelineRequest;
    try {
      pipelineRequest = build(call);
    } catch (error) {
      throw failBeforeSending(error, call.method, call.path);
    }
    let response: PipelineResponse;
    try {
      response = await send(pipelineRequest);
    } catch (error) {
      throw fail(error, pipelineRequest);
    }
    return {
      data: response.data as SchemaOutput<S>,
      status: response.status,
      headers: response.headers,
      requestId: response.requestId,
      rateLimit: response.rateLimit,
      attempts: pipelineRequest.attempt,
      durationMs: clockNow() - pipelineRequest.startedAtMs,
    };
  };

  const endpointRequest = (
    endpoint: Endpoint,
    input: Record<string, unknown> = {},
    signal?: AbortSignal,
  ): RestRequestOptions => {
    let query = input.query;
    let body = input.body;
    if (endpoint.query !== undefined && query !== undefined) {
      const result = safeParse(endpoint.query, query);
      if (!result.success) throw requestMismatch(endpoint.method, endpoint.path, 'query', result.issues);
      query = result.output;
    }
    if (endpoint.body !== undefined) {
      const result = safeParse(endpoint.body, body);
      if (!result.success) throw requestMismatch(endpoint.method, endpoint.path, 'body', result.issues);
      body = result.output;
    }
    return {
      method: endpoint.method,
      path: endpoint.path,
      params: input.params as RestRequestOptions['params'],
      query: query as RestRequestOptions['query'],
      body,
      headers: input.headers as RestRequestOptions['headers'],
      idempotencyKey: input.idempotencyKey as string | undefined,
      schema: endpoint.response,
      weight: endpoint.weight,
      signal,
    };
  };

  const resolveLink = (href: string): NextLink => {
    let target: URL;
    try {
      target = new URL(href, baseUrl);
    } catch (cause) {
      throw new KitError('client.invalid_argument', {
        message: 'The Link header holds an invalid URL',
        cause,
      });
    }
    if (target.origin !== origin || !target.pathname.startsWith(basePath)) {
      // Following it would send our credentials to another host.
      throw invalid('The next-page link points outside the base URL; refusing to follow it', {
        origin: target.origin,
      });
    }
    return { path: target.pathname.slice(basePath.length) || '/', query: [...target.searchParams] };
  };

  const shortcut =
    (method: HttpMethod) =>
    <S extends GenericSchema | undefined>(path: string, options?: CallOptions & { schema?: S }) =>
      request<S>({ ...options, method, path } as RestRequestOptions<S>);
  const withBody =
    (method: HttpMethod) =>
    <S extends GenericSchema | undefined>(
      path: string,
      body?: unknown,
      options?: CallOptions & { schema?: S },
    ) =>
      request<S>({ ...options, method, path, body } as RestRequestOptions<S>);

  return {
    baseUrl,
    request,
    get: shortcut('GET'),
    delete: shortcut('DELETE'),
    post: withBody('POST'),
    put: withBody('PUT'),
    patch: withBody('PATCH'),
    async call<E extends Endpoint>(endpoint: E, ...args: EndpointCallArgs<E>) {
      const [input, callOptions] = args;
      telemetry?.declare(endpoint.path);
      let options: RestRequestOptions;
      try {
        options = endpointRequest(
          endpoint,
          input as Record<string, unknown> | undefined,
          callOptions?.signal,
        );
      } catch (error) {
        throw failBeforeSending(error, endpoint.method, endpoint.path);
      }
      return (await request(options)) as RestResponse<EndpointOutput<E>>;
    },
    paginate(target: Endpoint | RestRequestOptions, options: PaginateOptions<unknown> & { input?: unknown }) {
      if (isEndpoint(target)) telemetry?.declare(target.path);
      const first = isEndpoint(target)
        ? endpointRequest(target, options.input as Record<string, unknown> | undefined, options.signal)
        : target;
      return paginatePages(request, first, options, resolveLink);
    },
  } as RestClient;
}
