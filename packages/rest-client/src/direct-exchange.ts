/**
 * The contract between the client's transport and kit's own undici adapter for sending without
 * axios's request machinery. A client that created its axios instance itself (so no interceptors
 * can be on it) and was given `createUndiciAdapter()` hands each attempt straight to the adapter
 * under this key: the same exchange code, the same wire request (the headers axios would add are
 * added the same way, case-insensitively), the same `AxiosError`s on failure, without axios's
 * config merge, header objects and transform chain, which cost about as much CPU per request as
 * the whole undici exchange. The key is `Symbol.for`, so the client's entry point and the adapter's
 * (built separately) agree on it. @internal
 */
export const DIRECT_EXCHANGE: unique symbol = Symbol.for(
  '@kit/rest-client.undici.direct-exchange.v1',
) as never;

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
