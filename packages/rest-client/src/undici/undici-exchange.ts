import { Readable } from 'node:stream';
import { registerSecretValue } from '@kit/logger';
import axios, {
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  type Cancel,
  type CancelToken,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { Dispatcher } from 'undici';
import { AXIOS_DEFAULT_ACCEPT } from '../direct-exchange';
import type { AdapterDispatchers } from './adapter-dispatchers';
import {
  createCanceledError,
  createMaxContentLengthError,
  createTimeoutError,
  createTooManyRedirectsError,
  fromTransportError,
} from './adapter-errors';
import { type ContentCoding, contentCodingOf, decompressBuffer, decompressStream } from './decompress';
import { toUndiciBody } from './request-body';
import type { RequestTarget } from './request-target';
import { toNodeHeaders, toPlainHeaders } from './response-headers';
import { expectSocketFor } from './socket-reuse';

/** What `response.request` (and `error.request`) holds with this adapter: a small, secret-free summary. */
export interface UndiciRequestInfo {
  /** Upper-case method. */
  method: string;
  /** `http:` or `https:`. */
  protocol: string;
  /** Host name without port. */
  host: string;
  /** Path and query of the first hop. */
  path: string;
  /** Whether the (last hop of the) request went out on a keep-alive socket that had carried a request before, like Node's `ClientRequest.reusedSocket`. */
  reusedSocket: boolean;
  /** The URL that produced the response (the last hop after redirects). */
  responseUrl: string;
}

/** Per-adapter state an exchange needs. */
export interface ExchangeContext {
  readonly dispatchers: AdapterDispatchers;
  readonly maxRedirections: number;
  readonly resolveTarget: (config: InternalAxiosRequestConfig) => RequestTarget;
}

const ACCEPT_ENCODING = 'gzip, compress, deflate, br';
const USER_AGENT = `axios/${axios.VERSION}`;
const REDIRECT_STATUSES = new Set([300, 301, 302, 303, 307, 308]);
// Options the adapter cannot honour. Ignoring them silently could change behaviour (a progress
// bar that never moves) or weaken security (`sensitiveHeaders` not stripped on a cross-origin
// redirect), so a request that sets one fails with ERR_NOT_SUPPORT instead.
const UNSUPPORTED: ReadonlyArray<keyof InternalAxiosRequestConfig> = [
  'socketPath',
  'onUploadProgress',
  'onDownloadProgress',
  'maxRate',
  'beforeRedirect',
  'lookup',
  'family',
  'transport',
  'insecureHTTPParser',
];

function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  return !(Array.isArray(value) && value.length === 0);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Headers for undici: a plain object without the hop-by-hop keep-alive headers undici manages itself. */
function toUndiciHeaders(headers: AxiosHeaders): Record<string, string | string[]> {
  const json = headers.toJSON() as Record<string, string | string[]>;
  for (const name in json) {
    const lower = name.toLowerCase();
    if (
      lower === 'keep-alive' ||
      (lower === 'connection' && String(json[name]).toLowerCase() === 'keep-alive')
    ) {
      delete json[name];
    }
  }
  return json;
}

// Control characters axios strips from request header values (AxiosHeaders' sanitizeHeaderValue,
// which also trims spaces and tabs): a value with any of them, or with white space at an end, takes
// the slow path in {@link directHeaders}.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it is about
const UNSAFE_HEADER_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]|^[\t ]|[\t ]$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const HEADER_CONTROL_CHARS = /[\u0000-\u0008\u000a-\u001f\u007f]+/g;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A header value as `AxiosHeaders` stores it: stringified, control characters out, ends trimmed. */
function cleanHeaderValue(raw: unknown): string {
  const value = typeof raw === 'string' ? raw : String(raw);
  return UNSAFE_HEADER_VALUE.test(value)
    ? value.replace(HEADER_CONTROL_CHARS, '').replace(/^[\t ]+|[\t ]+$/g, '')
    : value;
}

