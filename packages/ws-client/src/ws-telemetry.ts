import { redactString } from '@kit/logger';
import {
  activeContext,
  contextWithSpan,
  type MeterProviderLike,
  type OtelAttributes,
  type OtelSpan,
  type OtelTracer,
  resolveMeter,
  resolveTracer,
  SPAN_KIND,
  SPAN_STATUS_ERROR,
  type TracerProviderLike,
  withContext,
} from '@kit/logger/internal';
import type { Clock } from '@kit/retry';
import type { WsGapEvent, WsResyncedEvent } from './sequenced-stream';
import type { WsStateChange } from './state-machine';
import { type ClientRecord, hubFor, type TelemetryConsumer, type TelemetryStream } from './ws-meter-hub';

export type { TelemetryConsumer, TelemetryStream } from './ws-meter-hub';

/** The instrumentation scope of every span and metric of the WebSocket client. */
export const WS_TELEMETRY_SCOPE = '@kit/ws-client';

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
  /**
   * Runs `fn` with the session span active: the current session's, else (in backoff, after the
   * end) the one that just ended, so the lines the client logs about a session, its loss and the
   * reconnect carry that session's trace and span ids. Just runs `fn` when there is no span.
   */
  inSession<T>(fn: () => T): T;
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
    inSession(fn) {
      const span = session ?? previous;
      return span === undefined ? fn() : withContext(contextWithSpan(activeContext(), span), fn);
    },
  };
}
