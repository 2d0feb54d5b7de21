import type { GenericSchema, InferOutput } from 'valibot';
import type { PathParamValue } from './path-template';
import type { QueryInput } from './query-string';
import type { RateLimitInfo } from './rate-limit-info';
import type { RequestBody } from './request-body';

/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** One call. */
export interface RestRequestOptions<TSchema extends GenericSchema | undefined = GenericSchema | undefined> {
  /** The method. */
  method: HttpMethod;
  /** Path template below the base URL: `/orders/{id}`. Placeholders are filled from `params`, encoded. */
  path: string;
  /** Values for the path's `{placeholders}`. @default {} */
  params?: Readonly<Record<string, PathParamValue>>;
  /** Query parameters, sent in the order given (arrays repeat the key). @default none */
  query?: QueryInput;
  /** The body: JSON data, `URLSearchParams` (a form) or a string sent as is. @default none */
  body?: RequestBody;
  /** Extra headers for this call. @default {} */
  headers?: Readonly<Record<string, string>>;
  /** Cancels the call, waits included. @default none */
  signal?: AbortSignal;
  /** A valibot schema for the response body; the result type is inferred from it. @default none */
  schema?: TSchema;
  /** Rate-limit weight of each attempt. @default 1 */
  weight?: number;
  /** An idempotency key to use instead of a generated one (any method). @default generated for POST/PATCH */
  idempotencyKey?: string;
}

/** The data type a schema produces (`unknown` without one). */
export type SchemaOutput<TSchema> = TSchema extends GenericSchema ? InferOutput<TSchema> : unknown;

/** A successful response. */
export interface RestResponse<T = unknown> {
  /** The parsed body (validated when the call had a schema). */
  data: T;
  /** HTTP status. */
  status: number;
  /** Response headers, lower-case names. */
  headers: Readonly<Record<string, string>>;
  /** The server's request id, from the configured headers. */
  requestId: string | undefined;
  /** Rate-limit headers announced with this response. */
  rateLimit: RateLimitInfo;
  /** Attempts the call took (1 when nothing was retried). */
  attempts: number;
  /** Time from the call's start to the response, waits included, in milliseconds. */
  durationMs: number;
}