/**
 * The headers a direct exchange sends: byte for byte, and in the same order, what axios sends for
 * the client's plain record through an instance with axios's own defaults (the client checks that
 * its instance has them: see `hasAxiosDefaults`), so a server, a proxy or a signature check
 * cannot tell the two paths apart:
 * - `Accept` and `Content-Type` first, under those names (axios's defaults hold both keys, and
 *   `AxiosHeaders` keeps the first spelling of a name): the record's own values, else axios's
 *   default `Accept`, and for POST, PUT and PATCH the `application/x-www-form-urlencoded` that
 *   axios's `dispatchRequest` sets;
 * - then the record's other headers in order, each under the spelling it first had, with the last
 *   value given for it (names compared without case);
 * - values stringified, control characters stripped and the ends trimmed; `undefined`, `null` and
 *   `false` clear a header;
 * - `User-Agent` and `Accept-Encoding` last when absent (the adapter's own), and without the
 *   hop-by-hop keep-alive headers undici manages itself (as {@link toUndiciHeaders}).
 */
function directHeaders(source: Readonly<Record<string, unknown>>, method: string): Record<string, string> {
  let accept: string | undefined = AXIOS_DEFAULT_ACCEPT;
  let contentType: string | undefined;
  const names: string[] = [];
  const lowers: string[] = [];
  const values: Array<string | undefined> = [];
  for (const name in source) {
    const raw = source[name];
    const value = raw === undefined || raw === null || raw === false ? undefined : cleanHeaderValue(raw);
    const lower = name.toLowerCase();
    if (lower === 'accept') accept = value;
    else if (lower === 'content-type') contentType = value;
    else {
      const at = lowers.indexOf(lower);
      if (at === -1) {
        names.push(name);
        lowers.push(lower);
        values.push(value);
      } else values[at] = value;
    }
  }
  if (contentType === undefined && BODY_METHODS.has(method))
    contentType = 'application/x-www-form-urlencoded';
  const out: Record<string, string> = {};
  if (accept !== undefined) out.Accept = accept;
  if (contentType !== undefined) out['Content-Type'] = contentType;
  let userAgent = false;
  let acceptEncoding = false;
  for (let i = 0; i < names.length; i++) {
    const value = values[i];
    if (value === undefined) continue;
    const lower = lowers[i] as string;
    if (lower === 'keep-alive' || (lower === 'connection' && value.toLowerCase() === 'keep-alive')) continue;
    if (lower === 'user-agent') userAgent = true;
    else if (lower === 'accept-encoding') acceptEncoding = true;
    out[names[i] as string] = value;
  }
  if (!userAgent) out['User-Agent'] = USER_AGENT;
  if (!acceptEncoding) out['Accept-Encoding'] = ACCEPT_ENCODING;
  return out;
}

/**
 * The `Authorization: Basic` value from `config.auth`, else from the URL's userinfo. Derived from
 * the password, so nothing else masks it: registered before it is sent (a server echoing the
 * request cannot put it into an error). A repeat costs one Set lookup.
 */
function basicAuthOf(config: InternalAxiosRequestConfig, target: RequestTarget): string | undefined {
  const basicAuth = config.auth
    ? `${config.auth.username ?? ''}:${config.auth.password ?? ''}`
    : target.urlAuth;
  if (basicAuth === undefined) return undefined;
  const credentials = Buffer.from(basicAuth, 'utf8').toString('base64');
  registerSecretValue(credentials);
  if (config.auth?.password) registerSecretValue(config.auth.password);
  return `Basic ${credentials}`;
}

/**
 * One request/response exchange: turns an axios config into an undici dispatch and the undici
 * handler callbacks back into axios's response and error shapes. It is its own undici
 * `DispatchHandler` (one object per request keeps the hot path allocation-light).
 *
 * A direct exchange (`direct`, see `DIRECT_EXCHANGE`) gets the client's own config literal:
 * plain-record headers (see {@link directHeaders}), a string body or none, and it hands back plain
 * lower-case response headers with repeated values joined (what the client makes of
 * `AxiosHeaders`); everything else, errors included, is the same code.
 */
