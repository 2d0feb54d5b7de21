import type { AuthRequest } from '@kit/auth';
import type { GenericSchema } from 'valibot';
import type { RateLimitInfo } from './rate-limit-info';

/**
 * One logical call as it flows through the pipeline. Per-call steps (request id, idempotency key)
 * set their fields once; per-attempt steps read the pristine `query`/`headers`/`body` and write what
 * is really sent to `sent`, so every attempt starts from the same request.
 */
export interface PipelineRequest {
  /** Upper-case method. */
  readonly method: string;
  /** Absolute URL without query string. */
  readonly url: string;
  /** The path part of `url` (what venues sign and what errors show). */
  readonly path: string;
  /** The path template (`/orders/{id}`): the endpoint's name in logs and drift warnings. */
  readonly pathTemplate: string;
  /** Query pairs in send order. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** Call-level headers (per-call steps add to them). */
  readonly headers: Record<string, string>;
  /** The serialised body, exactly as sent. */
  readonly body: string | undefined;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** Rate-limit weight of one attempt. */
  readonly weight: number;
  /** The response schema, when the call has one. */
  readonly schema: GenericSchema | undefined;
  /** The idempotency key reused by every attempt, if any. */
  idempotencyKey: string | undefined;
  /** Whether the one 401 replay of this call was used. */
  replayedUnauthorized: boolean;
  /** The attempt in progress (1-based; a 401 replay counts as an attempt). */
  attempt: number;
  /** Aborts this attempt: the caller's signal, the attempt timeout and the deadline. */
  attemptSignal: AbortSignal | undefined;
  /** What this attempt really sends, set by the auth step. */
  sent: SentRequest | undefined;
  /**
   * The request as this attempt's auth strategy returned it (set by the auth step): what a 401 is
   * reported against, so the strategy can tell a stale credential from the one it holds now.
   * @default undefined (no auth step ran)
   */
  authenticated?: AuthRequest | undefined;
  /** When the call started (`performance.now()`-style milliseconds from the client's clock). */
  startedAtMs: number;
}

/** The exact request an attempt sends. */
export interface SentRequest {
  /** Absolute URL with the serialised query. */
  url: string;
  /** Headers as sent (may hold credentials: never log them). */
  headers: Record<string, string>;
  /** Body as sent. */
  body: string | undefined;
}

/** A response as it flows back through the pipeline. */
export interface PipelineResponse {
  /** HTTP status. */
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The raw body text. */
  bodyText: string;
  /** The parsed (and, with a schema, validated) body; set by the response steps. */
  data: unknown;
  /** How long the attempt took, in milliseconds. */
  durationMs: number;
  /** The server's request id, when a configured header carried one. */
  requestId: string | undefined;
  /** Rate-limit headers, parsed. */
  rateLimit: RateLimitInfo;
}

/** Sends a request through the rest of the pipeline. */
export type SendRequest = (request: PipelineRequest) => Promise<PipelineResponse>;

/** One pipeline step: does its work and calls `next` (zero, one or several times). */
export interface PipelineStep {
  /** The step's name, for debugging. */
  readonly name: string;
  /** Handles the request, usually by calling `next`. */
  send(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse>;
}

/** A step's work split around `next`: see {@link createSplitStep}. */
interface SplitParts {
  readonly before: ((request: PipelineRequest) => Promise<void> | undefined) | undefined;
  readonly after: ((request: PipelineRequest, response: PipelineResponse) => void) | undefined;
}

/** The split parts of the steps made by {@link createSplitStep}, for {@link composePipeline}. */
const splitParts = new WeakMap<PipelineStep, SplitParts>();

/**
 * A step whose work happens before the rest of the pipeline (`before`; a returned promise is
 * waited for) and/or on the response (`after`, synchronous; throwing fails the attempt). Its
 * `send` does exactly that; `composePipeline` runs neighbouring split steps in one go instead, so
 * they add no promise (and no microtask hop) of their own per request. @internal
 */
export function createSplitStep(
  name: string,
  before: ((request: PipelineRequest) => Promise<void> | undefined) | undefined,
  after: ((request: PipelineRequest, response: PipelineResponse) => void) | undefined,
): PipelineStep {
  const step: PipelineStep = {
    name,
    async send(request, next) {
      if (before !== undefined) await before(request);
      const response = await next(request);
      if (after !== undefined) after(request, response);
      return response;
    },
  };
  splitParts.set(step, { before, after });
  return step;
}

/**
 * Runs a run of split steps (outermost first) around `next` as one function: the `before`s in
 * order, continuing synchronously while they return nothing, then `next`, then the `after`s
 * innermost first in one callback. The same order and error flow as nesting their `send`s: a
 * throw stops everything outside it.
 */
function composeSplit(parts: readonly SplitParts[], next: SendRequest): SendRequest {
  const befores = parts.flatMap((part) => (part.before === undefined ? [] : [part.before]));
  const afters = parts.flatMap((part) => (part.after === undefined ? [] : [part.after])).reverse();
  const count = befores.length;
  const forward: SendRequest =
    afters.length === 0
      ? next
      : (request) =>
          next(request).then((response) => {
            for (let i = 0; i < afters.length; i++)
              (afters[i] as NonNullable<SplitParts['after']>)(request, response);
            return response;
          });
  const from = (index: number, request: PipelineRequest): Promise<PipelineResponse> => {
    for (let i = index; i < count; i++) {
      const pending = (befores[i] as NonNullable<SplitParts['before']>)(request);
      if (pending !== undefined) return pending.then(() => from(i + 1, request));
    }
    return forward(request);
  };
  return (request) => {
    try {
      return from(0, request);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/**
 * Composes steps (outermost first) around a transport, once, when the client is created: no
 * closure is allocated per request, and neighbouring steps of the client's own that do no async
 * work around `next` run as one function (see {@link createSplitStep}).
 */
export function composePipeline(steps: readonly PipelineStep[], transport: SendRequest): SendRequest {
  let next = transport;
  let run: SplitParts[] = [];
  const flush = (): void => {
    if (run.length > 0) next = composeSplit(run, next);
    run = [];
  };
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i] as PipelineStep;
    const parts = splitParts.get(step);
    if (parts !== undefined) {
      run.unshift(parts);
      continue;
    }
    flush();
    const inner = next;
    next = (request) => step.send(request, inner);
  }
  flush();
  return next;
}
