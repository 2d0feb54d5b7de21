import { redactString } from '@kit/logger';
import {
  type MeterProviderLike,
  type OtelAttributes,
  type OtelBatchResult,
  type OtelCounter,
  type OtelHistogram,
  type OtelMeter,
  type OtelObservable,
  type OtelSpan,
  type OtelTracer,
  resolveMeter,
  resolveTracer,
  SPAN_KIND,
  SPAN_STATUS_ERROR,
  type TracerProviderLike,
} from '@kit/logger/internal';
import type { Clock } from '@kit/retry';
import type { ConsumerStats } from './consumer-buffer';
import type { SequenceStats, WsGapEvent, WsResyncedEvent } from './sequenced-stream';
import type { WsState, WsStateChange } from './state-machine';

/** The instrumentation scope of every span and metric of the WebSocket client. */
export const WS_TELEMETRY_SCOPE = '@kit/ws-client';

/** Bucket boundaries of `kit.ws.reconnect.duration`, in seconds (a reconnect backs off to 30 s). */
const WS_RECONNECT_BUCKETS_S: readonly number[] = Object.freeze([
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
]);

/** OpenTelemetry settings of a WebSocket client (the providers are `tracerProvider` and `meterProvider`). */
export interface WsTelemetryOptions {
  /**
   * The `kit.ws.stream` attribute of per-stream metrics for a channel, or `undefined` to leave the
   * attribute out (the channel counts towards the client's totals). The default keeps symbols
   * out: the channel up to its first `:` (`quotes:BTC-USD` -> `quotes`, `orders` -> `orders`).
   * Return the channel itself to opt in to one series per channel. Spans always name the channel.
   * @default the channel up to its first ':'
   */
  streamAttribute?: (channel: string) => string | undefined;
}

/** The default {@link WsTelemetryOptions.streamAttribute}: the channel up to its first `:`. */
export function defaultStreamAttribute(channel: string): string {
  const colon = channel.indexOf(':');
  return colon < 0 ? channel : channel.slice(0, colon);
}

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

/** What the client lets its telemetry see. @internal */
export interface WsTelemetrySource {
  /** The client's URL (only its host, port and path are ever reported). */
  url: string;
  clock: Clock;
  /** The stream registered for `channel` now, if any (a tracked stream that is not is gone). */
  currentStream(channel: string): TelemetryStream | undefined;
  /** Messages in the outbound queue, when the client has one. */
  queueSize(): number | undefined;
}

/** Options {@link createWsTelemetry} reads from the client's options. @internal */
export interface WsTelemetrySettings {
  tracerProvider?: TracerProviderLike | undefined;
  meterProvider?: MeterProviderLike | undefined;
  telemetry?: WsTelemetryOptions | false | undefined;
}

/** One client's telemetry: fed by the client's own events, read by the meter at collection. @internal */
export interface WsTelemetry {
  onState(change: WsStateChange): void;
  onGap(event: WsGapEvent): void;
  onResynced(event: WsResyncedEvent): void;
  /** A stream was created for `channel` (called once, from the stream factory). */
  trackStream(channel: string, stream: TelemetryStream): void;
  /** A consumer joined `stream`. */
  trackConsumer(stream: TelemetryStream, consumer: TelemetryConsumer): void;
}

interface TrackedStream {
  readonly channel: string;
  readonly key: string;
  readonly attributes: OtelAttributes;
  readonly stream: TelemetryStream;
  consumers: TelemetryConsumer[];
  /** Drops of consumers that have ended (their last counts). */
  endedDropped: number;
  endedConflated: number;
}

