import { classifyError, isKitError, KitError } from '@kit/errors';
import type { Clock } from '@kit/retry';
import type { Sequencer } from './sequencer';

/** What a resync hook returns: the position a snapshot covers, and messages to deliver first. */
export interface ResyncResult<T> {
  /** The last sequence number the snapshot covers (Binance: `lastUpdateId`). */
  lastSeq: number;
  /** Delivered to consumers before the replay: the snapshot itself, or the missed messages. @default [] */
  messages?: readonly T[];
}

/** Fetches a snapshot after a gap. `watermark` is the last sequence delivered. */
export type ResyncHook<T> = (
  stream: string,
  context: { signal: AbortSignal; watermark: number | undefined },
) => Promise<ResyncResult<T>>;

/** Emitted when a stream's sequencer finds a gap. */
export interface WsGapEvent {
  /** The stream key. */
  readonly stream: string;
  /** The sequence number expected, when known. */
  readonly expected: number | undefined;
  /** The sequence number that arrived. */
  readonly received: number | undefined;
}

/** Emitted when a stream is back in order after a gap. */
export interface WsResyncedEvent {
  /** The stream key. */
  readonly stream: string;
  /** The last sequence the snapshot covered. */
  readonly lastSeq: number;
  /** Buffered messages delivered after the snapshot. */
  readonly replayed: number;
  /** Buffered messages the snapshot already covered (dropped). */
  readonly dropped: number;
}

/** Counters of one sequenced stream. */
export interface SequenceStats {
  /** Duplicates dropped by the watermark. */
  duplicates: number;
  /** Gaps detected. */
  gaps: number;
  /** Resyncs completed. */
  resyncs: number;
  /** Messages dropped because the resync buffer was full (a later gap heals them). */
  overflowed: number;
}

/** @internal */
export interface SequencedStreamSettings<T> {
  stream: string;
  sequencer: Sequencer<T> | undefined;
  resync: ResyncHook<T> | undefined;
  bufferSize: number;
  retryDelayMs: number;
  /** How long one resync hook call may take before it is aborted and retried. */
  timeoutMs: number;
  clock: Clock;
  deliver: (message: T) => void;
  onGap: (event: WsGapEvent) => void;
  onResynced: (event: WsResyncedEvent) => void;
  onError: (error: KitError) => void;
}

/**
 * Orders one stream: drops duplicates, and on a gap buffers (bounded), calls the resync hook,
 * delivers the snapshot, drops what it covers and replays the rest. The stream stays alive
 * throughout; without a resync hook a gap is reported and skipped. @internal
 */
export class SequencedStream<T> {
  readonly stats: SequenceStats = { duplicates: 0, gaps: 0, resyncs: 0, overflowed: 0 };
  readonly #s: SequencedStreamSettings<T>;
  // Read per message: own fields, not loads through the settings object.
  readonly #sequencer: Sequencer<T> | undefined;
  readonly #deliver: (message: T) => void;
  #buffer: T[] | undefined;
  readonly #controller = new AbortController();

  constructor(settings: SequencedStreamSettings<T>) {
    this.#s = settings;
    this.#sequencer = settings.sequencer;
    this.#deliver = settings.deliver;
  }

  /** Whether a resync is in flight. */
  get resyncing(): boolean {
    return this.#buffer !== undefined;
  }

  /** Takes one validated message. */
  push(message: T): void {
    const sequencer = this.#sequencer;
    if (!sequencer) {
      this.#deliver(message);
      return;
    }
    if (this.#buffer !== undefined) {
      this.#hold(this.#buffer, message);
      return;
    }
    // The common case first, inline; everything else (duplicates, gaps, resets) in `#process`.
    const verdict = sequencer.check(message);
    if (verdict === 'in_order') {
      sequencer.accept(message);
      this.#deliver(message);
    } else this.#process(sequencer, message, verdict);
  }

