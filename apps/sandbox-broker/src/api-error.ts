/**
 * A broker error as the API answers it: `{ "error": { code, message, requestId, ...extra } }` with
 * `status`. Handlers and trading return these (never throw them), so the hot path has no exceptions.
 */
export interface ApiError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** More fields for the error body, e.g. `{ orderStatus: 'filled' }` or `{ serverTime }`. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Builds an {@link ApiError}. */
export function apiError(
  status: number,
  code: string,
  message: string,
  extra?: Readonly<Record<string, unknown>>,
): ApiError {
  return extra === undefined ? { status, code, message } : { status, code, message, extra };
}
