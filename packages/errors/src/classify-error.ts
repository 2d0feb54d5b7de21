import { ERROR_CATALOGUE, type ErrorCode } from './catalogue';
import { classifyHttpResponse } from './classify-http-response';
import { classifyWsClose } from './classify-ws-close';
import type { HeadersLike } from './header-value';
import { type ErrorOutcome, isKitError, KitError } from './kit-error';
import { readProp, readString, sanitizePath, sanitizeText, withRequest } from './safe-text';
import { isValiError, summariseSchemaIssues } from './schema-issues';
import { systemErrorRule } from './system-error-codes';

/** What the caller knows about the operation that failed; it goes into the message and fields. */
export interface ClassifyErrorContext {
  /** The HTTP method (or a verb like `SUBSCRIBE`). @default the axios config's method, if any */
  method?: string;
  /** The request path; any query string is dropped. Wins over `url`. @default the axios config's path, if any */
  path?: string;
  /** The request URL; only its path is kept (never the host, credentials or query string). @default undefined */
  url?: string;
  /** Header names to read the request id from. @default DEFAULT_REQUEST_ID_HEADERS */
  requestIdHeaders?: readonly string[];
  /** The current time, for HTTP-date and epoch Retry-After values. @default Date.now() */
  nowMs?: number;
}

interface Resolved {
  method: string | undefined;
  path: string | undefined;
  requestIdHeaders: readonly string[] | undefined;
  nowMs: number | undefined;
}

const MAX_CAUSE_DEPTH = 5;

interface Fields {
  message: string;
  outcome?: ErrorOutcome;
  hint?: string;
  details?: unknown;
  status?: number;
}

function make(code: ErrorCode, ctx: Resolved, cause: unknown, fields: Fields): KitError {
  return new KitError(code, {
    message: withRequest(ctx.method, ctx.path, fields.message),
    method: ctx.method,
    path: ctx.path,
    cause,
    outcome: fields.outcome,
    hint: fields.hint,
    details: fields.details,
    status: fields.status,
  });
}

function title(code: ErrorCode): string {
  return ERROR_CATALOGUE[code].title;
}

/** Node/undici/OpenSSL/ws error codes, refined by syscall and message. */
function fromSystemCode(code: string, error: unknown, ctx: Resolved, cause: unknown): KitError | undefined {
  const rule = systemErrorRule(code);
  if (!rule) return undefined;
  const message = readString(error, 'message') ?? '';
  const syscall = readString(error, 'syscall');
  if (code === 'ECONNRESET' && /socket hang up/i.test(message)) {
    return make('network.socket_hang_up', ctx, cause, {
      message: `${title('network.socket_hang_up')} (${code})`,
      outcome: 'unknown',
    });
  }
  if (code === 'ETIMEDOUT' && syscall !== undefined && syscall !== 'connect') {
    return make('timeout.attempt', ctx, cause, {
      message: `${title('timeout.attempt')} (${code})`,
      outcome: 'unknown',
    });
  }
  if (code === 'EPROTO' && !/ssl|tls/i.test(message)) return undefined;
  if (code === 'EPROTO' && /wrong version number/i.test(message)) {
    return fromSystemCode('ERR_SSL_WRONG_VERSION_NUMBER', error, ctx, cause);
  }
  return make(rule.code, ctx, cause, {
    message: `${title(rule.code)} (${code})`,
    outcome: rule.outcome,
    hint: rule.hint,
  });
}

