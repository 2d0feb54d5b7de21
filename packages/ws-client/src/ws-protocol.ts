import type { AuthRequest } from '@kit/auth';

/** One registered subscription as the protocol sees it. */
export interface WsSubscription {
  /** The stream key, e.g. `quotes:BTC-USD` or `btcusdt@depth`. */
  readonly channel: string;
  /** Venue-specific parameters, passed through to `subscribeMessage`. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * How a venue speaks: the hooks the client calls to log in, subscribe, route and ping. A venue
 * adapter describes its protocol in one small object; `subscribeMessage` and `route` are required,
 * plus a way to recognise subscribe acknowledgements: `isSubscribeAck` (acks that name the channel)
 * or `replyId` (acks that only echo the request id, like Binance's `{"result":null,"id":7}`).
 *
 * Request ids: the client numbers every subscribe and unsubscribe message it sends (1, 2, 3, … per
 * client, never reused) and passes the number to `subscribeMessage` / `unsubscribeMessage`. A
 * venue that acknowledges by id puts it in the message and implements `replyId`; the client then
 * matches each reply to the message it answers and settles every subscription in it, so an adapter
 * keeps no id map of its own. Protocols that ignore the id send exactly what they sent before.
 *
 * @example
 * ```ts
 * // Acks that name the channel:
 * const venue: WsProtocol = {
 *   login: (signed) => ({ op: 'auth', args: [signed.headers['X-KEY'], signed.headers['X-SIGN']] }),
 *   isLoginAck: (m) => (m as { op?: string }).op === 'auth' && (m as { success?: boolean }).success === true,
 *   subscribeMessage: (subs) => ({ op: 'subscribe', args: subs.map((s) => s.channel) }),
 *   isSubscribeAck: (m, sub) => (m as { op?: string; arg?: string }).op === 'subscribe' && (m as { arg?: string }).arg === sub.channel,
 *   route: (m) => (m as { topic?: string }).topic,
 * };
 * // Acks by request id (Binance): {"method":"SUBSCRIBE","params":[…],"id":7} -> {"result":null,"id":7}
 * const binance: WsProtocol = {
 *   subscribeMessage: (subs, id) => ({ method: 'SUBSCRIBE', params: subs.map((s) => s.channel), id }),
 *   unsubscribeMessage: (subs, id) => ({ method: 'UNSUBSCRIBE', params: subs.map((s) => s.channel), id }),
 *   replyId: (m) => (m as { id?: number }).id,
 *   isReplyRejection: (m) => (m as { result?: unknown }).result === undefined,
 *   route: (m) => (m as { stream?: string }).stream,
 * };
 * ```
 */
export interface WsProtocol {
  /** Serialises an outbound message. @default JSON.stringify */
  encode?(message: unknown): string;
  /** Parses an inbound frame (text, or binary as an ArrayBuffer). Throwing marks the frame malformed. @default JSON.parse of the text */
  decode?(data: string | ArrayBuffer): unknown;
  /** The login message, built from the request the `auth` strategy signed. Without it the client skips `authenticating`. */
  login?(signed: AuthRequest): unknown;
  /** Whether `message` acknowledges a successful login. */
  isLoginAck?(message: unknown): boolean;
  /** Whether `message` rejects the login (re-authenticated once, then `failed`). */
  isLoginRejection?(message: unknown): boolean;
  /**
   * One subscribe message for a batch of subscriptions. `requestId` numbers this message (unique
   * per client); include it if the venue acknowledges by id (see `replyId`), else ignore it.
   */
  subscribeMessage(subscriptions: readonly WsSubscription[], requestId: number): unknown;
  /**
   * Whether `message` acknowledges `subscription`, for venues whose acks name the channel.
   * Needed unless `replyId` is given. @default undefined (acks are matched by `replyId` only)
   */
  isSubscribeAck?(message: unknown, subscription: WsSubscription): boolean;
  /** Whether `message` rejects `subscription` (`protocol.subscribe_rejected`, not retried). */
  isSubscribeRejection?(message: unknown, subscription: WsSubscription): boolean;
  /**
   * The unsubscribe message for a batch; without it, unsubscribing only stops local delivery.
   * `requestId` numbers this message, as for `subscribeMessage`.
   */
  unsubscribeMessage?(subscriptions: readonly WsSubscription[], requestId: number): unknown;
  /**
   * The request id `message` answers (Binance `{"result":null,"id":7}` -> `7`), or `undefined` when
   * it is no reply. A reply to a pending subscribe message settles every subscription that message
   * carried; a reply to an unsubscribe message is consumed. Ids that match nothing pending are
   * ignored (the message is routed as usual). Return the id as sent: a numeric string is read as
   * its number. @default undefined (no id matching)
   */
  replyId?(message: unknown): number | string | undefined;
  /**
   * Whether a reply matched by `replyId` rejects its request (Binance
   * `{"code":2,"msg":"Invalid request: …","id":7}`): every subscription in that message becomes
   * `protocol.subscribe_rejected` (a rejected unsubscribe is `protocol.unsubscribe_rejected`).
   * @default undefined (every matched reply is an acknowledgement)
   */
  isReplyRejection?(message: unknown): boolean;
  /** The stream key (`channel`) a data message belongs to, or `undefined` for anything else. */
  route(message: unknown): string | undefined;
  /** An application-level ping, used where the platform has no protocol ping (browsers). */
  pingMessage?(): unknown;
  /** Whether `message` answers the application-level ping. */
  isPong?(message: unknown): boolean;
  /** Most subscriptions per subscribe message. @default the client's `subscribeBatchSize` */
  maxSubscriptionsPerMessage?: number;
}

type Json = Record<string, unknown>;
const asObject = (message: unknown): Json | undefined =>
  typeof message === 'object' && message !== null ? (message as Json) : undefined;

/**
 * kit's reference protocol, spoken by `@kit/testing`'s fault server and the sandbox broker:
 * `{ op: 'login', headers, query }` -> `{ op: 'login', ok }`; `{ op: 'subscribe', channels }` ->
 * `{ op: 'subscribed', channel }` (or `{ op: 'error', channel }`); data as `{ channel, seq, data }`;
 * `{ op: 'ping' }` -> `{ op: 'pong' }`.
 */
export const kitJsonProtocol: WsProtocol = {
  login: (signed) => ({ op: 'login', headers: signed.headers, query: Object.fromEntries(signed.query) }),
  isLoginAck: (message) => asObject(message)?.op === 'login' && asObject(message)?.ok === true,
  isLoginRejection: (message) => asObject(message)?.op === 'login' && asObject(message)?.ok === false,
  subscribeMessage: (subscriptions) => ({ op: 'subscribe', channels: subscriptions.map((s) => s.channel) }),
  isSubscribeAck: (message, subscription) => {
    const body = asObject(message);
    return body?.op === 'subscribed' && body.channel === subscription.channel;
  },
  isSubscribeRejection: (message, subscription) => {
    const body = asObject(message);
    return body?.op === 'error' && body.channel === subscription.channel;
  },
  unsubscribeMessage: (subscriptions) => ({
    op: 'unsubscribe',
    channels: subscriptions.map((s) => s.channel),
  }),
  route: (message) => {
    const body = asObject(message);
    return body && body.op === undefined && typeof body.channel === 'string' ? body.channel : undefined;
  },
  pingMessage: () => ({ op: 'ping' }),
  isPong: (message) => asObject(message)?.op === 'pong',
};
