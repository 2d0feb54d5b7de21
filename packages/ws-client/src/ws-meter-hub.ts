import type {
  OtelAttributes,
  OtelBatchResult,
  OtelCounter,
  OtelHistogram,
  OtelMeter,
  OtelObservable,
} from '@kit/logger/internal';
import type { ConsumerStats } from './consumer-buffer';
import type { SequenceStats } from './sequenced-stream';
import type { WsState } from './state-machine';
import type { WsTelemetrySource } from './ws-telemetry';

/** Bucket boundaries of `kit.ws.reconnect.duration`, in seconds (a reconnect backs off to 30 s). */
const WS_RECONNECT_BUCKETS_S: readonly number[] = Object.freeze([
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
]);

/** A stream as the telemetry reads it (the client's internal stream state). @internal */
export interface TelemetryStream {
  /** Messages routed to the stream. */
  readonly received: number;
  readonly sequenced: { readonly stats: Readonly<SequenceStats> };
}

/** A consumer as the telemetry reads it. @internal */
export interface TelemetryConsumer {
  readonly stats: Readonly<ConsumerStats>;
  readonly done: boolean;
  readonly buffered: number;
}

/** A stream a client's telemetry counts. @internal */
export interface TrackedStream {
  readonly channel: string;
  readonly key: string;
  readonly attributes: OtelAttributes;
  readonly stream: TelemetryStream;
  consumers: TelemetryConsumer[];
  /** Drops of consumers that have ended (their last counts). */
  endedDropped: number;
  endedConflated: number;
}

/** One client, as the meter reads it. @internal */
export interface ClientRecord {
  readonly ref: WeakRef<ClientRecord>;
  state: WsState;
  readonly source: WsTelemetrySource;
  readonly server: OtelAttributes;
  readonly streams: Map<TelemetryStream, TrackedStream>;
}

/** Cumulative counts of one attribute set (the sum over every client and stream that had it). */
interface Totals {
  readonly attributes: OtelAttributes;
  messages: number;
  gaps: number;
  resyncs: number;
  duplicates: number;
  overflowed: number;
  dropped: number;
  conflated: number;
  buffered: number;
}

/**
 * The instruments of one meter, shared by every client that reports to it. Observable
 * instruments are read in one batch callback that sums over the clients (two clients observing
 * the same attributes separately would overwrite each other), and counts of streams and clients
 * that are gone are kept, so the counters stay monotonic.
 */
export class WsMeterHub {
  /**
   * Clients from their creation until they close or fail. Held weakly: a client dropped without
   * `close()` (never connected, so nothing to count) must not be kept alive by its metrics.
   */
  readonly clients = new Set<WeakRef<ClientRecord>>();
  readonly reconnects: OtelCounter;
  readonly stale: OtelCounter;
  readonly reconnectDuration: OtelHistogram;
  readonly #retired = new Map<string, Totals>();
  readonly #states = new Map<string, OtelAttributes>();
  readonly #connections: OtelObservable;
  readonly #messages: OtelObservable;
  readonly #gaps: OtelObservable;
  readonly #resyncs: OtelObservable;
  readonly #duplicates: OtelObservable;
  readonly #overflowed: OtelObservable;
  readonly #dropped: OtelObservable;
  readonly #buffered: OtelObservable;
  readonly #queued: OtelObservable;

