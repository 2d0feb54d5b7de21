import { ERROR_CATALOGUE, type ErrorCode } from './catalogue';
import { type ErrorOutcome, KitError } from './kit-error';
import { withRequest } from './safe-text';

// Shared plumbing for the classifiers behind classifyError (internal, not exported from the package).

/** The caller's context after normalisation (upper-case method, sanitised path). @internal */
export interface Resolved {
  method: string | undefined;
  path: string | undefined;
  requestIdHeaders: readonly string[] | undefined;
  nowMs: number | undefined;
}

/** How deep `cause` chains are followed. @internal */
export const MAX_CAUSE_DEPTH = 5;

/** The per-error fields `make` sets. @internal */
export interface Fields {
  message: string;
  outcome?: ErrorOutcome;
  hint?: string;
  details?: unknown;
  status?: number;
}

/** A KitError whose message names the request. @internal */
export function make(code: ErrorCode, ctx: Resolved, cause: unknown, fields: Fields): KitError {
  return new KitError(code, {
    message: withRequest(ctx.method, ctx.path, fields.message),
    method: ctx.method,
    path: ctx.path,
    cause,
    outcome: fields.outcome,
    hint: fields.hint,
    details: fields.details,
    status: fields.status,
  });
}

/** The catalogue title of a code. @internal */
export function title(code: ErrorCode): string {
  return ERROR_CATALOGUE[code].title;
}
