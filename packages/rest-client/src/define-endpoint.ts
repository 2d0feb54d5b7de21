import type { GenericSchema, InferInput, InferOutput } from 'valibot';
import type { PathParamNames, PathParams } from './path-template';
import type { HttpMethod } from './rest-request';

/** An endpoint declared once: method, path template, schemas and rate-limit weight. */
export interface Endpoint<
  TPath extends string = string,
  TQuery extends GenericSchema | undefined = GenericSchema | undefined,
  TBody extends GenericSchema | undefined = GenericSchema | undefined,
  TResponse extends GenericSchema = GenericSchema,
> {
  /** Brand, so `paginate()` can tell an endpoint from request options. */
  readonly kind: 'kit.endpoint';
  /** The method. */
  readonly method: HttpMethod;
  /** Path template, e.g. `/orders/{id}`. */
  readonly path: TPath;
  /** Schema of the query object, if the endpoint takes one. */
  readonly query: TQuery;
  /** Schema of the body, if the endpoint takes one. */
  readonly body: TBody;
  /** Schema of the response body. */
  readonly response: TResponse;
  /** Rate-limit weight. @default 1 */
  readonly weight: number;
}

/** What {@link defineEndpoint} takes. */
export interface EndpointDefinition<
  TPath extends string,
  TQuery extends GenericSchema | undefined,
  TBody extends GenericSchema | undefined,
  TResponse extends GenericSchema,
> {
  /** The HTTP method. */
  method: HttpMethod;
  /** The path template under the base URL, with `{name}` parameters (`/orders/{id}`). */
  path: TPath;
  /** Schema of the query parameters; calls are checked against it before sending. */
  query?: TQuery;
  /** Schema of the JSON body; calls are checked against it before sending. */
  body?: TBody;
  /** Schema of the response body; answers that do not match fail with `schema.response_mismatch`. */
  response: TResponse;
  /**
   * The endpoint's cost in the client-side rate limiter (and the vendor's weight, where it has one).
   * @default 1
   */
  weight?: number;
}

type ParamsPart<P extends string> = [PathParamNames<P>] extends [never]
  ? { params?: undefined }
  : { params: PathParams<P> };
type QueryPart<Q> = Q extends GenericSchema
  ? Record<string, never> extends InferInput<Q>
    ? { query?: InferInput<Q> }
    : { query: InferInput<Q> }
  : { query?: undefined };
type BodyPart<B> = B extends GenericSchema ? { body: InferInput<B> } : { body?: undefined };

/** The input of an endpoint call, inferred from its path and schemas. */
export type EndpointInput<E> =
  E extends Endpoint<infer P, infer Q, infer B, GenericSchema>
    ? ParamsPart<P> &
        QueryPart<Q> &
        BodyPart<B> & {
          /** Extra headers. */
          headers?: Readonly<Record<string, string>>;
          /** An idempotency key instead of a generated one. */
          idempotencyKey?: string;
        }
    : never;

/** The response data of an endpoint, inferred from its response schema. */
export type EndpointOutput<E> =
  E extends Endpoint<string, GenericSchema | undefined, GenericSchema | undefined, infer R>
    ? InferOutput<R>
    : never;

/**
 * Declares an endpoint once, so an adapter is a table of endpoints with inferred types; call it with
 * `client.call(endpoint, input)`. Query and body inputs are validated before sending
 * (`schema.request_mismatch`), responses after (`schema.response_mismatch` in strict mode).
 *
 * @example
 * ```ts
 * const getOrder = defineEndpoint({ method: 'GET', path: '/orders/{id}', response: Order });
 * const { data } = await client.call(getOrder, { params: { id: 'o1' } }); // data: Order
 * ```
 */
export function defineEndpoint<
  const TPath extends string,
  TResponse extends GenericSchema,
  TQuery extends GenericSchema | undefined = undefined,
  TBody extends GenericSchema | undefined = undefined,
>(
  definition: EndpointDefinition<TPath, TQuery, TBody, TResponse>,
): Endpoint<TPath, TQuery, TBody, TResponse> {
  return Object.freeze({
    kind: 'kit.endpoint',
    method: definition.method,
    path: definition.path,
    query: definition.query as TQuery,
    body: definition.body as TBody,
    response: definition.response,
    weight: definition.weight ?? 1,
  });
}

/** Whether a value is an endpoint made by {@link defineEndpoint}. */
export function isEndpoint(value: unknown): value is Endpoint {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'kit.endpoint';
}
