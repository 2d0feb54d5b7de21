import { createSplitStep, type PipelineStep } from './pipeline';

/** Name of the idempotency step. */
export const IDEMPOTENCY_STEP = 'idempotency';

/** Options for {@link createIdempotencyStep}. */
export interface IdempotencyStepOptions {
  /** The header that carries the key. @default 'Idempotency-Key' */
  headerName?: string;
  /** Generate keys for POST and PATCH calls that have none. @default true */
  enabled?: boolean;
  /** Generates a key. @default crypto.randomUUID */
  generate?: () => string;
}

const KEYED_METHODS = new Set(['POST', 'PATCH']);

/**
 * Gives POST and PATCH calls an idempotency key, generated once per logical call and reused by every
 * attempt, so a retry after a lost response cannot create a second order. A key the caller set
 * (option or header) is kept and counts too; other methods are idempotent already.
 */
export function createIdempotencyStep(options: IdempotencyStepOptions = {}): PipelineStep {
  const headerName = options.headerName ?? 'Idempotency-Key';
  const lower = headerName.toLowerCase();
  const enabled = options.enabled ?? true;
  const generate = options.generate ?? (() => globalThis.crypto.randomUUID());
  return createSplitStep(
    IDEMPOTENCY_STEP,
    (request) => {
      let existing: string | undefined;
      for (const name in request.headers) if (name.toLowerCase() === lower) existing = name;
      if (existing !== undefined) request.idempotencyKey ??= request.headers[existing];
      if (request.idempotencyKey === undefined && enabled && KEYED_METHODS.has(request.method)) {
        request.idempotencyKey = generate();
      }
      if (request.idempotencyKey !== undefined)
        request.headers[existing ?? headerName] = request.idempotencyKey;
      return undefined;
    },
    undefined,
  );
}