export class UndiciExchange implements Dispatcher.DispatchHandler {
  private readonly config: InternalAxiosRequestConfig;
  private readonly resolvePromise: (response: AxiosResponse) => void;
  private readonly rejectPromise: (error: unknown) => void;
  private readonly context: ExchangeContext;
  private readonly direct: boolean;
  private request: UndiciRequestInfo | undefined;
  private settled = false;
  private finished = false;
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: Error | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private history: URL[] | undefined;
  private maxRedirects = 0;
  private response: AxiosResponse | undefined;
  private coding: ContentCoding | undefined;
  private chunks: Buffer[] = [];
  private received = 0;
  private stream: Readable | undefined;
  private responseEnded = false;
  private readonly onAbortSignal = () => this.abort(createCanceledError(this.config, this.request));
  private readonly onCancelToken = (reason: Cancel) =>
    this.abort(createCanceledError(this.config, this.request, reason));

  constructor(
    config: InternalAxiosRequestConfig,
    resolve: (response: AxiosResponse) => void,
    reject: (error: unknown) => void,
    context: ExchangeContext,
    direct = false,
  ) {
    this.config = config;
    this.resolvePromise = resolve;
    this.rejectPromise = reject;
    this.context = context;
    this.direct = direct;
  }

  /** Validates the config, wires cancellation and dispatches. Never throws: failures reject the promise. */
  start(): void {
    const config = this.config;
    try {
      for (const key of UNSUPPORTED) {
        if (isSet(config[key])) {
          throw new AxiosError(
            `${key} is not supported by the undici adapter; use axios's http adapter for this request`,
            AxiosError.ERR_NOT_SUPPORT,
            config,
          );
        }
      }
      const followsRedirects = Math.min(config.maxRedirects ?? 21, this.context.maxRedirections) > 0;
      if (followsRedirects && isSet(config.sensitiveHeaders)) {
        throw new AxiosError(
          'sensitiveHeaders is not supported by the undici adapter (it strips only Authorization, Cookie and Proxy-Authorization on cross-origin redirects); set maxRedirects: 0 or use the http adapter',
          AxiosError.ERR_NOT_SUPPORT,
          config,
        );
      }
      if (config.httpVersion !== undefined && Number(config.httpVersion) !== 1) {
        throw new AxiosError('The undici adapter speaks HTTP/1.1 only', AxiosError.ERR_NOT_SUPPORT, config);
      }
      const target = this.context.resolveTarget(config);
      const method = (config.method ?? 'get').toUpperCase();
      this.request = {
        method,
        protocol: target.protocol,
        host: target.hostname,
        path: target.path,
        reusedSocket: false,
        responseUrl: target.href,
      };
      let undiciHeaders: Record<string, string | string[]>;
      let body: ReturnType<typeof toUndiciBody>;
      const basicAuth = basicAuthOf(config, target);
      if (this.direct) {
        undiciHeaders = directHeaders(config.headers as unknown as Record<string, unknown>, method);
        if (basicAuth !== undefined) {
          for (const name in undiciHeaders)
            if (name.toLowerCase() === 'authorization') delete undiciHeaders[name];
          undiciHeaders.Authorization = basicAuth;
        }
        body = typeof config.data === 'string' ? config.data : null;
      } else {
        const headers = AxiosHeaders.from(config.headers);
        headers.set('User-Agent', USER_AGENT, false);
        headers.set('Accept-Encoding', ACCEPT_ENCODING, false);
        if (basicAuth !== undefined) {
          headers.delete('Authorization');
          headers.set('Authorization', basicAuth);
        }
        body = toUndiciBody(config, headers);
        undiciHeaders = toUndiciHeaders(headers);
      }
      this.maxRedirects = Math.min(config.maxRedirects ?? 21, this.context.maxRedirections);
      const pair = this.context.dispatchers.select(config.proxy);
      if (!this.watchCancellation()) return;
      const options = {
        origin: target.origin,
        path: target.path,
        method,
        headers: undiciHeaders,
        body,
        ...(this.maxRedirects > 0 ? { maxRedirections: this.maxRedirects } : {}),
      } as Dispatcher.DispatchOptions;
      (this.maxRedirects > 0 ? pair.redirecting : pair.direct).dispatch(options, this);
    } catch (error) {
      this.fail(fromTransportError(error, config, this.request));
    }
  }

