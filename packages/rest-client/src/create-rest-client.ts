import type { GenericSchema } from 'valibot';
import { createRequestBuilder } from './build-request';
import { createPipelineFromOptions } from './create-pipeline';
import { type Endpoint, type EndpointInput, type EndpointOutput, isEndpoint } from './define-endpoint';
import { toEndpointRequest } from './endpoint-request';
import { createFailureReporting } from './failure-reporting';
import { type PaginateOptions, paginatePages } from './paginate';
import type { PipelineRequest, PipelineResponse } from './pipeline';
import { resolveRestClientOptions } from './resolve-options';
import type { RestClientOptions } from './rest-client-options';
import type { HttpMethod, RestRequestOptions, RestResponse, SchemaOutput } from './rest-request';
import { createRestTelemetry } from './telemetry';

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
  /** Iterates pages of a plain request (method, path, query, schema), following `options`. */
  paginate<S extends GenericSchema | undefined = undefined>(
    request: RestRequestOptions<S>,
    options: PaginateOptions<SchemaOutput<S>>,
  ): AsyncIterable<RestResponse<SchemaOutput<S>>>;
}

/**
 * Creates a REST client over one axios instance. Every call runs through one pipeline, outermost
 * first: request id -> idempotency key -> retry (@kit/retry policy and rule) -> 401 replay ->
 * schema -> response parsing -> rate limit -> auth -> logging -> axios transport. Per-call steps run
 * once; the rest once per attempt, so every attempt waits for the limiter and is signed afresh.
 *
 * @example
 * ```ts
 * const client = createRestClient({ baseUrl: 'https://api.example.com/v1', auth: bearerAuth({ token }) });
 * const { data } = await client.get('/account', { schema: Account });
 * ```
 */
export function createRestClient(options: RestClientOptions): RestClient {
  const resolved = resolveRestClientOptions(options);
  const { base, now } = resolved;
  // OpenTelemetry, looked up once: undefined when nothing is registered (the pipeline then has no
  // telemetry step at all).
  const telemetry = createRestTelemetry(resolved, {
    base: base.url,
    basePath: base.path,
    limiter: resolved.limiter,
    circuitBreaker: Boolean(resolved.retry.circuitBreaker),
    now,
  });
  const send = createPipelineFromOptions(resolved, telemetry);
  const build = createRequestBuilder(resolved);
  const failures = createFailureReporting(resolved);

  /** One call; `options` carries everything but the method, path and body (the shortcuts pass them apart: no copy of the caller's options per call). */
  const sendCall = async <S extends GenericSchema | undefined>(
    method: HttpMethod,
    path: string,
    body: unknown,
    options: CallOptions | undefined,
  ): Promise<RestResponse<SchemaOutput<S>>> => {
    let pipelineRequest: PipelineRequest;
    try {
      pipelineRequest = build(method, path, body, options);
    } catch (error) {
      throw failures.rejected(error, method, path);
    }
    let response: PipelineResponse;
    try {
      response = await send(pipelineRequest);
    } catch (error) {
      throw failures.failed(error, pipelineRequest);
    }
    return {
      data: response.data as SchemaOutput<S>,
      status: response.status,
      headers: response.headers,
      requestId: response.requestId,
      rateLimit: response.rateLimit,
      attempts: pipelineRequest.attempt,
      durationMs: now() - pipelineRequest.startedAtMs,
    };
  };
  const request = <S extends GenericSchema | undefined>(
    call: RestRequestOptions<S>,
  ): Promise<RestResponse<SchemaOutput<S>>> =>
    // Optional chaining: missing options reject with a KitError, like every bad input, never throw.
    sendCall<S>(call?.method, call?.path, call?.body, call);
  const shortcut =
    (method: HttpMethod) =>
    <S extends GenericSchema | undefined>(path: string, options?: CallOptions & { schema?: S }) =>
      // A body in the options of a GET (untyped callers) is sent, as a spread of the options would.
      sendCall<S>(method, path, (options as { body?: unknown } | undefined)?.body, options);
  const withBody =
    (method: HttpMethod) =>
    <S extends GenericSchema | undefined>(
      path: string,
      body?: unknown,
      options?: CallOptions & { schema?: S },
    ) =>
      sendCall<S>(method, path, body, options);

  return {
    baseUrl: base.href,
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
        options = toEndpointRequest(
          endpoint,
          input as Record<string, unknown> | undefined,
          callOptions?.signal,
        );
      } catch (error) {
        throw failures.rejected(error, endpoint.method, endpoint.path);
      }
      return (await request(options)) as RestResponse<EndpointOutput<E>>;
    },
    paginate(target: Endpoint | RestRequestOptions, options: PaginateOptions<unknown> & { input?: unknown }) {
      if (isEndpoint(target)) telemetry?.declare(target.path);
      const first = isEndpoint(target)
        ? toEndpointRequest(target, options.input as Record<string, unknown> | undefined, options.signal)
        : target;
      return paginatePages(request, first, options, base);
    },
  } as RestClient;
}
