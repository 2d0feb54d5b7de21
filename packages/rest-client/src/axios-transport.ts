import { formatQuery } from '@kit/auth';
import { classifyError, DEFAULT_REQUEST_ID_HEADERS, KitError, readRequestId } from '@kit/errors';
import { AxiosHeaders, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import type { DirectRequest, DirectResponse } from './direct-exchange';
import { CONNECT_TIMEOUT_MARKER, type KeepAliveAgents } from './keep-alive-agents';
import type { PipelineRequest, PipelineResponse, SendRequest, SentRequest } from './pipeline';
import { readRateLimitInfo } from './rate-limit-info';

/** Options for {@link createAxiosTransport}. */
export interface AxiosTransportOptions {
  /** The axios instance (with the adapter chosen by the client). */
  instance: AxiosInstance;
  /** Response headers to read the request id from. @default @kit/errors' defaults */
  requestIdHeaders?: readonly string[];
  /** Keep-alive agents with a connect timeout (Node, default adapter only). @default none */
  agents?: Promise<KeepAliveAgents | undefined>;
}

// Shared, frozen request settings: the body is sent as the exact string signed, the response is
// read as text and parsed by the client (so malformed JSON, HTML and empty bodies get their own
// codes), and every status resolves (the client classifies it).
const NO_TRANSFORM: [] = [];
const ANY_STATUS = (): boolean => true;

/**
 * Response headers as a plain record with lower-case names, repeated values joined. An
 * `AxiosHeaders` (what axios hands back) is read in place: its headers are its own properties, and
 * what its `toJSON()` leaves out (`null`, `undefined`, `false`) is left out here too.
 */
function plainHeaders(headers: AxiosResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof AxiosHeaders) {
    for (const name in headers) {
      if (!Object.hasOwn(headers, name)) continue;
      const value: unknown = headers[name];
      if (value === undefined || value === null || value === false) continue;
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    return out;
  }
  // Another axios copy's AxiosHeaders (an instance passed in), or whatever an interceptor left.
  const other = headers as unknown as { toJSON?: () => Record<string, unknown> };
  const source = (typeof other.toJSON === 'function' ? other.toJSON() : other) as Record<string, unknown>;
  for (const name in source) {
    const value = source[name];
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function connectTimeoutOf(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth++) {
    const marker = (current as { [CONNECT_TIMEOUT_MARKER]?: unknown })[CONNECT_TIMEOUT_MARKER];
    if (typeof marker === 'number') return marker;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function reusedSocket(error: unknown): boolean {
  const request = (
    error as { request?: { reusedSocket?: boolean; _currentRequest?: { reusedSocket?: boolean } } }
  ).request;
  return request?.reusedSocket === true || request?._currentRequest?.reusedSocket === true;
}

/**
 * Classifies a failed send with @kit/errors' `classifyError`. A reset or "socket hang up" stays
 * `outcome: 'unknown'` even on a reused keep-alive socket: by then the request was written, and the
 * server closing an idle socket as we wrote (Node's keep-alive race) looks exactly like a server that
 * read the request, acted on it and then dropped the connection. So a keyless POST is never resent
 * after one (see "Which failed requests are sent again" in the README); `not_sent` is left to
 * failures that prove nothing was written (refused, DNS, connect timeout). A reset on a reused
 * socket says so in its message and `details.reusedSocket`.
 */
export function classifyTransportError(
  error: unknown,
  request: PipelineRequest,
  requestIdHeaders?: readonly string[],
): KitError {
  const connectMs = connectTimeoutOf(error);
  if (connectMs !== undefined) {
    return new KitError('timeout.connect', {
      message: `${request.method} ${request.path}: connecting timed out after ${connectMs} ms`,
      cause: error,
      method: request.method,
      path: request.path,
      outcome: 'not_sent',
    });
  }
  const kit = classifyError(error, { method: request.method, path: request.path, requestIdHeaders });
  const resetCodes = kit.code === 'network.connection_reset' || kit.code === 'network.socket_hang_up';
  if (!resetCodes || kit.status !== undefined || (error as { response?: unknown }).response !== undefined)
    return kit;
  if (!reusedSocket(error)) return kit;
  return new KitError(kit.code, {
    message: `${kit.message} (on a reused keep-alive socket, after the request was written)`,
    cause: kit.cause,
    method: kit.method,
    path: kit.path,
    outcome: 'unknown',
    details: { reusedSocket: true },
  });
}

/**
 * Reads the server's request id with @kit/errors' `readRequestId`, called only when one of the
 * names is present: response headers have lower-case names, so presence is one property lookup per
 * name, where `readRequestId` (any header shape, any case) scans every header for every name.
 */
function createRequestIdReader(
  requestIdHeaders: readonly string[] | undefined,
): (headers: Record<string, string>) => string | undefined {
  const names = (requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS).map((name) => name.toLowerCase());
  return (headers) => {
    for (let i = 0; i < names.length; i++) {
      if (Object.hasOwn(headers, names[i] as string)) return readRequestId(headers, names.slice(i));
    }
    return undefined;
  };
}

/**
 * The last pipeline step: sends `request.sent` (or the unsigned request) with axios and returns the
 * raw response for any status. Transport failures become classified KitErrors.
 */
export function createAxiosTransport(options: AxiosTransportOptions): SendRequest {
  const { instance, requestIdHeaders } = options;
  const toResponse = createResponseReader(requestIdHeaders);
  let agents: KeepAliveAgents | undefined;
  let agentsReady = options.agents === undefined;
  // Without agents the adapter falls back to Node's global agent (keep-alive too, no connect timeout).
  const agentsPromise = options.agents?.then(
    (created) => {
      agents = created;
      agentsReady = true;
    },
    () => {
      agentsReady = true;
    },
  );

  return async (request: PipelineRequest): Promise<PipelineResponse> => {
    if (!agentsReady) await agentsPromise;
    const sent = sentOf(request);
    const config: AxiosRequestConfig = {
      method: request.method,
      url: sent.url,
      headers: sent.headers,
      data: sent.body,
      signal: request.attemptSignal ?? request.signal,
      responseType: 'text',
      transformRequest: NO_TRANSFORM,
      transformResponse: NO_TRANSFORM,
      validateStatus: ANY_STATUS,
    };
    if (agents !== undefined) {
      config.httpAgent = agents.httpAgent;
      config.httpsAgent = agents.httpsAgent;
    }
    const started = Date.now();
    let response: AxiosResponse;
    try {
      response = await instance.request(config);
    } catch (error) {
      throw classifyTransportError(error, request, requestIdHeaders);
    }
    return toResponse(response.status, plainHeaders(response.headers), response.data, started);
  };
}

/** What an attempt sends: the auth step's signed request, else the call's own (recorded on it). */
function sentOf(request: PipelineRequest): SentRequest {
  let sent = request.sent;
  if (sent === undefined) {
    sent = {
      url: request.query.length > 0 ? `${request.url}?${formatQuery(request.query)}` : request.url,
      headers: request.headers,
      body: request.body,
    };
    request.sent = sent;
  }
  return sent;
}

/** Builds the pipeline's response from status, plain lower-case headers and the body. */
function createResponseReader(
  requestIdHeaders: readonly string[] | undefined,
): (status: number, headers: Record<string, string>, data: unknown, started: number) => PipelineResponse {
  const readId = createRequestIdReader(requestIdHeaders);
  return (status, headers, data, started) => ({
    status,
    headers,
    bodyText: typeof data === 'string' ? data : data === undefined || data === null ? '' : String(data),
    data: undefined,
    durationMs: Date.now() - started,
    requestId: readId(headers),
    rateLimit: readRateLimitInfo(headers, started),
  });
}

/**
 * The last pipeline step over kit's undici adapter's direct entry (see `DIRECT_EXCHANGE`), for a
 * client that owns its axios instance: the same request and response handling as
 * {@link createAxiosTransport}, without axios's request machinery. @internal
 */
export function createDirectTransport(
  direct: (request: DirectRequest) => Promise<DirectResponse>,
  options: { requestIdHeaders: readonly string[] | undefined; maxRedirects: number },
): SendRequest {
  const { requestIdHeaders, maxRedirects } = options;
  const toResponse = createResponseReader(requestIdHeaders);
  return async (request: PipelineRequest): Promise<PipelineResponse> => {
    const sent = sentOf(request);
    const started = Date.now();
    let response: DirectResponse;
    try {
      response = await direct({
        method: request.method,
        url: sent.url,
        headers: sent.headers,
        body: sent.body,
        signal: request.attemptSignal ?? request.signal,
        maxRedirects,
      });
    } catch (error) {
      throw classifyTransportError(error, request, requestIdHeaders);
    }
    return toResponse(response.status, response.headers, response.data, started);
  };
}
