import { type ApiError, apiError } from '../api-error';
import type { Market, Quote } from '../market/market-types';
import { type AccountState, isOpen, newAccount, type OrderState } from './account-state';
import { formatDecimal, formatMoney, multiply, ONE, parseDecimal, roundTo } from './decimal';
import type { OrderInput } from './order-input';
import type { Order, OrderEvent, OrderEventSource } from './trading-types';

/** Options for {@link createTrading}. */
export interface TradingOptions {
  readonly market: Market;
  /** The server clock (epoch ms, offset applied). */
  readonly now: () => number;
  /** Reject a new order whose clientOrderId an open order of the account already has. */
  readonly enforceUniqueClientOrderId: boolean;
  /** Cash of a new account, fixed-point. @default 100_000 USD */
  readonly initialCash?: bigint;
}

/** `GET /account`. */
export interface AccountView {
  readonly id: string;
  readonly currency: 'USD';
  readonly cash: string;
  readonly buyingPower: string;
  readonly equity: string;
}

/** One entry of `GET /positions`. */
export interface PositionView {
  readonly symbol: string;
  readonly quantity: string;
  readonly avgPrice: string;
  readonly marketValue: string;
}

/** Which orders `list` returns. */
export type OrderStatusFilter = 'open' | 'closed' | 'all';

/** A result or the API error that explains why not. */
export type TradingResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ApiError };

/** Accounts, positions, orders and their numbered events. */
export interface Trading extends OrderEventSource {
  account(accountId: string): AccountView;
  positions(accountId: string): PositionView[];
  place(accountId: string, input: OrderInput): TradingResult<Order>;
  cancel(accountId: string, orderId: string): TradingResult<Order>;
  get(accountId: string, orderId: string): Order | undefined;
  /** The earliest order with that clientOrderId. */
  byClientId(accountId: string, clientOrderId: string): Order | undefined;
  /** Newest first; `cursor` from a previous page's `nextCursor`. */
  list(
    accountId: string,
    status: OrderStatusFilter,
    cursor: string | undefined,
    limit: number,
  ): TradingResult<{ data: Order[]; nextCursor: string | null }>;
  /** The account's last event seq (0 before any). */
  lastSeq(accountId: string): number;
  /** Stops listening to quotes. */
  close(): void;
}

const DEFAULT_CASH = 100_000n * ONE;

function price(text: string | undefined): bigint | undefined {
  return text === undefined ? undefined : parseDecimal(text);
}

function formatPrice(value: bigint): string {
  return formatDecimal(roundTo(value, 4), 2);
}

