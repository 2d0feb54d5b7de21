import type { PipelineStep } from './pipeline';

/** Name of the request-id step. */
export const REQUEST_ID_STEP = 'requestId';

/** Options for {@link createRequestIdStep}. */
export interface RequestIdStepOptions {
  /** The header. @default 'X-Request-Id' */
  headerName?: string;
  /** Generates an id, once per logical call (every attempt carries the same one). @default crypto.randomUUID */
  generate?: () => string;
}

function hasHeader(headers: Record<string, string>, lowerName: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}

/** Adds a client request id to every call that does not carry one, so client and server logs can be joined. */
export function createRequestIdStep(options: RequestIdStepOptions = {}): PipelineStep {
  const headerName = options.headerName ?? 'X-Request-Id';
  const lower = headerName.toLowerCase();
  const generate = options.generate ?? (() => globalThis.crypto.randomUUID());
  return {
    name: REQUEST_ID_STEP,
    send(request, next) {
      if (!hasHeader(request.headers, lower)) request.headers[headerName] = generate();
      return next(request);
    },
  };
}
