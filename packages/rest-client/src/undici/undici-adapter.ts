import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { DIRECT_EXCHANGE, type DirectRequest, type DirectResponse } from '../direct-exchange';
import { createAdapterDispatchers } from './adapter-dispatchers';
import { createTargetResolver } from './request-target';
import { resolveUndiciAdapterOptions, type UndiciAdapterOptions } from './undici-adapter-options';
import { type ExchangeContext, UndiciExchange } from './undici-exchange';

/** An axios adapter backed by undici, with a way to release its sockets. */
export interface UndiciAxiosAdapter extends AxiosAdapter {
  /** Always `'undici'` (axios reads `adapterName` in some error messages). */
  readonly adapterName: 'undici';
  /** Closes the adapter's own keep-alive sockets (never a dispatcher passed in the options). Requests after this fail. */
  close(): Promise<void>;
}

/**
 * Creates an axios adapter that sends requests with undici instead of Node's `http` module:
 * one shared keep-alive pool per adapter, about 1.5x the throughput of axios's http adapter on
 * small JSON. Node only (entry point `@kit/rest-client/undici`).
 *
 * axios semantics are kept: `baseURL`/`params`/`paramsSerializer` through axios's own URL helpers,
 * request data after `transformRequest`, `timeout` (`ECONNABORTED`, or `ETIMEDOUT` with
 * `transitional.clarifyTimeoutError`), `signal` and `cancelToken` (`ERR_CANCELED`), `validateStatus`
 * (`ERR_BAD_REQUEST`/`ERR_BAD_RESPONSE` with the response), `responseType` `json`/`text`/`arraybuffer`/`stream`,
 * `maxContentLength`, `maxBodyLength`, `decompress`, `maxRedirects`, `auth`, `proxy` and the
 * `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` environment. Network errors are `AxiosError`s carrying the
 * undici error as `cause` and the matching Node code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`).
 * Not supported (rejected with `ERR_NOT_SUPPORT`): `socketPath`, HTTP/2, progress callbacks, `maxRate`.
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { createUndiciAdapter } from '@kit/rest-client/undici';
 *
 * const adapter = createUndiciAdapter({ connectTimeoutMs: 5_000 });
 * const http = axios.create({ baseURL: 'https://api.example.com', adapter });
 * const { data } = await http.get('/v1/time');
 * await adapter.close();
 * ```
 */
export function createUndiciAdapter(options?: UndiciAdapterOptions): UndiciAxiosAdapter {
  const resolved = resolveUndiciAdapterOptions(options);
  const dispatchers = createAdapterDispatchers(resolved);
  const context: ExchangeContext = {
    dispatchers,
    maxRedirections: resolved.maxRedirections,
    resolveTarget: createTargetResolver(),
  };
  const adapter = (config: InternalAxiosRequestConfig) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      new UndiciExchange(config, resolve, reject, context).start();
    });
  // The client's entry (see DIRECT_EXCHANGE): the same exchange on a config the client builds
  // itself, resolving with plain headers and the text body. Not enumerable: not part of the API.
  const direct = (request: DirectRequest) =>
    new Promise<DirectResponse>((resolve, reject) => {
      const config = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        data: request.body,
        signal: request.signal,
        maxRedirects: request.maxRedirects,
        responseType: 'text',
      } as unknown as InternalAxiosRequestConfig;
      new UndiciExchange(config, resolve as never, reject, context, true).start();
    });
  Object.defineProperty(adapter, DIRECT_EXCHANGE, { value: direct });
  return Object.assign(adapter, {
    adapterName: 'undici' as const,
    close: () => dispatchers.close(),
  });
}