  /** Subscribes to the timeout, signal and cancel token. Returns false when already cancelled. */
  private watchCancellation(): boolean {
    const { signal, cancelToken, timeout } = this.config;
    const token = cancelToken as CancelToken | undefined;
    if (token?.reason) {
      this.fail(createCanceledError(this.config, this.request, token.reason));
      return false;
    }
    if (signal?.aborted) {
      this.fail(createCanceledError(this.config, this.request));
      return false;
    }
    token?.subscribe(this.onCancelToken);
    (signal as AbortSignal | undefined)?.addEventListener?.('abort', this.onAbortSignal);
    const timeoutMs = typeof timeout === 'number' ? timeout : Number.parseInt(String(timeout ?? 0), 10);
    if (Number.isNaN(timeoutMs)) {
      this.fail(
        new AxiosError(
          'error trying to parse `config.timeout` to int',
          AxiosError.ERR_BAD_OPTION_VALUE,
          this.config,
        ),
      );
      return false;
    }
    if (timeoutMs > 0) {
      this.timer = setTimeout(() => this.abort(createTimeoutError(this.config, this.request)), timeoutMs);
    }
    return true;
  }

  private cleanup(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    (this.config.cancelToken as CancelToken | undefined)?.unsubscribe(this.onCancelToken);
    (this.config.signal as AbortSignal | undefined)?.removeEventListener?.('abort', this.onAbortSignal);
  }

  /** Timeout or cancellation: fail (or error the response stream), then stop the transfer. */
  private abort(error: AxiosError): void {
    if (this.finished) return;
    if (this.settled && this.stream) {
      this.stream.destroy(error);
      this.cleanup();
    } else {
      this.fail(error);
    }
    if (this.controller) this.controller.abort(error);
    else this.abortReason = error;
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.cleanup();
    this.rejectPromise(error);
  }

  /** axios's `settle`: resolve, or reject with ERR_BAD_REQUEST (4xx) / ERR_BAD_RESPONSE carrying the response. */
  private settle(response: AxiosResponse): void {
    if (this.settled) return;
    this.settled = true;
    if (!this.stream) this.cleanup();
    const validateStatus = this.config.validateStatus;
    if (!response.status || !validateStatus || validateStatus(response.status)) {
      this.resolvePromise(response);
      return;
    }
    const code =
      response.status >= 400 && response.status < 500
        ? AxiosError.ERR_BAD_REQUEST
        : AxiosError.ERR_BAD_RESPONSE;
    this.rejectPromise(
      new AxiosError(
        `Request failed with status code ${response.status}`,
        code,
        this.config,
        this.request,
        response,
      ),
    );
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.controller = controller;
    if (this.abortReason) {
      controller.abort(this.abortReason);
      return;
    }
    this.history = (context as { history?: URL[] } | undefined)?.history;
    if (this.request) expectSocketFor(this.request);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    rawHeaders: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    if (statusCode < 200 || this.settled) return;
    const config = this.config;
    const request = this.request as UndiciRequestInfo;
    const last = this.history?.[this.history.length - 1];
    if (last) request.responseUrl = last.href;
    if (
      this.maxRedirects > 0 &&
      REDIRECT_STATUSES.has(statusCode) &&
      rawHeaders.location !== undefined &&
      (this.history?.length ?? 0) > this.maxRedirects
    ) {
      const error = createTooManyRedirectsError(config, request);
      this.fail(error);
      controller.abort(error);
      return;
    }
    const headers = this.direct ? toPlainHeaders(rawHeaders) : toNodeHeaders(rawHeaders);
    if (config.decompress !== false && headers['content-encoding'] !== undefined) {
      if (request.method === 'HEAD' || statusCode === 204) {
        delete headers['content-encoding'];
      } else {
        this.coding = contentCodingOf(headers['content-encoding']);
        if (this.coding) delete headers['content-encoding'];
      }
    }
    const response: AxiosResponse = {
      data: undefined,
      status: statusCode,
      statusText: statusMessage ?? '',
      headers: this.direct
        ? (headers as AxiosResponse['headers'])
        : new AxiosHeaders(headers as Record<string, string>),
      config,
      request,
    };
    this.response = response;
    if (config.responseType === 'stream') {
      response.data = this.createResponseStream(controller);
      this.settle(response);
    }
  }

