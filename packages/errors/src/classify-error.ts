import { fromAxios } from './classify-axios-error';
import { MAX_CAUSE_DEPTH, make, type Resolved, title } from './classify-context';
import { classifyHttpResponse } from './classify-http-response';
import { fromAbortReason, fromSystemCode } from './classify-system-error';
import { classifyWsClose } from './classify-ws-close';
import type { HeadersLike } from './headers/header-value';
import { isKitError, type KitError } from './kit-error';
import { readProp, readString, sanitizePath, sanitizeText } from './safe-text';
import { isValiError, summariseSchemaIssues } from './schema-issues';

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
  if (readProp(error, 'isAxiosError') === true && error instanceof Error)
    return fromAxios(error, ctx, depth, classifyInner);
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
