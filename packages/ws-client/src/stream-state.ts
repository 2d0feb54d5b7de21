import type { KitError } from '@kit/errors';
import type { Clock } from '@kit/retry';
import { SequencedStream, type WsGapEvent, type WsResyncedEvent } from './sequenced-stream';
import type { RegistryEntry } from './subscription-registry';
import type { Consumer, WsSubscribeOptions } from './ws-stream';

/** What the client keeps per registered channel, shared by every consumer of it. @internal */
export interface StreamState {
  /** The stream's consumers, replaced (never mutated) on change so delivery walks a plain array. */
  consumers: readonly Consumer<unknown>[];
  schema: WsSubscribeOptions<unknown>['schema'];
  sequenced: SequencedStream<unknown>;
  idleTimeoutMs: number | undefined;
  /** Messages routed to the stream: a plain count the telemetry reads when metrics are collected. */
  received: number;
}

/** One registered channel. @internal */
export type StreamEntry = RegistryEntry<StreamState>;

/** A subscribe or unsubscribe message sent with a request id, awaiting the reply that names it. @internal */
export type PendingReply =
  | { readonly kind: 'subscribe'; readonly entries: readonly StreamEntry[] }
  | { readonly kind: 'unsubscribe'; readonly channels: readonly string[] };

/** The client-wide settings every stream's sequencing uses. @internal */
export interface StreamSettings {
  clock: Clock;
  resyncBufferSize: number;
  resyncRetryDelayMs: number;
  resyncTimeoutMs: number;
  onGap: (event: WsGapEvent) => void;
  onResynced: (event: WsResyncedEvent) => void;
  onError: (error: KitError) => void;
}

/** The state of a newly registered channel, from the options of its first consumer. @internal */
export function createStreamState(
  channel: string,
  options: WsSubscribeOptions<unknown>,
  settings: StreamSettings,
): StreamState {
  const state: StreamState = {
    consumers: [],
    received: 0,
    schema: options.schema,
    idleTimeoutMs: options.idleTimeoutMs,
    sequenced: new SequencedStream<unknown>({
      stream: channel,
      sequencer: options.sequencer,
      resync: options.resync,
      bufferSize: settings.resyncBufferSize,
      retryDelayMs: settings.resyncRetryDelayMs,
      timeoutMs: settings.resyncTimeoutMs,
      clock: settings.clock,
      deliver: (message) => {
        const consumers = state.consumers;
        for (let i = 0; i < consumers.length; i++) (consumers[i] as Consumer<unknown>).deliver(message);
      },
      onGap: settings.onGap,
      onResynced: settings.onResynced,
      onError: settings.onError,
    }),
  };
  return state;
}
