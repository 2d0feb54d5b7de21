/**
 * The contract between the client's transport and kit's own undici adapter for sending without
 * axios's request machinery. A client that created its axios instance itself (so no interceptors
 * can be on it, and {@link hasAxiosDefaults} holds) and was given `createUndiciAdapter()` hands
 * each attempt straight to the adapter under this key: the same exchange code, byte for byte the
 * wire request axios would send, the same `AxiosError`s on failure, without axios's config
 * merge, header objects and transform chain, which cost about as much CPU per request as the
 * whole undici exchange. The key is `Symbol.for`, so the client's entry point and the adapter's
 * (built separately) agree on it. @internal
 */
export const DIRECT_EXCHANGE: unique symbol = Symbol.for(
  '@kit/rest-client.undici.direct-exchange.v1',
) as never;

/** The `Accept` header axios's defaults send when a request sets none. @internal */
export const AXIOS_DEFAULT_ACCEPT = 'application/json, text/plain, */*';

// The defaults of an instance from `axios.create()` when nobody changed `axios.defaults`: the
// direct exchange reproduces exactly these. Of them, the transforms and `validateStatus` are
// replaced on every request by the client, `env` and the XSRF names are for browsers' adapters,
// and `transitional` only shapes timeout errors (the direct path sets no axios timeout).
const AXIOS_DEFAULT_KEYS = new Set([
  'transitional',
  'adapter',
  'transformRequest',
  'transformResponse',
  'timeout',
  'xsrfCookieName',
  'xsrfHeaderName',
  'maxContentLength',
  'maxBodyLength',
  'env',
  'validateStatus',
  'headers',
  'maxRedirects',
]);

/**
 * Whether an instance's defaults are axios's own, so that the direct exchange sends exactly what
 * the instance would: no timeout, no size limits, the default `Accept` and nothing else in the
 * common headers, no per-method or extra headers, and no other setting (`proxy`, `auth`, `params`,
 * `decompress`, agents, ...). An application that configured `axios.defaults` globally gets
 * axios's path, with everything it set. @internal
 */
export function hasAxiosDefaults(defaults: Readonly<Record<string, unknown>>): boolean {
  for (const key in defaults) {
    if (!AXIOS_DEFAULT_KEYS.has(key) && defaults[key] !== undefined) return false;
  }
  if ((defaults.timeout ?? 0) !== 0) return false;
  if ((defaults.maxContentLength ?? -1) !== -1 || (defaults.maxBodyLength ?? -1) !== -1) return false;
  const headers = (defaults.headers ?? {}) as Record<string, unknown>;
  for (const name in headers) {
    const group = headers[name];
    if (typeof group !== 'object' || group === null) return false;
    for (const header in group) {
      const value = (group as Record<string, unknown>)[header];
      const allowed =
        name === 'common' &&
        ((header === 'Accept' && value === AXIOS_DEFAULT_ACCEPT) ||
          (header === 'Content-Type' && value === undefined));
      if (!allowed) return false;
    }
  }
  return true;
}

/** One attempt as the client sends it. @internal */
export interface DirectRequest {
  /** Upper-case method. */
  readonly method: string;
  /** Absolute URL, query included. */
  readonly url: string;
  /** Headers as sent (names as given; the adapter adds only what axios would add when absent). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, already serialised. */
  readonly body: string | undefined;
  /** Aborts the attempt. */
  readonly signal: AbortSignal | undefined;
  /** Redirects to follow (the client's `maxRedirects`). */
  readonly maxRedirects: number;
}

/** The response of a {@link DirectRequest}: any status resolves. @internal */
export interface DirectResponse {
  readonly status: number;
  /** Lower-case names, repeated values joined the way the client joins axios's headers. */
  readonly headers: Record<string, string>;
  /** The body as UTF-8 text, BOM removed (`data`, as on an axios response). */
  readonly data: string;
}

/** An adapter that can send a {@link DirectRequest}. @internal */
export interface DirectExchangeAdapter {
  [DIRECT_EXCHANGE](request: DirectRequest): Promise<DirectResponse>;
}

/** The adapter's direct entry, if it has one. @internal */
export function directExchangeOf(
  adapter: unknown,
): ((request: DirectRequest) => Promise<DirectResponse>) | undefined {
  const direct = (adapter as Partial<DirectExchangeAdapter> | undefined)?.[DIRECT_EXCHANGE];
  return typeof direct === 'function' ? direct : undefined;
}
