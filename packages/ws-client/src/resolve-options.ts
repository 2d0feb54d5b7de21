import { classifyWsClose, findWsCloseRule, KitError } from '@kit/errors';
import { withoutUndefined } from '@kit/errors/internal';
import { systemClock } from '@kit/retry';
import IsomorphicWebSocket from 'isomorphic-ws';
import {
  type BufferOptions,
  type CloseDecision,
  DEFAULT_BUFFER_OPTIONS,
  DEFAULT_OUTBOUND_QUEUE_OPTIONS,
  DEFAULT_RECONNECT_OPTIONS,
  DEFAULT_WS_CLIENT_OPTIONS,
  type OutboundQueueOptions,
  type ReconnectOptions,
  type SubscribeRateLimit,
  type WsClientOptions,
} from './options';
import type { WebSocketConstructor } from './web-socket-like';
import { kitJsonProtocol, type WsProtocol } from './ws-protocol';

/**
 * The default close classification: @kit/errors' table (`WS_CLOSE_CODE_DEFAULTS`) gives the error
 * and the action; codes it does not know fail.
 */
export function defaultClassifyClose(code: number, reason: string): CloseDecision {
  return { error: classifyWsClose(code, reason), action: findWsCloseRule(code, reason)?.action ?? 'fail' };
}

type Defined<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/** Options with every default applied. @internal */
export interface ResolvedWsClientOptions
  extends Defined<
    Omit<
      WsClientOptions,
      | 'auth'
      | 'logger'
      | 'reconnect'
      | 'outboundQueue'
      | 'buffer'
      | 'subscribeRateLimit'
      | 'WebSocket'
      | 'classifyClose'
      | 'tracerProvider'
      | 'meterProvider'
      | 'telemetry'
    >
  > {
  auth: WsClientOptions['auth'];
  logger: WsClientOptions['logger'];
  WebSocket: WebSocketConstructor;
  reconnect: Required<ReconnectOptions>;
  outboundQueue: Required<OutboundQueueOptions> | undefined;
  buffer: Required<BufferOptions>;
  subscribeRateLimit: Required<SubscribeRateLimit>;
  classifyClose: (code: number, reason: string) => CloseDecision;
}

/** A protocol the client can drive: it must build subscribe messages, route, and recognise acks. */
function checkProtocol(protocol: WsProtocol): WsProtocol {
  const hooks = protocol as Partial<Record<keyof WsProtocol, unknown>> | null;
  const missing: string[] = [];
  if (typeof hooks?.subscribeMessage !== 'function') missing.push('`subscribeMessage`');
  if (typeof hooks?.route !== 'function') missing.push('`route`');
  if (typeof hooks?.isSubscribeAck !== 'function' && typeof hooks?.replyId !== 'function')
    missing.push('`isSubscribeAck` or `replyId`');
  if (missing.length > 0) {
    throw new KitError('config.invalid', {
      message: `The WebSocket protocol needs ${missing.join(', ')}`,
      hint: 'A WsProtocol builds subscribe messages (`subscribeMessage`), routes data (`route`) and recognises subscribe acknowledgements by channel (`isSubscribeAck`) or by request id (`replyId`).',
    });
  }
  return protocol;
}

/** Applies every default in one place. @internal */
export function resolveWsClientOptions(options: WsClientOptions): ResolvedWsClientOptions {
  const given = withoutUndefined(options);
  return {
    ...DEFAULT_WS_CLIENT_OPTIONS,
    clock: systemClock,
    random: Math.random,
    ...given,
    url: options.url,
    protocol: checkProtocol(options.protocol ?? kitJsonProtocol),
    auth: options.auth,
    logger: options.logger,
    WebSocket: options.WebSocket ?? (IsomorphicWebSocket as unknown as WebSocketConstructor),
    reconnect: { ...DEFAULT_RECONNECT_OPTIONS, ...withoutUndefined(options.reconnect) },
    outboundQueue: options.outboundQueue
      ? { ...DEFAULT_OUTBOUND_QUEUE_OPTIONS, ...withoutUndefined(options.outboundQueue) }
      : undefined,
    buffer: { ...DEFAULT_BUFFER_OPTIONS, ...withoutUndefined(options.buffer) },
    subscribeRateLimit: {
      ...DEFAULT_WS_CLIENT_OPTIONS.subscribeRateLimit,
      ...withoutUndefined(options.subscribeRateLimit),
    },
    classifyClose: options.classifyClose ?? defaultClassifyClose,
  };
}