function axiosPath(config: unknown): string | undefined {
  const url = readString(config, 'url');
  const baseURL = readString(config, 'baseURL');
  if (url === undefined) return baseURL === undefined ? undefined : sanitizePath(baseURL);
  if (baseURL === undefined || /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return sanitizePath(url);
  return sanitizePath(`${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`);
}

function fromAbortReason(reason: unknown, ctx: Resolved, cause: unknown): KitError {
  if (isKitError(reason)) return reason;
  // Node's AbortError (timers/promises, events.once) carries the signal's reason as its cause.
  const reasonCause = readProp(reason, 'cause');
  if (isKitError(reasonCause)) return reasonCause;
  if (readProp(reason, 'name') === 'TimeoutError') {
    return make('timeout.attempt', ctx, cause, { message: title('timeout.attempt'), outcome: 'unknown' });
  }
  return make('cancelled.aborted', ctx, cause, { message: title('cancelled.aborted'), outcome: 'unknown' });
}

function fromAxios(error: Error, context: Resolved, depth: number): KitError {
  const config = readProp(error, 'config');
  const ctx: Resolved = {
    ...context,
    method: context.method ?? readString(config, 'method')?.toUpperCase(),
    path: context.path ?? axiosPath(config),
  };
  const code = readString(error, 'code');
  const message = error.message;
  const response = readProp(error, 'response');
  const status = readProp(response, 'status');

  if (code === 'ERR_CANCELED' || error.name === 'CanceledError') {
    // axios replaces the signal's reason with its own CanceledError; the reason is still on the signal.
    return fromAbortReason(readProp(readProp(config, 'signal'), 'reason'), ctx, error);
  }
  if ((code === 'ECONNABORTED' || code === 'ETIMEDOUT') && readString(error, 'syscall') === undefined) {
    if (/timeout/i.test(message)) {
      return make('timeout.attempt', ctx, error, {
        message: `${title('timeout.attempt')} (${code})`,
        outcome: 'unknown',
      });
    }
    return make('network.connection_lost', ctx, error, {
      message: `${title('network.connection_lost')} (${code})`,
      outcome: 'unknown',
    });
  }
  if (code === 'ERR_BAD_RESPONSE' && typeof status === 'number' && status < 400) {
    if (/aborted|premature|closed/i.test(message)) {
      return make('schema.truncated_body', ctx, error, {
        message: title('schema.truncated_body'),
        outcome: 'unknown',
        status,
      });
    }
    if (/maxContentLength/i.test(message)) {
      return make('client.error', ctx, error, {
        message: 'The response exceeded maxContentLength',
        outcome: 'unknown',
        status,
        hint: 'The response was larger than the configured maximum size: page the request or raise the limit.',
      });
    }
    if (
      readProp(readProp(error, 'cause'), 'name') === 'SyntaxError' ||
      /JSON|unexpected (token|end)/i.test(message)
    ) {
      return make('schema.invalid_json', ctx, error, {
        message: title('schema.invalid_json'),
        outcome: 'unknown',
        status,
      });
    }
  }
  if (typeof status === 'number') {
    return classifyHttpResponse({
      status,
      headers: readProp(response, 'headers') as HeadersLike | undefined,
      body: readProp(response, 'data'),
      method: ctx.method,
      path: ctx.path,
      requestIdHeaders: ctx.requestIdHeaders,
      nowMs: ctx.nowMs,
      cause: error,
    });
  }
  const system = code === undefined ? undefined : fromSystemCode(code, error, ctx, error);
  if (system) return system;
  const inner = readProp(error, 'cause');
  if (inner !== undefined && depth < MAX_CAUSE_DEPTH) {
    const fromCause = classifyInner(inner, ctx, depth + 1, error);
    if (fromCause.code !== 'internal.unexpected') return fromCause;
  }
  switch (code) {
    case 'ERR_NETWORK':
      return make('network.unreachable', ctx, error, {
        message: `${title('network.unreachable')} (ERR_NETWORK)`,
        outcome: 'unknown',
        hint: 'The browser hides the reason for network errors: check the URL, CORS settings on the server, and the network connection.',
      });
    case 'ERR_FR_TOO_MANY_REDIRECTS':
      return make('client.error', ctx, error, { message: 'Too many redirects', outcome: 'unknown' });
    case 'ERR_BAD_OPTION':
    case 'ERR_BAD_OPTION_VALUE':
    case 'ERR_INVALID_URL':
    case 'ERR_NOT_SUPPORT':
    case 'ERR_BAD_REQUEST':
      return make('client.invalid_argument', ctx, error, {
        message: `Invalid request (${code}): ${sanitizeText(message)}`,
        outcome: 'not_sent',
      });
    default:
      return make('internal.unexpected', ctx, error, {
        message: `Unexpected HTTP client error${code ? ` (${code})` : ''}: ${sanitizeText(message)}`,
        outcome: 'unknown',
      });
  }
}

function isCloseEvent(value: object): boolean {
  const code = readProp(value, 'code');
  return (
    typeof code === 'number' &&
    typeof readProp(value, 'reason') === 'string' &&
    ('wasClean' in value || readProp(value, 'type') === 'close')
  );
}

function responseStatus(value: object): number | undefined {
  const status = readProp(value, 'status') ?? readProp(value, 'statusCode');
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599)
    return undefined;
  return readProp(value, 'headers') !== undefined || readProp(value, 'ok') === false ? status : undefined;
}

function plainBody(body: unknown): unknown {
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null) {
    const proto = Object.getPrototypeOf(body);
    if (proto === Object.prototype || proto === null || Array.isArray(body)) return body;
  }
  return undefined;
}