  private createResponseStream(controller: Dispatcher.DispatchController): Readable {
    const source = new Readable({
      read: () => controller.resume(),
      destroy: (error, callback) => {
        if (!this.responseEnded && !controller.aborted)
          controller.abort(error ?? new Error('response stream destroyed'));
        this.cleanup();
        callback(error);
      },
    });
    this.stream = source;
    const coding = this.coding;
    const limit = this.config.maxContentLength ?? -1;
    if (!coding && limit < 0) {
      source.on('close', () => this.cleanup());
      return source;
    }
    const config = this.config;
    const request = this.request;
    // Lazy like axios's own limiter: nothing is decompressed or counted until the caller reads, so
    // an error cannot be emitted before the caller had a chance to listen for it.
    async function* transformed(): AsyncGenerator<Buffer> {
      let total = 0;
      for await (const chunk of coding ? decompressStream(source, coding) : source) {
        total += (chunk as Buffer).length;
        if (limit > -1 && total > limit) throw createMaxContentLengthError(config, request);
        yield chunk as Buffer;
      }
    }
    // Errors reach the caller through the iteration above; this listener only keeps an abort that
    // happens before the first read from being an uncaught 'error' event.
    source.on('error', () => {});
    const output = Readable.from(transformed(), { objectMode: false });
    output.on('close', () => {
      // Destroyed before it was ever read: the generator never ran, so release the request here.
      if (!source.destroyed) source.destroy();
      this.cleanup();
    });
    return output;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.stream) {
      if (!this.stream.push(chunk)) controller.pause();
      return;
    }
    if (this.settled) return;
    this.received += chunk.length;
    const limit = this.config.maxContentLength ?? -1;
    if (!this.coding && limit > -1 && this.received > limit) {
      const error = createMaxContentLengthError(this.config, this.request);
      this.fail(error);
      controller.abort(error);
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.responseEnded = true;
    if (this.stream) {
      this.stream.push(null);
      return;
    }
    const response = this.response;
    if (this.settled || !response) return;
    const config = this.config;
    let raw =
      this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.received);
    this.chunks = [];
    const limit = config.maxContentLength ?? -1;
    if (this.coding) {
      try {
        raw = decompressBuffer(raw, this.coding, limit);
      } catch (error) {
        const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        this.fail(
          tooLarge
            ? createMaxContentLengthError(config, this.request)
            : AxiosError.from(error, undefined, config, this.request, response),
        );
        return;
      }
      if (limit > -1 && raw.length > limit) {
        this.fail(createMaxContentLengthError(config, this.request));
        return;
      }
    }
    if (config.responseType === 'arraybuffer') {
      response.data = raw;
    } else {
      const encoding = config.responseEncoding as BufferEncoding | undefined;
      const text = raw.toString(encoding);
      response.data = !encoding || encoding === 'utf8' ? stripBom(text) : text;
    }
    this.settle(response);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.stream && this.settled) {
      if (!this.stream.destroyed)
        this.stream.destroy(fromTransportError(error, this.config, this.request, this.response));
      this.cleanup();
      return;
    }
    this.fail(fromTransportError(error, this.config, this.request, this.response));
  }
}
