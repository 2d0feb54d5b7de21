// One stream's lifetime: ends on the caller's AbortSignal, on the adapter's close(), or when the
// consumer stops iterating, and runs its teardown exactly once.
import type { AdapterContext } from './adapter-context';

/** A stream's end, observable as a signal. @internal */
export interface StreamLifetime {
  /** Aborted when the stream ends for any reason. */
  readonly signal: AbortSignal;
  /** Ends the stream (idempotent). */
  end(): void;
}

/** Ties a stream to the caller's signal and the adapter's lifetime; `teardown` runs once. @internal */
export function streamLifetime(
  ctx: Pick<AdapterContext, 'lifetime'>,
  callerSignal: AbortSignal | undefined,
  teardown: () => void,
): StreamLifetime {
  const controller = new AbortController();
  const end = (): void => {
    if (controller.signal.aborted) return;
    ctx.lifetime.removeEventListener('abort', end);
    callerSignal?.removeEventListener('abort', end);
    controller.abort();
    teardown();
  };
  ctx.lifetime.addEventListener('abort', end, { once: true });
  callerSignal?.addEventListener('abort', end, { once: true });
  if (ctx.lifetime.aborted || callerSignal?.aborted) queueMicrotask(end);
  return { signal: controller.signal, end };
}
