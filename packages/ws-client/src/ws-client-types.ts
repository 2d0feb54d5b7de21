import type { KitError } from '@kit/errors';
import type { Unsubscribe } from './event-emitter';
import type { SequenceStats, WsGapEvent, WsResyncedEvent } from './sequenced-stream';
import type { WsState, WsStateChange } from './state-machine';
import type { WsStream, WsSubscribeOptions } from './ws-stream';

/** Emitted as `degraded` once `degradedAfterFailures` attempts in a row failed (retrying continues). */
export interface WsDegradedEvent {
  /** Consecutive failed attempts. */
  readonly failures: number;
  /** The last failure. */
  readonly error: KitError;
}

/** The client's events. */
export interface WsClientEvents {
  /** Every state transition. */
  state: WsStateChange;
  /** Non-fatal problems: malformed frames, schema mismatches, failed resyncs, late subscribe acks. */
  error: KitError;
  /** A sequence gap on a stream. */
  gap: WsGapEvent;
  /** A stream back in order after a gap. */
  resynced: WsResyncedEvent;
  /** Too many failed attempts in a row. */
  degraded: WsDegradedEvent;
  /** A message no stream, ack or request claimed. */
  message: unknown;
}

/** Options for {@link WsClient.send}. */
export interface WsSendOptions {
  /** Queue while not live (needs the `outboundQueue` option) instead of failing fast. @default false */
  queue?: boolean;
}

/** Options for {@link WsClient.request}. */
export interface WsRequestOptions {
  /** Whether an inbound message is the reply. */
  match: (message: unknown) => boolean;
  /** Reply timeout, in milliseconds. @default the client's `requestTimeoutMs` */
  timeoutMs?: number;
  /** Abandons the wait (the request may still execute: outcome `unknown`). @default undefined */
  signal?: AbortSignal;
}

/** A reliable WebSocket client. Create it with {@link createWsClient}. */
export interface WsClient {
  /** The current state. */
  readonly state: WsState;
  /** Starts connecting (no-op unless `idle`). */
  connect(): void;
  /** Resolves when live (at once if live now); rejects with the error if the client fails or is closed first. */
  ready(options?: { signal?: AbortSignal }): Promise<void>;
  /** Registers a consumer of `channel`; the channel is subscribed now if live, else on the next connect. */
  subscribe<T = unknown>(channel: string, options?: WsSubscribeOptions<T>): WsStream<T>;
  /**
   * A snapshot of `channel`'s sequencing counters (gaps detected, duplicates dropped, resyncs
   * completed, messages overflowed during a resync), or `undefined` when no consumer has it
   * registered. Counters start when the channel is first subscribed and go with its last consumer.
   */
  sequenceStats(channel: string): SequenceStats | undefined;
  /** Sends a message when live; fails fast with `protocol.not_connected` otherwise (unless queued). Waits while the socket's buffer is above the high-water mark. */
  send(message: unknown, options?: WsSendOptions): Promise<void>;
  /** Sends `message` and resolves with the first inbound message `match` accepts. */
  request<R = unknown>(message: unknown, options: WsRequestOptions): Promise<R>;
  /** Listens to an event; returns the function that stops listening. */
  on<K extends keyof WsClientEvents>(event: K, listener: (payload: WsClientEvents[K]) => void): Unsubscribe;
  /** Closes for good: consumers end, pending requests and queued sends are rejected. */
  close(): Promise<void>;
}
