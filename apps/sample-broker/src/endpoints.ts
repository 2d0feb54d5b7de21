// The broker's REST API as a table: one `defineEndpoint` per route, a valibot schema for every
// response. For another broker, this file (with `error-map.ts`) is most of what changes.
import { defineEndpoint } from '@kit/rest-client';
import * as v from 'valibot';

/** A decimal as the broker writes it: a string, never a float (`"190.12"`, `"0"`). */
const Decimal = v.pipe(v.string(), v.regex(/^-?\d+(\.\d+)?$/, 'a decimal string'));

/** Epoch milliseconds. */
const EpochMs = v.pipe(v.number(), v.integer());

/** A price level on the wire: `[price, size]`. */
const BookLevelSchema = v.tuple([Decimal, Decimal]);

/** `GET /time`. */
const ServerTimeSchema = v.object({ serverTime: EpochMs });

/** `GET /account`. */
const AccountSchema = v.object({
  id: v.string(),
  currency: v.string(),
  cash: Decimal,
  buyingPower: Decimal,
  equity: Decimal,
});

/** One held position. */
const PositionSchema = v.object({
  symbol: v.string(),
  quantity: Decimal,
  avgPrice: Decimal,
  marketValue: Decimal,
});

/** An order, as every order route returns it. */
const OrderSchema = v.object({
  id: v.string(),
  clientOrderId: v.string(),
  symbol: v.string(),
  side: v.picklist(['buy', 'sell']),
  type: v.picklist(['market', 'limit']),
  quantity: Decimal,
  limitPrice: v.nullable(Decimal),
  status: v.picklist(['new', 'partially_filled', 'filled', 'cancelled', 'rejected']),
  filledQuantity: Decimal,
  avgFillPrice: v.nullable(Decimal),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});

/** A quote (REST and the `quotes:SYMBOL` channel's `data`). */
const QuoteSchema = v.object({
  symbol: v.string(),
  bid: Decimal,
  ask: Decimal,
  last: Decimal,
  time: EpochMs,
});

/** `GET /book/:symbol`: a snapshot at `seq`, with the checksum of its top 10 levels. */
const BookSnapshotSchema = v.object({
  symbol: v.string(),
  seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  bids: v.array(BookLevelSchema),
  asks: v.array(BookLevelSchema),
  checksum: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

/** An account order event (REST catch-up and the `orders` channel's `data`). */
const OrderEventSchema = v.object({
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  type: v.picklist(['accepted', 'partially_filled', 'filled', 'cancelled', 'rejected']),
  orderId: v.string(),
  clientOrderId: v.string(),
  order: OrderSchema,
  time: EpochMs,
});

/** What `POST /orders` takes. */
const PlaceOrderBodySchema = v.object({
  symbol: v.string(),
  side: v.picklist(['buy', 'sell']),
  type: v.picklist(['market', 'limit']),
  quantity: Decimal,
  limitPrice: v.optional(Decimal),
  clientOrderId: v.string(),
});

/** The stream's data messages: `{ channel, seq, data }`. */
export const QuoteMessageSchema = v.object({ channel: v.string(), seq: v.number(), data: QuoteSchema });
/** A book diff message: changed levels only (size `"0"` removes a level) and the checksum after it. */
export const BookDiffMessageSchema = v.object({
  channel: v.string(),
  seq: v.pipe(v.number(), v.integer()),
  data: v.object({
    bids: v.array(BookLevelSchema),
    asks: v.array(BookLevelSchema),
    checksum: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
});
/** An order event message; its `seq` is the event's own. */
export const OrderEventMessageSchema = v.object({
  channel: v.literal('orders'),
  seq: v.pipe(v.number(), v.integer()),
  data: OrderEventSchema,
});

/** Every REST route the adapter calls, with its rate-limit weight (API.md, "Rate limits"). */
export const endpoints = {
  getTime: defineEndpoint({ method: 'GET', path: '/time', response: ServerTimeSchema }),
  getAccount: defineEndpoint({ method: 'GET', path: '/account', response: AccountSchema }),
  getPositions: defineEndpoint({
    method: 'GET',
    path: '/positions',
    response: v.object({ data: v.array(PositionSchema) }),
  }),
  getQuote: defineEndpoint({ method: 'GET', path: '/quotes/{symbol}', response: QuoteSchema }),
  getBook: defineEndpoint({
    method: 'GET',
    path: '/book/{symbol}',
    query: v.object({ depth: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))) }),
    response: BookSnapshotSchema,
    weight: 5,
  }),
  placeOrder: defineEndpoint({
    method: 'POST',
    path: '/orders',
    body: PlaceOrderBodySchema,
    response: OrderSchema,
    weight: 2,
  }),
  listOrders: defineEndpoint({
    method: 'GET',
    path: '/orders',
    query: v.object({
      status: v.optional(v.picklist(['open', 'closed', 'all'])),
      cursor: v.optional(v.string()),
      limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500))),
    }),
    response: v.object({ data: v.array(OrderSchema), nextCursor: v.nullable(v.string()) }),
    weight: 5,
  }),
  getOrder: defineEndpoint({ method: 'GET', path: '/orders/{id}', response: OrderSchema }),
  getOrderByClientId: defineEndpoint({
    method: 'GET',
    path: '/orders/by-client-id/{clientOrderId}',
    response: OrderSchema,
  }),
  cancelOrder: defineEndpoint({ method: 'DELETE', path: '/orders/{id}', response: OrderSchema }),
  getOrderEvents: defineEndpoint({
    method: 'GET',
    path: '/order-events',
    query: v.object({
      after: v.pipe(v.number(), v.integer(), v.minValue(0)),
      limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
    }),
    response: v.object({
      data: v.array(OrderEventSchema),
      lastSeq: v.pipe(v.number(), v.integer(), v.minValue(0)),
      hasMore: v.boolean(),
    }),
    weight: 2,
  }),
} as const;