function fromObject(error: object, ctx: Resolved, depth: number, cause: unknown): KitError {
  if (typeof AbortSignal !== 'undefined' && error instanceof AbortSignal) {
    return error.aborted
      ? fromAbortReason(error.reason, ctx, error.reason)
      : make('internal.unexpected', ctx, cause, {
          message: 'An AbortSignal that was not aborted was thrown',
        });
  }
  const name = readProp(error, 'name');
  if (name === 'AbortError' || name === 'TimeoutError') return fromAbortReason(error, ctx, cause);
  if (readProp(error, 'isAxiosError') === true && error instanceof Error) return fromAxios(error, ctx, depth);
  if (isValiError(error)) {
    const issues = summariseSchemaIssues(error.issues);
    const paths = [...new Set(issues.map((issue) => issue.path))];
    const shown = paths.slice(0, 5).join(', ') + (paths.length > 5 ? ', …' : '');
    return make('schema.response_mismatch', ctx, cause, {
      message: `${title('schema.response_mismatch')} (${issues.length} issue${issues.length === 1 ? '' : 's'}: ${shown})`,
      details: { issues },
    });
  }
  if (isCloseEvent(error)) {
    return classifyWsClose(readProp(error, 'code') as number, readProp(error, 'reason') as string);
  }
  if (
    readProp(error, 'type') === 'error' &&
    readProp(error, 'error') !== undefined &&
    depth < MAX_CAUSE_DEPTH
  ) {
    return classifyInner(readProp(error, 'error'), ctx, depth + 1, cause);
  }
  const message = readString(error, 'message') ?? '';
  const handshake = /^Unexpected server response: (\d{3})/.exec(message);
  if (handshake) {
    return classifyHttpResponse({ status: Number(handshake[1]), method: ctx.method, path: ctx.path, cause });
  }
  if (/opening handshake has timed out/i.test(message)) {
    return make('timeout.handshake', ctx, cause, {
      message: title('timeout.handshake'),
      outcome: 'not_sent',
    });
  }
  const status = responseStatus(error);
  if (status !== undefined) {
    return classifyHttpResponse({
      status,
      headers: readProp(error, 'headers') as HeadersLike | undefined,
      body: plainBody(readProp(error, 'body') ?? readProp(error, 'data')),
      method: ctx.method,
      path: ctx.path,
      requestIdHeaders: ctx.requestIdHeaders,
      nowMs: ctx.nowMs,
      cause,
    });
  }
  const code = readProp(error, 'code');
  if (typeof code === 'string') {
    const system = fromSystemCode(code, error, ctx, cause);
    if (system) return system;
  }
  if (depth < MAX_CAUSE_DEPTH) {
    // fetch's "TypeError: fetch failed" and friends: the real reason is in the cause chain, and
    // happy-eyeballs connection failures arrive as an AggregateError.
    const inner = readProp(error, 'cause');
    const errors = readProp(error, 'errors');
    const next = inner !== undefined ? inner : Array.isArray(errors) ? errors[0] : undefined;
    if (next !== undefined) {
      const fromCause = classifyInner(next, ctx, depth + 1, cause);
      if (fromCause.code !== 'internal.unexpected') return fromCause;
    }
  }
  if (error instanceof Error) {
    return make('internal.unexpected', ctx, cause, {
      message: `Unexpected error (${sanitizeText(error.name, 50)})${message ? `: ${sanitizeText(message)}` : ''}`,
    });
  }
  return make('internal.unexpected', ctx, cause, {
    message: message ? `Unexpected error: ${sanitizeText(message)}` : 'A non-error object was thrown',
  });
}

function classifyInner(error: unknown, ctx: Resolved, depth: number, cause: unknown): KitError {
  if (isKitError(error)) return error;
  if (error === null || error === undefined) {
    return make('internal.unexpected', ctx, cause, {
      message: `Unexpected error: ${String(error)} was thrown`,
    });
  }
  if (typeof error === 'string') {
    return make('internal.unexpected', ctx, cause, {
      message: `Unexpected error: ${sanitizeText(error) || '(empty string)'}`,
    });
  }
  if (typeof error === 'number') {
    // A bare number in the WebSocket close range is a close code (ws-client rejects with them).
    if (Number.isInteger(error) && error >= 1000 && error <= 4999) return classifyWsClose(error);
    return make('internal.unexpected', ctx, cause, {
      message: `Unexpected error: the number ${String(error)} was thrown`,
    });
  }
  if (typeof error === 'object') return fromObject(error, ctx, depth, cause);
  return make('internal.unexpected', ctx, cause, {
    message: `Unexpected error: a ${typeof error} was thrown`,
  });
}

/**
 * Turns anything thrown into a {@link KitError}: KitErrors (returned as is), axios errors (with and
 * without a response, timeouts, cancels), Node system errors (`ECONNRESET`, `ECONNREFUSED`,
 * `ETIMEDOUT`, DNS, TLS certificate errors), undici `UND_ERR_*` errors and fetch's `cause` chains,
 * HTTP-response-like objects, valibot `ValiError`s (paths and types, never values), WebSocket close
 * events and codes, AbortSignal reasons (`AbortError`, `TimeoutError`, a KitError reason), and
 * strings, numbers, `null`, `undefined` and plain objects. Never throws.
 *
 * The message names the method and path (`GET /v1/orders: The connection was reset (ECONNRESET)`),
 * never a host, credentials, query string or an axios config. The original is kept as `cause`.
 *
 * @example
 * ```ts
 * try { await axios.get(url); }
 * catch (error) { throw classifyError(error, { method: 'GET', path: '/v1/orders' }); }
 * ```
 */
export function classifyError(error: unknown, context: ClassifyErrorContext = {}): KitError {
  const rawPath = context.path ?? context.url;
  const ctx: Resolved = {
    method: context.method?.toUpperCase(),
    path: rawPath === undefined ? undefined : sanitizePath(rawPath),
    requestIdHeaders: context.requestIdHeaders,
    nowMs: context.nowMs,
  };
  try {
    return classifyInner(error, ctx, 0, error);
  } catch (failure) {
    // Hostile inputs (throwing getters, revoked proxies) must still produce a KitError.
    return make('internal.unexpected', ctx, failure, { message: 'An unclassifiable value was thrown' });
  }
}
