import { MAX_CAUSE_DEPTH, make, type Resolved, title } from './classify-context';
import { classifyHttpResponse } from './classify-http-response';
import { fromAbortReason, fromSystemCode } from './classify-system-error';
import type { HeadersLike } from './headers/header-value';
import type { KitError } from './kit-error';
import { readProp, readString, sanitizePath, sanitizeText } from './safe-text';

/** Continues classification with a value from the cause chain. @internal */
export type ClassifyNext = (error: unknown, ctx: Resolved, depth: number, cause: unknown) => KitError;

function axiosPath(config: unknown): string | undefined {
  const url = readString(config, 'url');
  const baseURL = readString(config, 'baseURL');
  if (url === undefined) return baseURL === undefined ? undefined : sanitizePath(baseURL);
  if (baseURL === undefined || /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return sanitizePath(url);
  return sanitizePath(`${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`);
}

/** Classifies an axios error (detected by `isAxiosError`, never imported). @internal */
export function fromAxios(error: Error, context: Resolved, depth: number, next: ClassifyNext): KitError {
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
    // axios copies a Node error's code but not its syscall: a connect-phase ETIMEDOUT keeps the
    // syscall on the cause, which tells a connect timeout (not sent) from a lost connection.
    const inner = readProp(error, 'cause');
    if (inner !== undefined && readString(inner, 'syscall') !== undefined && depth < MAX_CAUSE_DEPTH) {
      const fromCause = next(inner, ctx, depth + 1, error);
      if (fromCause.code !== 'internal.unexpected') return fromCause;
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
    const fromCause = next(inner, ctx, depth + 1, error);
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