  /** A resync is in flight: `message` waits behind it (the oldest goes when the buffer is full). */
  #hold(buffer: T[], message: T): void {
    if (buffer.length >= this.#s.bufferSize) {
      buffer.shift();
      this.stats.overflowed++;
    }
    buffer.push(message);
  }

  /** Stops any resync in flight. */
  dispose(): void {
    this.#controller.abort();
    this.#buffer = undefined;
  }

  /** Returns false when a gap started a resync (the message is then buffered). */
  #process(sequencer: Sequencer<T>, message: T, verdict = sequencer.check(message)): boolean {
    switch (verdict) {
      case 'in_order':
        sequencer.accept(message);
        this.#s.deliver(message);
        return true;
      case 'duplicate':
        this.stats.duplicates++;
        return true;
      case 'reset':
        sequencer.reset(undefined);
        sequencer.accept(message);
        this.#s.deliver(message);
        return true;
      default: {
        this.stats.gaps++;
        this.#s.onGap({
          stream: this.#s.stream,
          expected: sequencer.expected(),
          received: sequencer.seqOf(message),
        });
        if (!this.#s.resync) {
          // Nothing to heal the hole with: report it and carry on from here.
          sequencer.accept(message);
          this.#s.deliver(message);
          return true;
        }
        this.#buffer = [message];
        this.#resync(sequencer, this.#s.resync).catch((error: unknown) => {
          // A sequencer or hook result that throws while replaying: report it and keep the stream
          // alive from here (the next gap resyncs again) rather than buffering forever.
          if (this.#controller.signal.aborted) return;
          this.#buffer = undefined;
          this.#s.onError(isKitError(error) ? error : classifyError(error));
        });
        return false;
      }
    }
  }

  /** One hook call, bounded by `timeoutMs`: its signal aborts at the timeout or on `dispose()`. */
  async #fetch(hook: ResyncHook<T>, watermark: number | undefined): Promise<ResyncResult<T>> {
    const { stream, timeoutMs, clock } = this.#s;
    const attempt = new AbortController();
    const timer = new AbortController();
    // Disposal (the stream went, the client closed) also cancels the timeout timer at once, so a
    // hook that hangs leaves no timer behind.
    const stop = () => {
      attempt.abort(this.#controller.signal.reason);
      timer.abort();
    };
    this.#controller.signal.addEventListener('abort', stop, { once: true });
    try {
      const timedOut = clock.sleep(timeoutMs, timer.signal).then(() => {
        const error = new KitError('timeout.resync', {
          message: `The resync hook for "${stream}" did not settle within ${timeoutMs} ms; it is retried`,
          details: { stream, resyncTimeoutMs: timeoutMs },
        });
        attempt.abort(error);
        throw error;
      });
      // A late settlement after the timeout is ignored (and never an unhandled rejection).
      let called: Promise<ResyncResult<T>>;
      try {
        called = Promise.resolve(hook(stream, { signal: attempt.signal, watermark }));
      } catch (error) {
        called = Promise.reject(error);
      }
      called.catch(() => {});
      timedOut.catch(() => {});
      const result = await Promise.race([called, timedOut]);
      if (typeof result?.lastSeq !== 'number' || !Number.isFinite(result.lastSeq)) {
        throw new KitError('client.invalid_argument', {
          message: `The resync hook for "${stream}" returned no numeric \`lastSeq\``,
          details: { stream },
        });
      }
      return result;
    } finally {
      timer.abort();
      this.#controller.signal.removeEventListener('abort', stop);
    }
  }

  async #resync(sequencer: Sequencer<T>, hook: ResyncHook<T>): Promise<void> {
    const signal = this.#controller.signal;
    while (!signal.aborted) {
      let result: ResyncResult<T>;
      try {
        result = await this.#fetch(hook, sequencer.watermark);
      } catch (error) {
        if (signal.aborted) return;
        this.#s.onError(isKitError(error) ? error : classifyError(error));
        try {
          await this.#s.clock.sleep(this.#s.retryDelayMs, signal);
        } catch {
          return;
        }
        continue;
      }
      if (signal.aborted) return;
      for (const snapshot of result.messages ?? []) this.#s.deliver(snapshot);
      sequencer.reset(result.lastSeq);
      const buffered = this.#buffer ?? [];
      this.#buffer = undefined;
      let replayed = 0;
      let dropped = 0;
      for (let i = 0; i < buffered.length; i++) {
        const message = buffered[i] as T;
        const verdict = sequencer.check(message);
        if (verdict === 'duplicate') {
          dropped++;
          continue;
        }
        if (!this.#process(sequencer, message)) {
          // Another gap: the rest waits behind it for the next snapshot.
          const restarted = this.#buffer as T[] | undefined;
          restarted?.push(...buffered.slice(i + 1));
          this.stats.resyncs++;
          this.#s.onResynced({ stream: this.#s.stream, lastSeq: result.lastSeq, replayed, dropped });
          return;
        }
        replayed++;
      }
      this.stats.resyncs++;
      this.#s.onResynced({ stream: this.#s.stream, lastSeq: result.lastSeq, replayed, dropped });
      return;
    }
  }
}
