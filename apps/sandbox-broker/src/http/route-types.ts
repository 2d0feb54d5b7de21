import type { ApiError } from '../api-error';
import type { Principal } from '../auth/auth-types';

/** A successful handler answer: the status and the JSON value to send. */
export interface Reply {
  readonly status: number;
  readonly json: unknown;
}

/** What a handler sees. */
export interface RouteContext {
  /** Who is calling (an anonymous principal on public routes). */
  readonly principal: Principal;
  /** The decoded `:param` of the route, `''` when it has none. */
  readonly param: string;
  /** The raw query string without `?`. */
  readonly rawQuery: string;
  /** The raw body as sent. */
  readonly body: string;
  /** The parsed JSON body (undefined when empty); parse errors are answered before the handler. */
  readonly json: unknown;
  /** The `Idempotency-Key` header, when sent. */
  readonly idempotencyKey: string | undefined;
}

/** Which credentials a route needs. */
export type RouteScope = 'public' | 'read' | 'trade';

/** One REST route. */
export interface RestRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path with at most one trailing `:param`, e.g. `/v1/orders/:id`. */
  readonly path: string;
  /** Rate-limit weight (0: free). */
  readonly weight: number;
  readonly scope: RouteScope;
  /** Whether the body is JSON to parse before the handler. */
  readonly jsonBody?: boolean;
  readonly handler: (context: RouteContext) => Reply | ApiError;
}