interface ClientRecord {
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
class WsMeterHub {
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

function hubFor(meter: OtelMeter): WsMeterHub {
  let hub = hubs.get(meter);
  if (hub === undefined) {
    hub = new WsMeterHub(meter);
    hubs.set(meter, hub);
  }
  return hub;
}

function parseServer(url: string): { address: string; port: number; full: string } | undefined {
  try {
    const parsed = new URL(url);
    const port =
      parsed.port !== ''
        ? Number(parsed.port)
        : parsed.protocol === 'wss:' || parsed.protocol === 'https:'
          ? 443
          : 80;
    // Host, port and path only: a stream URL's query often carries a listen key or a token.
    return {
      address: parsed.hostname.replace(/^\[|\]$/g, ''),
      port,
      full: `${parsed.protocol}//${parsed.host}${parsed.pathname}`,
    };
  } catch {
    return undefined;
  }
}

/** A reason as a metric attribute: the client's own short reasons, anything else `other`. */
function reasonAttribute(reason: string): string {
  return /^[\w .:-]{1,48}$/.test(reason) ? reason : 'other';
}

const MAX_CLOSE_REASON = 123;

/**
 * Creates a client's telemetry when a tracer or a meter is found (once: the options', else the
 * globally registered ones); `undefined` otherwise, and the client then does no telemetry work at
 * all. Spans: one CLIENT span per connection session (from `connecting` until the connection ends:
 * `backoff`, `closed` or `failed`), with the state changes, gaps and resyncs as events. Metrics:
 * see {@link WsMeterHub}. @internal
 */
export function createWsTelemetry(
  settings: WsTelemetrySettings,
  source: WsTelemetrySource,
): WsTelemetry | undefined {
  if (settings.telemetry === false) return undefined;
  const tracer: OtelTracer | undefined = resolveTracer(settings.tracerProvider, WS_TELEMETRY_SCOPE, '');
  const meter = resolveMeter(settings.meterProvider, WS_TELEMETRY_SCOPE, '');
  if (tracer === undefined && meter === undefined) return undefined;
  const server = parseServer(source.url);
  if (server === undefined) return undefined;
  const streamAttribute = settings.telemetry?.streamAttribute ?? defaultStreamAttribute;
  const serverAttributes: OtelAttributes = { 'server.address': server.address, 'server.port': server.port };
  const hub = meter === undefined ? undefined : hubFor(meter);
  const record = { state: 'idle', source, server: serverAttributes, streams: new Map() } as Omit<
    ClientRecord,
    'ref'
  > as ClientRecord;
  (record as { ref: WeakRef<ClientRecord> }).ref = new WeakRef(record);
  hub?.clients.add(record.ref);

  let session: OtelSpan | undefined;
  let previous: OtelSpan | undefined;
  /** When the client last lost a live connection (the client's clock), until it is live again. */
  let downSince: number | undefined;

  const attributeOf = (channel: string): string | undefined => {
    try {
      const value = streamAttribute(channel);
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  };

  const endSession = (change: WsStateChange): void => {
    const span = session;
    if (span === undefined) return;
    session = undefined;
    previous = span;
    const attributes: OtelAttributes = {
      'kit.ws.state.final': change.to,
      'kit.ws.state.reason': change.reason,
    };
    if (change.closeCode !== undefined) attributes['kit.ws.close.code'] = change.closeCode;
    if (change.closeReason)
      attributes['kit.ws.close.reason'] = redactString(change.closeReason.slice(0, MAX_CLOSE_REASON));
    if (change.error !== undefined) {
      attributes['error.type'] = change.error.code;
      span.setStatus({ code: SPAN_STATUS_ERROR, message: redactString(change.error.message) });
    }
    span.setAttributes(attributes);
    span.end();
  };

  return {
    onState(change) {
      record.state = change.to;
      if (hub !== undefined) {
        if (change.to === 'stale')
          hub.stale.add(1, { ...serverAttributes, 'kit.ws.detector': 'data watchdog' });
        if (change.to === 'backoff') {
          if (change.reason === 'heartbeat timeout')
            hub.stale.add(1, { ...serverAttributes, 'kit.ws.detector': 'heartbeat' });
          const attributes: OtelAttributes = {
            ...serverAttributes,
            'kit.ws.reason': reasonAttribute(change.reason),
          };
          if (change.error !== undefined) attributes['error.type'] = change.error.code;
          hub.reconnects.add(1, attributes);
        }
        if ((change.from === 'live' || change.from === 'stale') && downSince === undefined)
          downSince = source.clock.now();
        if (change.to === 'live' && downSince !== undefined) {
          hub.reconnectDuration.record(Math.max(0, source.clock.now() - downSince) / 1_000, serverAttributes);
          downSince = undefined;
        }
        if (change.to === 'closed' || change.to === 'failed') hub.retire(record);
      }
      if (tracer === undefined) return;
      if (change.to === 'connecting') {
        endSession(change);
        session = tracer.startSpan('kit.ws.session', {
          kind: SPAN_KIND.CLIENT,
          root: true,
          links: previous === undefined ? undefined : [{ context: previous.spanContext() }],
          attributes: {
            ...serverAttributes,
            'url.full': server.full,
            'kit.ws.attempt': change.attempt,
            'kit.ws.state.reason': change.reason,
          },
        });
        return;
      }
      if (change.to === 'backoff' || change.to === 'closed' || change.to === 'failed') {
        session?.addEvent(change.to, {
          'kit.ws.state.previous': change.from,
          'kit.ws.state.reason': change.reason,
        });
        endSession(change);
        return;
      }
      session?.addEvent(change.to, {
        'kit.ws.state.previous': change.from,
        'kit.ws.state.reason': change.reason,
      });
    },
    onGap(event) {
      const attributes: OtelAttributes = { 'kit.ws.stream': event.stream };
      if (event.expected !== undefined) attributes['kit.ws.sequence.expected'] = event.expected;
      if (event.received !== undefined) attributes['kit.ws.sequence.received'] = event.received;
      session?.addEvent('gap', attributes);
    },
    onResynced(event) {
      session?.addEvent('resynced', {
        'kit.ws.stream': event.stream,
        'kit.ws.sequence.last': event.lastSeq,
        'kit.ws.resync.replayed': event.replayed,
        'kit.ws.resync.dropped': event.dropped,
      });
    },
    trackStream(channel, stream) {
      if (hub === undefined) return;
      const name = attributeOf(channel);
      const attributes: OtelAttributes =
        name === undefined ? serverAttributes : { ...serverAttributes, 'kit.ws.stream': name };
      record.streams.set(stream, {
        channel,
        key: `${server.address}\u0000${server.port}\u0000${name ?? ''}`,
        attributes,
        stream,
        consumers: [],
        endedDropped: 0,
        endedConflated: 0,
      });
    },
    trackConsumer(stream, consumer) {
      record.streams.get(stream)?.consumers.push(consumer);
    },
  };
}
