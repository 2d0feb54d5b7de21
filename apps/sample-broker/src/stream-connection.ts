// One WebSocket connection per stream, on @kit/ws-client with kit's JSON protocol (the sandbox
// speaks it). Its state changes become the adapter's events: live, reconnect, stale, reconnecting,
// closed, and errors. For another broker: describe its protocol in a `WsProtocol` object here.
import type { AuthStrategy } from '@kit/auth';
import type { Logger } from '@kit/logger';
import { createWsClient, kitJsonProtocol, type WsClient } from '@kit/ws-client';
import type { AdapterContext, MutableStats } from './adapter-context';
import type { AdapterEvents } from './adapter-events';
import type { SampleBrokerConfig, SampleBrokerOptions, StreamKind } from './types';

/** What the factory needs. @internal */
export interface StreamFactoryDeps {
  readonly settings: SampleBrokerConfig;
  readonly options: SampleBrokerOptions;
  readonly auth: AuthStrategy;
  readonly logger: Logger;
  readonly random: () => number;
  readonly events: AdapterEvents;
  readonly stats: MutableStats;
  /** Open connections, so `close()` can wait for each. */
  readonly sockets: Set<WsClient>;
}

/** Creates `openStream` for the adapter context. @internal */
export function createStreamFactory(deps: StreamFactoryDeps): AdapterContext['openStream'] {
  const { settings, options, auth, logger, random, events, stats, sockets } = deps;
  return (kind: StreamKind, stream: { symbol?: string; authenticated: boolean }): WsClient => {
    const where = { stream: kind, ...(stream.symbol === undefined ? {} : { symbol: stream.symbol }) };
    const ws = createWsClient({
      url: settings.wsUrl,
      // Quotes and books are public; only the order stream logs in.
      auth: stream.authenticated ? auth : undefined,
      protocol: kitJsonProtocol,
      logger: logger.child(where),
      random,
      idleTimeoutMs: settings.idleTimeoutMs,
      reconnect: options.wsReconnect,
      pingIntervalMs: options.wsPingIntervalMs,
      pongTimeoutMs: options.wsPongTimeoutMs,
      handshakeTimeoutMs: options.wsHandshakeTimeoutMs,
      authTimeoutMs: options.wsAuthTimeoutMs,
      subscribeTimeoutMs: options.wsSubscribeTimeoutMs,
    });
    sockets.add(ws);
    let wasLive = false;
    let lastCloseCode: number | undefined;
    ws.on('state', (change) => {
      if (change.closeCode !== undefined) lastCloseCode = change.closeCode;
      switch (change.to) {
        case 'live':
          if (wasLive) {
            stats.reconnects++;
            events.emit('reconnect', { stream: kind, closeCode: lastCloseCode, attempt: change.attempt });
          }
          wasLive = true;
          events.emit('state', { ...where, state: 'live', reason: change.reason });
          break;
        case 'stale':
          events.emit('stale', { ...where, silentMs: settings.idleTimeoutMs });
          events.emit('state', { ...where, state: 'stale', reason: change.reason });
          break;
        case 'backoff':
          events.emit('state', { ...where, state: 'reconnecting', reason: change.reason });
          break;
        case 'connecting':
          if (!wasLive) events.emit('state', { ...where, state: 'connecting', reason: change.reason });
          break;
        case 'closed':
          sockets.delete(ws);
          events.emit('state', { ...where, state: 'closed', reason: change.reason });
          break;
        case 'failed':
          sockets.delete(ws);
          if (change.error !== undefined) events.emit('error', change.error);
          events.emit('state', { ...where, state: 'closed', reason: change.reason });
          break;
      }
    });
    ws.on('error', (error) => events.emit('error', error));
    // Still retrying, but failing every time: worth an error event, not only state noise.
    ws.on('degraded', (degraded) => events.emit('error', degraded.error));
    return ws;
  };
}