function encodeCursor(position: number): string {
  return Buffer.from(`o:${position}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/**
 * The trading engine: market orders fill at the touch at once; limit orders fill at once as far as
 * the top of the book allows when marketable, and otherwise rest and fill (possibly partially,
 * across ticks) whenever a quote crosses their price. Cash and positions are reserved for resting
 * orders, so buying power is cash minus what open buys could spend.
 */
export function createTrading(options: TradingOptions): Trading {
  const { market, now, enforceUniqueClientOrderId } = options;
  const initialCash = options.initialCash ?? DEFAULT_CASH;
  const accounts = new Map<string, AccountState>();
  const resting = new Map<string, Set<OrderState>>();
  const listeners: Array<(accountId: string, event: OrderEvent) => void> = [];
  let orderCounter = 0;

  const accountOf = (id: string): AccountState => {
    let account = accounts.get(id);
    if (account === undefined) {
      account = newAccount(id, initialCash);
      accounts.set(id, account);
    }
    return account;
  };

  const viewOf = (state: OrderState, updatedAt: number): Order =>
    Object.freeze({
      id: state.id,
      clientOrderId: state.clientOrderId,
      symbol: state.symbol,
      side: state.side,
      type: state.type,
      quantity: formatDecimal(state.quantity, 0),
      limitPrice: state.limitPrice === null ? null : formatPrice(state.limitPrice),
      status: state.status,
      filledQuantity: formatDecimal(state.filled, 0),
      avgFillPrice: state.filled === 0n ? null : formatPrice((state.fillValue * ONE) / state.filled),
      createdAt: state.createdAt,
      updatedAt,
    });

  const emit = (account: AccountState, type: OrderEvent['type'], state: OrderState, time: number): void => {
    state.view = viewOf(state, time);
    const event: OrderEvent = Object.freeze({
      seq: account.events.length + 1,
      type,
      orderId: state.id,
      clientOrderId: state.clientOrderId,
      order: state.view,
      time,
    });
    account.events.push(event);
    for (const listener of listeners.slice()) {
      try {
        listener(account.id, event);
      } catch (error) {
        // A broken subscriber (the stream) must not undo a fill that already happened.
        process.emitWarning(`sandbox-broker: an order event listener threw: ${String(error)}`);
      }
    }
  };

  /** Top-of-book size on the side an order takes from; unlimited when the book has none. */
  const available = (symbol: string, side: 'buy' | 'sell'): bigint | undefined => {
    const book = market.book(symbol, 1);
    const level = side === 'buy' ? book?.asks[0] : book?.bids[0];
    return level === undefined ? undefined : price(level[1]);
  };

  const fill = (
    account: AccountState,
    state: OrderState,
    quantity: bigint,
    at: bigint,
    time: number,
  ): void => {
    const notional = roundTo(multiply(quantity, at), 2);
    state.filled += quantity;
    state.fillValue += multiply(quantity, at);
    const done = state.filled === state.quantity;
    const position = account.positions.get(state.symbol) ?? { quantity: 0n, cost: 0n };
    if (state.side === 'buy') {
      account.cash -= notional;
      if (state.type === 'limit') {
        const release = done ? state.reserved : roundTo(multiply(quantity, state.limitPrice!), 2);
        // biome-ignore lint/complexity/useMathMinMax: bigint, which Math.min does not take
        const capped = release > state.reserved ? state.reserved : release;
        state.reserved -= capped;
        account.reservedCash -= capped;
      }
      position.quantity += quantity;
      position.cost += notional;
    } else {
      account.cash += notional;
      if (state.type === 'limit') {
        state.reserved -= quantity;
        account.reservedQuantity.set(
          state.symbol,
          (account.reservedQuantity.get(state.symbol) ?? 0n) - quantity,
        );
      }
      position.cost -= (position.cost * quantity) / position.quantity;
      position.quantity -= quantity;
    }
    if (position.quantity === 0n) account.positions.delete(state.symbol);
    else account.positions.set(state.symbol, position);
    state.status = done ? 'filled' : 'partially_filled';
    if (done) resting.get(state.symbol)?.delete(state);
    emit(account, done ? 'filled' : 'partially_filled', state, time);
  };

  const crosses = (state: OrderState, quote: Quote): bigint | undefined => {
    const touch = price(state.side === 'buy' ? quote.ask : quote.bid);
    if (touch === undefined || state.limitPrice === null) return undefined;
    const ok = state.side === 'buy' ? touch <= state.limitPrice : touch >= state.limitPrice;
    return ok ? touch : undefined;
  };

  /** Fills what the top level allows of each crossing order, oldest first, sharing that level. */
  const matchResting = (quote: Quote): void => {
    const orders = resting.get(quote.symbol);
    if (orders === undefined || orders.size === 0) return;
    const left = { buy: available(quote.symbol, 'buy'), sell: available(quote.symbol, 'sell') };
    for (const state of [...orders]) {
      const touch = crosses(state, quote);
      if (touch === undefined) continue;
      const room = left[state.side];
      const remaining = state.quantity - state.filled;
      const quantity = room === undefined || room >= remaining ? remaining : room;
      if (quantity <= 0n) continue;
      if (room !== undefined) left[state.side] = room - quantity;
      fill(accountOf(state.accountId), state, quantity, touch, quote.time);
    }
  };
  const unsubscribe = market.onQuote(matchResting);

  const checkFunds = (account: AccountState, input: OrderInput, quote: Quote): ApiError | undefined => {
    if (input.side === 'buy') {
      const at = input.type === 'limit' ? input.limitPrice! : price(quote.ask)!;
      const needed = roundTo(multiply(input.quantity, at), 2);
      const power = account.cash - account.reservedCash;
      if (needed > power) {
        return apiError(
          422,
          'INSUFFICIENT_BUYING_POWER',
          `Order needs ${formatMoney(needed)} USD, buying power is ${formatMoney(power)} USD`,
        );
      }
      return undefined;
    }
    const held = account.positions.get(input.symbol)?.quantity ?? 0n;
    const free = held - (account.reservedQuantity.get(input.symbol) ?? 0n);
    if (input.quantity > free) {
      return apiError(
        422,
        'INSUFFICIENT_POSITION',
        `Order sells ${formatDecimal(input.quantity, 0)} ${input.symbol}, ${formatDecimal(free, 0)} are held and not reserved`,
      );
    }
    return undefined;
  };

  const place = (accountId: string, input: OrderInput): TradingResult<Order> => {
    if (!market.has(input.symbol)) {
      return {
        ok: false,
        error: apiError(
          404,
          'UNKNOWN_SYMBOL',
          `Unknown symbol "${input.symbol.slice(0, 32)}"; known: ${market.symbols.join(', ')}`,
        ),
      };
    }
    const quote = market.quote(input.symbol);
    if (quote === undefined || price(quote.ask) === undefined || price(quote.bid) === undefined) {
      return {
        ok: false,
        error: apiError(503, 'UNAVAILABLE', `No quote for ${input.symbol} yet; try again`),
      };
    }
    const account = accountOf(accountId);
    if (
      enforceUniqueClientOrderId &&
      input.clientOrderId !== undefined &&
      account.byClientId.get(input.clientOrderId)?.some((o) => isOpen(o.status))
    ) {
      return {
        ok: false,
        error: apiError(409, 'DUPLICATE_CLIENT_ORDER_ID', 'An open order already has this clientOrderId'),
      };
    }
    const funds = checkFunds(account, input, quote);
    if (funds) return { ok: false, error: funds };

    const time = now();
    orderCounter++;
    const id = `ord_${String(orderCounter).padStart(8, '0')}`;
    const state: OrderState = {
      position: account.orders.length,
      accountId,
      id,
      clientOrderId: input.clientOrderId ?? `sbx_${id.slice(4)}`,
      symbol: input.symbol,
      side: input.side,
      type: input.type,
      quantity: input.quantity,
      limitPrice: input.limitPrice,
      createdAt: time,
      status: 'new',
      filled: 0n,
      fillValue: 0n,
      reserved: 0n,
      view: undefined as unknown as Order,
    };
    if (input.type === 'limit') {
      if (input.side === 'buy') {
        state.reserved = roundTo(multiply(input.quantity, input.limitPrice!), 2);
        account.reservedCash += state.reserved;
      } else {
        state.reserved = input.quantity;
        account.reservedQuantity.set(
          input.symbol,
          (account.reservedQuantity.get(input.symbol) ?? 0n) + input.quantity,
        );
      }
    }
    account.orders.push(state);
    account.byId.set(id, state);
    const sameId = account.byClientId.get(state.clientOrderId);
    if (sameId) sameId.push(state);
    else account.byClientId.set(state.clientOrderId, [state]);
    emit(account, 'accepted', state, time);

    if (input.type === 'market') {
      fill(account, state, input.quantity, price(input.side === 'buy' ? quote.ask : quote.bid)!, time);
    } else {
      let book = resting.get(input.symbol);
      if (book === undefined) {
        book = new Set();
        resting.set(input.symbol, book);
      }
      book.add(state);
      const touch = crosses(state, quote);
      if (touch !== undefined) {
        const room = available(input.symbol, input.side);
        const quantity = room === undefined || room >= input.quantity ? input.quantity : room;
        if (quantity > 0n) fill(account, state, quantity, touch, time);
      }
    }
    return { ok: true, value: state.view };
  };

  const cancel = (accountId: string, orderId: string): TradingResult<Order> => {
    const account = accountOf(accountId);
    const state = account.byId.get(orderId);
    if (state === undefined)
      return { ok: false, error: apiError(404, 'ORDER_NOT_FOUND', 'No order with this id') };
    if (!isOpen(state.status)) {
      // Orders are never created as rejected (validation answers 4xx), so closed means filled or cancelled.
      const filled = state.status === 'filled';
      return {
        ok: false,
        error: apiError(
          409,
          filled ? 'ORDER_ALREADY_FILLED' : 'ORDER_ALREADY_CANCELLED',
          `The order is already ${state.status}`,
          { orderStatus: state.status },
        ),
      };
    }
    if (state.side === 'buy') account.reservedCash -= state.reserved;
    else
      account.reservedQuantity.set(
        state.symbol,
        (account.reservedQuantity.get(state.symbol) ?? 0n) - state.reserved,
      );
    state.reserved = 0n;
    state.status = 'cancelled';
    resting.get(state.symbol)?.delete(state);
    emit(account, 'cancelled', state, now());
    return { ok: true, value: state.view };
  };

  const markValue = (symbol: string, quantity: bigint): bigint => {
    const last = price(market.quote(symbol)?.last) ?? 0n;
    return roundTo(multiply(quantity, last), 2);
  };

  return {
    account(accountId) {
      const account = accountOf(accountId);
      let equity = account.cash;
      for (const [symbol, position] of account.positions) equity += markValue(symbol, position.quantity);
      return {
        id: account.id,
        currency: 'USD',
        cash: formatMoney(account.cash),
        buyingPower: formatMoney(account.cash - account.reservedCash),
        equity: formatMoney(equity),
      };
    },
    positions(accountId) {
      const account = accountOf(accountId);
      return [...account.positions].map(([symbol, position]) => ({
        symbol,
        quantity: formatDecimal(position.quantity, 0),
        avgPrice: formatPrice((position.cost * ONE) / position.quantity),
        marketValue: formatMoney(markValue(symbol, position.quantity)),
      }));
    },
    place,
    cancel,
    get: (accountId, orderId) => accountOf(accountId).byId.get(orderId)?.view,
    byClientId: (accountId, clientOrderId) => accountOf(accountId).byClientId.get(clientOrderId)?.[0]?.view,
    list(accountId, status, cursor, limit) {
      const orders = accountOf(accountId).orders;
      let start = orders.length;
      if (cursor !== undefined) {
        const decoded = decodeCursor(cursor);
        if (decoded === undefined || decoded > orders.length) {
          return {
            ok: false,
            error: apiError(400, 'INVALID_REQUEST', 'cursor is not one this server returned'),
          };
        }
        start = decoded;
      }
      const keep = (o: OrderState) =>
        status === 'all' || (status === 'open' ? isOpen(o.status) : !isOpen(o.status));
      const data: Order[] = [];
      let nextCursor: string | null = null;
      for (let i = start - 1; i >= 0; i--) {
        const state = orders[i]!;
        if (!keep(state)) continue;
        if (data.length === limit) {
          nextCursor = encodeCursor(i + 1);
          break;
        }
        data.push(state.view);
      }
      return { ok: true, value: { data, nextCursor } };
    },
    eventsAfter(accountId, afterSeq, limit) {
      const events = accounts.get(accountId)?.events ?? [];
      const from = Math.max(0, Math.floor(afterSeq));
      return events.slice(from, from + Math.max(0, limit));
    },
    onOrderEvent(listener) {
      listeners.push(listener);
      return () => {
        const index = listeners.indexOf(listener);
        if (index >= 0) listeners.splice(index, 1);
      };
    },
    lastSeq: (accountId) => accounts.get(accountId)?.events.length ?? 0,
    close: unsubscribe,
  };
}
