import { AxiosError, type AxiosResponse, CanceledError, type InternalAxiosRequestConfig } from 'axios';

/**
 * undici error codes translated to the codes Node's http stack (and so axios's http adapter) uses
 * for the same failure, so code that inspects `error.code` (kit's `classifyError`, users' own
 * handlers) behaves the same with either adapter. The original error stays on `cause`.
 */
const CODE_MAP: Readonly<Record<string, string>> = {
  // "other side closed" before or while the response arrived: Node says ECONNRESET ("socket hang up").
  UND_ERR_SOCKET: 'ECONNRESET',
  // UND_ERR_CONNECT_TIMEOUT stays as is: a bare ETIMEDOUT on an AxiosError reads as an attempt
  // timeout (outcome unknown), while undici's code says precisely "never connected" (not sent).
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: AxiosError.ERR_BAD_REQUEST,
  UND_ERR_INVALID_ARG: AxiosError.ERR_BAD_OPTION_VALUE,
  UND_ERR_NOT_SUPPORTED: AxiosError.ERR_NOT_SUPPORT,
};

/** The axios timeout error, exactly as the http adapter builds it (`ECONNABORTED`, or `ETIMEDOUT` with `transitional.clarifyTimeoutError`). */
export function createTimeoutError(config: InternalAxiosRequestConfig, request: unknown): AxiosError {
  const timeout = config.timeout;
  const message =
    config.timeoutErrorMessage || (timeout ? `timeout of ${timeout}ms exceeded` : 'timeout exceeded');
  const code = config.transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED;
  return new AxiosError(message, code, config, request);
}

/** The error for a cancelled request: the cancel token's own `CanceledError`, else a fresh one (`ERR_CANCELED`). */
export function createCanceledError(
  config: InternalAxiosRequestConfig,
  request: unknown,
  reason?: unknown,
): AxiosError {
  if (reason instanceof AxiosError) return reason;
  return new CanceledError(undefined, config, request);
}

/** The `maxContentLength` error, as the http adapter words it. */
export function createMaxContentLengthError(
  config: InternalAxiosRequestConfig,
  request: unknown,
): AxiosError {
  return new AxiosError(
    `maxContentLength size of ${config.maxContentLength} exceeded`,
    AxiosError.ERR_BAD_RESPONSE,
    config,
    request,
  );
}

/** The too-many-redirects error, with follow-redirects' code (what axios's http adapter rejects with). */
export function createTooManyRedirectsError(
  config: InternalAxiosRequestConfig,
  request: unknown,
): AxiosError {
  return new AxiosError('Maximum number of redirects exceeded', 'ERR_FR_TOO_MANY_REDIRECTS', config, request);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Wraps a transport error the way the http adapter does (`AxiosError.from`: message, `cause`), with
 * the code translated by {@link CODE_MAP}. undici's header/body safety-net timeouts become axios
 * timeout errors. A failure after the response started (the body was cut off) is axios's
 * `ERR_BAD_RESPONSE` "stream has been aborted" carrying the response, as with the http adapter.
 */
export function fromTransportError(
  error: unknown,
  config: InternalAxiosRequestConfig,
  request: unknown,
  response?: AxiosResponse,
): AxiosError {
  if (error instanceof AxiosError) return error;
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    const timeoutError = createTimeoutError(config, request);
    timeoutError.cause = error as Error;
    return timeoutError;
  }
  if (code === 'UND_ERR_INVALID_ARG' && /redirect loop/i.test((error as Error).message)) {
    const redirectError = createTooManyRedirectsError(config, request);
    redirectError.cause = error as Error;
    return redirectError;
  }
  if (response) {
    const aborted = new AxiosError(
      'stream has been aborted',
      AxiosError.ERR_BAD_RESPONSE,
      config,
      request,
      response,
    );
    aborted.cause = error as Error;
    return aborted;
  }
  if (code === 'UND_ERR_SOCKET' && /other side closed/i.test((error as Error).message)) {
    // The server closed the connection before any response: what Node words "socket hang up", so
    // @kit/errors gives both adapters the same code (network.socket_hang_up).
    const hangUp = new AxiosError('socket hang up', 'ECONNRESET', config, request);
    hangUp.cause = error as Error;
    return hangUp;
  }
  const source = error instanceof Error ? error : new Error(String(error));
  return AxiosError.from(source, (code && CODE_MAP[code]) || code, config, request);
}