  constructor(meter: OtelMeter) {
    this.reconnects = meter.createCounter('kit.ws.reconnects', {
      description: 'Connections lost (or attempts failed) after which the client reconnects, by reason.',
      unit: '{reconnect}',
    });
    this.stale = meter.createCounter('kit.ws.stale', {
      description:
        'Dead connections detected: the data watchdog (no frame in time) or the heartbeat (no pong).',
      unit: '{detection}',
    });
    this.reconnectDuration = meter.createHistogram('kit.ws.reconnect.duration', {
      description: 'Time from losing a live connection to being live again (resubscribed).',
      unit: 's',
      advice: { explicitBucketBoundaries: [...WS_RECONNECT_BUCKETS_S] },
    });
    this.#connections = meter.createObservableUpDownCounter('kit.ws.connections', {
      description: 'WebSocket clients by connection state.',
      unit: '{connection}',
    });
    this.#messages = meter.createObservableCounter('kit.ws.messages', {
      description: 'Messages received per stream.',
      unit: '{message}',
    });
    this.#gaps = meter.createObservableCounter('kit.ws.sequence.gaps', {
      description: 'Sequence gaps detected per stream.',
      unit: '{gap}',
    });
    this.#resyncs = meter.createObservableCounter('kit.ws.sequence.resyncs', {
      description: 'Resyncs completed per stream (back in order after a gap).',
      unit: '{resync}',
    });
    this.#duplicates = meter.createObservableCounter('kit.ws.sequence.duplicates', {
      description: 'Duplicate messages dropped per stream.',
      unit: '{message}',
    });
    this.#overflowed = meter.createObservableCounter('kit.ws.sequence.overflowed', {
      description: 'Messages dropped because the resync buffer was full.',
      unit: '{message}',
    });
    this.#dropped = meter.createObservableCounter('kit.ws.consumer.dropped', {
      description: "Messages a full consumer buffer discarded ('drop-oldest') or replaced ('latest').",
      unit: '{message}',
    });
    this.#buffered = meter.createObservableGauge('kit.ws.consumer.buffered', {
      description: 'Messages waiting in consumer buffers per stream.',
      unit: '{message}',
    });
    this.#queued = meter.createObservableGauge('kit.ws.outbound.queued', {
      description: 'Messages waiting in the outbound queue until the connection is live.',
      unit: '{message}',
    });
    meter.addBatchObservableCallback(
      (result) => this.#observe(result),
      [
        this.#connections,
        this.#messages,
        this.#gaps,
        this.#resyncs,
        this.#duplicates,
        this.#overflowed,
        this.#dropped,
        this.#buffered,
        this.#queued,
      ],
    );
  }

  /** A client's streams and consumers move into the retired totals when it stops. */
  retire(client: ClientRecord): void {
    for (const tracked of client.streams.values()) this.#retireStream(tracked);
    client.streams.clear();
    this.clients.delete(client.ref);
  }

  #totals(map: Map<string, Totals>, key: string, attributes: OtelAttributes): Totals {
    let totals = map.get(key);
    if (totals === undefined) {
      totals = {
        attributes,
        messages: 0,
        gaps: 0,
        resyncs: 0,
        duplicates: 0,
        overflowed: 0,
        dropped: 0,
        conflated: 0,
        buffered: 0,
      };
      map.set(key, totals);
    }
    return totals;
  }

  #add(totals: Totals, tracked: TrackedStream, live: boolean): void {
    const { stream } = tracked;
    const sequence = stream.sequenced.stats;
    totals.messages += stream.received;
    totals.gaps += sequence.gaps;
    totals.resyncs += sequence.resyncs;
    totals.duplicates += sequence.duplicates;
    totals.overflowed += sequence.overflowed;
    totals.dropped += tracked.endedDropped;
    totals.conflated += tracked.endedConflated;
    for (const consumer of tracked.consumers) {
      totals.dropped += consumer.stats.dropped;
      totals.conflated += consumer.stats.conflated;
      if (live) totals.buffered += consumer.buffered;
    }
  }

  #retireStream(tracked: TrackedStream): void {
    // The stream's and its consumers' counters hold their final values: nothing is lost.
    this.#add(this.#totals(this.#retired, tracked.key, tracked.attributes), tracked, false);
  }

  #observe(result: OtelBatchResult): void {
    const totals = new Map<string, Totals>();
    for (const [key, retired] of this.#retired) totals.set(key, { ...retired, buffered: 0 });
    const connections = new Map<string, { attributes: OtelAttributes; count: number }>();
    for (const attributes of this.#states.values())
      connections.set(JSON.stringify(attributes), { attributes, count: 0 });
    const queued = new Map<string, { attributes: OtelAttributes; count: number }>();
    for (const ref of this.clients) {
      const client = ref.deref();
      if (client === undefined) {
        this.clients.delete(ref);
        continue;
      }
      const stateAttributes = { ...client.server, 'kit.ws.state': client.state };
      const stateKey = JSON.stringify(stateAttributes);
      if (!this.#states.has(stateKey)) this.#states.set(stateKey, stateAttributes);
      const connection = connections.get(stateKey);
      if (connection === undefined) connections.set(stateKey, { attributes: stateAttributes, count: 1 });
      else connection.count++;
      const queue = client.source.queueSize();
      if (queue !== undefined) {
        const queueKey = JSON.stringify(client.server);
        const entry = queued.get(queueKey);
        if (entry === undefined) queued.set(queueKey, { attributes: client.server, count: queue });
        else entry.count += queue;
      }
      for (const tracked of client.streams.values()) {
        if (client.source.currentStream(tracked.channel) !== tracked.stream) {
          // Gone since the last collection: retired for later collections, counted in this one.
          this.#retireStream(tracked);
          client.streams.delete(tracked.stream);
          this.#add(this.#totals(totals, tracked.key, tracked.attributes), tracked, false);
          continue;
        }
        // Consumers that ended keep their last counts on the stream.
        if (tracked.consumers.some((consumer) => consumer.done)) {
          const still: TelemetryConsumer[] = [];
          for (const consumer of tracked.consumers) {
            if (!consumer.done) still.push(consumer);
            else {
              tracked.endedDropped += consumer.stats.dropped;
              tracked.endedConflated += consumer.stats.conflated;
            }
          }
          tracked.consumers = still;
        }
        this.#add(this.#totals(totals, tracked.key, tracked.attributes), tracked, true);
      }
    }
    for (const { attributes, count } of connections.values())
      result.observe(this.#connections, count, attributes);
    for (const { attributes, count } of queued.values()) result.observe(this.#queued, count, attributes);
    for (const entry of totals.values()) {
      const { attributes } = entry;
      result.observe(this.#messages, entry.messages, attributes);
      result.observe(this.#gaps, entry.gaps, attributes);
      result.observe(this.#resyncs, entry.resyncs, attributes);
      result.observe(this.#duplicates, entry.duplicates, attributes);
      result.observe(this.#overflowed, entry.overflowed, attributes);
      result.observe(this.#dropped, entry.dropped, { ...attributes, 'kit.ws.drop.reason': 'dropped' });
      result.observe(this.#dropped, entry.conflated, { ...attributes, 'kit.ws.drop.reason': 'conflated' });
      result.observe(this.#buffered, entry.buffered, attributes);
    }
  }
}

const hubs = new WeakMap<OtelMeter, WsMeterHub>();

/** The hub of `meter`, created on first use: every client reporting to one meter shares it. @internal */
export function hubFor(meter: OtelMeter): WsMeterHub {
  let hub = hubs.get(meter);
  if (hub === undefined) {
    hub = new WsMeterHub(meter);
    hubs.set(meter, hub);
  }
  return hub;
}
