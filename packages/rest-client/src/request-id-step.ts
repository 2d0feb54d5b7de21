import { findHeaderName } from './headers';
import { createSplitStep, type PipelineStep } from './pipeline';

/** Name of the request-id step. */
export const REQUEST_ID_STEP = 'requestId';

/** Options for {@link createRequestIdStep}. */
export interface RequestIdStepOptions {
  /** The header. @default 'X-Request-Id' */
  headerName?: string;
  /** Generates an id, once per logical call (every attempt carries the same one). @default crypto.randomUUID */
  generate?: () => string;
}

/** Adds a client request id to every call that does not carry one, so client and server logs can be joined. */
export function createRequestIdStep(options: RequestIdStepOptions = {}): PipelineStep {
  const headerName = options.headerName ?? 'X-Request-Id';
  const lower = headerName.toLowerCase();
  const generate = options.generate ?? (() => globalThis.crypto.randomUUID());
  return createSplitStep(
    REQUEST_ID_STEP,
    (request) => {
      if (findHeaderName(request.headers, lower) === undefined) request.headers[headerName] = generate();
      return undefined;
    },
    undefined,
  );
}
