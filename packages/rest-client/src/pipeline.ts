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
  /**
   * The telemetry steps' state for this call (set by the call's telemetry step; opaque to others).
   * @default undefined
   */
  telemetry?: unknown;
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
  readonly failed: ((request: PipelineRequest, error: unknown) => void) | undefined;
}

/** The split parts of the steps made by {@link createSplitStep}, for {@link composePipeline}. */
const splitParts = new WeakMap<PipelineStep, SplitParts>();

/**
 * A step whose work happens before the rest of the pipeline (`before`; a returned promise is
 * waited for), on the response (`after`, synchronous; throwing fails the attempt) and/or on a
 * failure of anything after its `before` (`failed`, synchronous, told the error, which then
 * propagates: the rest of the pipeline rejected, or an inner step's `after` threw). Its `send` does
 * exactly that; `composePipeline` runs neighbouring split steps in one go instead, so they add no
 * promise (and no microtask hop) of their own per request. @internal
 */
export function createSplitStep(
  name: string,
  before: ((request: PipelineRequest) => Promise<void> | undefined) | undefined,
  after: ((request: PipelineRequest, response: PipelineResponse) => void) | undefined,
  failed?: ((request: PipelineRequest, error: unknown) => void) | undefined,
): PipelineStep {
  const step: PipelineStep = {
    name,
    async send(request, next) {
      if (before !== undefined) await before(request);
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (error) {
        failed?.(request, error);
        throw error;
      }
      if (after !== undefined) after(request, response);
      return response;
    },
  };
  splitParts.set(step, { before, after, failed });
  return step;
}

/**
 * Runs a run of split steps (outermost first) around `next` as one function: the `before`s in
 * order, continuing synchronously while they return nothing, then `next`, then the `after`s
 * innermost first in one callback. The same order and error flow as nesting their `send`s: a
 * throw stops everything outside it, and the `failed` of every step whose `before` had run and
 * that is outside the throw is told, innermost first.
 */
function composeSplit(parts: readonly SplitParts[], next: SendRequest): SendRequest {
  const count = parts.length;
  const befores = parts.map((part) => part.before);
  const afters = parts.map((part) => part.after);
  const faileds = parts.map((part) => part.failed);
  const settles = parts.some((part) => part.after !== undefined || part.failed !== undefined);
  /** Tells the steps at `index` and outside it, then rethrows. */
  const failFrom = (index: number, request: PipelineRequest, error: unknown): never => {
    for (let i = index; i >= 0; i--) faileds[i]?.(request, error);
    throw error;
  };
  const finish = (request: PipelineRequest, response: PipelineResponse): PipelineResponse => {
    for (let i = count - 1; i >= 0; i--) {
      const after = afters[i];
      if (after === undefined) continue;
      try {
        after(request, response);
      } catch (error) {
        failFrom(i - 1, request, error);
      }
    }
    return response;
  };
  const from = (index: number, request: PipelineRequest): Promise<PipelineResponse> => {
    for (let i = index; i < count; i++) {
      const before = befores[i];
      if (before === undefined) continue;
      let pending: Promise<void> | undefined;
      try {
        pending = before(request);
      } catch (error) {
        return failFrom(i - 1, request, error);
      }
      if (pending !== undefined)
        return pending.then(
          () => from(i + 1, request),
          (error: unknown) => failFrom(i - 1, request, error),
        );
    }
    if (!settles) return next(request);
    return next(request).then(
      (response) => finish(request, response),
      (error: unknown) => failFrom(count - 1, request, error),
    );
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
