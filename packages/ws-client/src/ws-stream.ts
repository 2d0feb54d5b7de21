import { KitError } from '@kit/errors';
import type { GenericSchema } from 'valibot';
import { ConsumerBuffer, type ConsumerStats } from './consumer-buffer';
import type { BufferOptions } from './options';
import type { ResyncHook, SequenceStats } from './sequenced-stream';
import type { Sequencer } from './sequencer';

/** Options for `WsClient.subscribe`. Stream-level fields apply when the channel is first subscribed. */
export interface WsSubscribeOptions<T> {
  /** Venue parameters passed to `protocol.subscribeMessage`. @default undefined */
  params?: Readonly<Record<string, unknown>>;
  /** Stream-level: validates every message; a mismatch is a `schema.message_mismatch` error event. @default undefined (no validation) */
  schema?: GenericSchema<unknown, T>;
  /** Ends this consumer (the iteration finishes normally). @default undefined */
  signal?: AbortSignal;
  /** This consumer's buffer (ignored with `onMessage`). @default the client's `buffer` option */
  buffer?: BufferOptions;
  /** Callback delivery instead of iteration: called synchronously for each message. @default undefined */
  onMessage?: (message: T) => void;
  /** Called with errors ending this consumer (subscription rejected, client failed). @default undefined */
  onError?: (error: KitError) => void;
  /** Stream-level: orders the stream, drops duplicates, detects gaps. @default undefined (no sequencing) */
  sequencer?: Sequencer<NoInfer<T>>;
  /** Stream-level: fetches a snapshot after a gap. @default undefined (gaps are reported and skipped) */
  resync?: ResyncHook<NoInfer<T>>;
  /** Stream-level: this stream's own data watchdog, in milliseconds (for venues that heartbeat per stream). @default undefined (connection-wide only) */
  idleTimeoutMs?: number;
}

/** One consumer of a channel: an async iterable of its messages, or a callback. */
export interface WsStream<T> extends AsyncIterable<T> {
  /** The channel. */
  readonly channel: string;
  /** This consumer's counters. */
  readonly stats: ConsumerStats;
  /**
   * The stream's sequencing counters (gaps, duplicates, resyncs, overflowed), shared by every
   * consumer of the channel and live: read them at any time. All zero without a `sequencer`.
   */
  readonly sequenceStats: Readonly<SequenceStats>;
  /** Stops this consumer; the channel is unsubscribed when its last consumer goes (only the registry while down). */
  unsubscribe(): void;
}

/** What a consumer tells the client. @internal */
export interface ConsumerHooks {
  onPressure(blocked: boolean): void;
  onDone(consumer: Consumer<never>): void;
  onCallbackError(error: unknown): void;
}

const NO_SEQUENCE: Readonly<SequenceStats> = Object.freeze({
  duplicates: 0,
  gaps: 0,
  resyncs: 0,
  overflowed: 0,
});

/** @internal */
export class Consumer<T> implements WsStream<T> {
  readonly channel: string;
  readonly #buffer: ConsumerBuffer<T> | undefined;
  readonly #onMessage: ((message: T) => void) | undefined;
  readonly #onError: ((error: KitError) => void) | undefined;
  readonly #hooks: ConsumerHooks;
  readonly #signal: AbortSignal | undefined;
  readonly #callbackStats: ConsumerStats = { delivered: 0, conflated: 0, dropped: 0 };
  #sequence: Readonly<SequenceStats> = NO_SEQUENCE;
  #done = false;

  constructor(
    channel: string,
    options: WsSubscribeOptions<T>,
    buffer: Required<BufferOptions>,
    hooks: ConsumerHooks,
  ) {
    this.channel = channel;
    this.#hooks = hooks;
    this.#onMessage = options.onMessage;
    this.#onError = options.onError;
    if (!this.#onMessage) {
      this.#buffer = new ConsumerBuffer<T>(
        buffer.size,
        buffer.policy,
        (blocked) => hooks.onPressure(blocked),
        () => this.unsubscribe(),
      );
    }
    this.#signal = options.signal;
    // Already aborted: end the buffer too, or a `for await` over it would wait forever.
    if (this.#signal?.aborted) this.#stop();
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get stats(): ConsumerStats {
    return this.#buffer?.stats ?? this.#callbackStats;
  }

  get sequenceStats(): Readonly<SequenceStats> {
    return this.#sequence;
  }

  /** Points `sequenceStats` at the stream's counters once the channel is registered. */
  attachSequence(stats: Readonly<SequenceStats>): void {
    this.#sequence = stats;
  }

  /** Messages waiting in this consumer's buffer (0 for a callback consumer). @internal */
  get buffered(): number {
    return this.#buffer?.length ?? 0;
  }

  /** Whether this consumer has ended. */
  get done(): boolean {
    return this.#done;
  }

  /** Hands over one message. */
  deliver(message: T): void {
    const onMessage = this.#onMessage;
    if (onMessage) {
      this.#callbackStats.delivered++;
      try {
        onMessage(message);
      } catch (error) {
        this.#hooks.onCallbackError(error);
      }
      return;
    }
    this.#buffer?.push(message);
  }

  /** Ends the consumer: buffered messages are still read, then the iteration finishes (or throws `error`). */
  end(error?: KitError): void {
    if (this.#done) return;
    this.#done = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#buffer?.end(error);
    if (error) this.#onError?.(error);
  }

  unsubscribe(): void {
    this.#stop();
    this.#hooks.onDone(this as unknown as Consumer<never>);
  }

  /** The consumer's own stop (abort, `unsubscribe()`): nothing more is delivered, buffered messages included. */
  #stop(): void {
    if (this.#done) return;
    this.#done = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#buffer?.cancel();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const buffer = this.#buffer;
    if (!buffer) {
      throw new KitError('client.invalid_argument', {
        message: `The stream "${this.channel}" delivers to onMessage; it cannot also be iterated`,
      });
    }
    return buffer;
  }

  readonly #onAbort = (): void => this.unsubscribe();
}
