import { apiError } from '../api-error';
import type { Ledger } from '../ledger/create-ledger';
import type { Market } from '../market/market-types';
import type { OrderStatusFilter, Trading } from '../trading/create-trading';
import { validateOrderInput } from '../trading/order-input';
import { isApiError, readInteger, readQuery } from './query-params';
import type { RestRoute } from './route-types';

/** What the REST handlers work on. */
export interface RestDependencies {
  readonly market: Market;
  readonly trading: Trading;
  readonly ledger: Ledger;
  /** The server clock (epoch ms, offset applied). */
  readonly now: () => number;
}

const STATUSES: readonly OrderStatusFilter[] = ['open', 'closed', 'all'];

/** The `/v1` routes, in the table API.md documents (weights and scopes included). */
export function restRoutes({ market, trading, ledger, now }: RestDependencies): RestRoute[] {
  const unknownSymbol = (symbol: string) =>
    apiError(
      404,
      'UNKNOWN_SYMBOL',
      `Unknown symbol "${symbol.slice(0, 32)}"; known: ${market.symbols.join(', ')}`,
    );
  const orderNotFound = () => apiError(404, 'ORDER_NOT_FOUND', 'No order with this id in the account');

  return [
    {
      method: 'GET',
      path: '/v1/time',
      weight: 0,
      scope: 'public',
      handler: () => ({ status: 200, json: { serverTime: now() } }),
    },
    {
      method: 'GET',
      path: '/v1/account',
      weight: 1,
      scope: 'read',
      handler: ({ principal }) => ({ status: 200, json: trading.account(principal.accountId) }),
    },
    {
      method: 'GET',
      path: '/v1/positions',
      weight: 1,
      scope: 'read',
      handler: ({ principal }) => ({ status: 200, json: { data: trading.positions(principal.accountId) } }),
    },
    {
      method: 'GET',
      path: '/v1/quotes/:symbol',
      weight: 1,
      scope: 'read',
      handler: ({ param }) => {
        const quote = market.quote(param);
        return quote === undefined ? unknownSymbol(param) : { status: 200, json: quote };
      },
    },
    {
      method: 'GET',
      path: '/v1/book/:symbol',
      weight: 5,
      scope: 'read',
      handler: ({ param, rawQuery }) => {
        const query = readQuery(rawQuery, ['depth']);
        if (isApiError(query)) return query;
        const depth = readInteger(query, 'depth', 1, 1000, 50);
        if (isApiError(depth)) return depth;
        const book = market.book(param, depth);
        return book === undefined ? unknownSymbol(param) : { status: 200, json: book };
      },
    },
    {
      method: 'POST',
      path: '/v1/orders',
      weight: 2,
      scope: 'trade',
      jsonBody: true,
      handler: ({ principal, json, idempotencyKey }) => {
        const checked = validateOrderInput(json);
        if (!checked.ok) return checked.error;
        const placed = trading.place(principal.accountId, checked.input);
        if (!placed.ok) return placed.error;
        const order = placed.value;
        ledger.recordOrder({
          orderId: order.id,
          accountId: principal.accountId,
          keyId: principal.keyId,
          clientOrderId: order.clientOrderId,
          idempotencyKey: idempotencyKey ?? null,
          symbol: order.symbol,
          side: order.side,
          quantity: order.quantity,
          createdAt: order.createdAt,
        });
        return { status: 201, json: order };
      },
    },
    {
      method: 'GET',
      path: '/v1/orders',
      weight: 5,
      scope: 'read',
      handler: ({ principal, rawQuery }) => {
        const query = readQuery(rawQuery, ['status', 'cursor', 'limit']);
        if (isApiError(query)) return query;
        const status = (query.get('status') ?? 'all') as OrderStatusFilter;
        if (!STATUSES.includes(status))
          return apiError(400, 'INVALID_REQUEST', 'status must be open, closed or all');
        const limit = readInteger(query, 'limit', 1, 500, 50);
        if (isApiError(limit)) return limit;
        const cursor = query.get('cursor');
        const page = trading.list(principal.accountId, status, cursor === '' ? undefined : cursor, limit);
        return page.ok ? { status: 200, json: page.value } : page.error;
      },
    },
    {
      method: 'GET',
      path: '/v1/orders/by-client-id/:clientOrderId',
      weight: 1,
      scope: 'read',
      handler: ({ principal, param }) => {
        const order = trading.byClientId(principal.accountId, param);
        return order === undefined ? orderNotFound() : { status: 200, json: order };
      },
    },
    {
      method: 'GET',
      path: '/v1/orders/:id',
      weight: 1,
      scope: 'read',
      handler: ({ principal, param }) => {
        const order = trading.get(principal.accountId, param);
        return order === undefined ? orderNotFound() : { status: 200, json: order };
      },
    },
    {
      method: 'DELETE',
      path: '/v1/orders/:id',
      weight: 1,
      scope: 'trade',
      handler: ({ principal, param }) => {
        const cancelled = trading.cancel(principal.accountId, param);
        return cancelled.ok ? { status: 200, json: cancelled.value } : cancelled.error;
      },
    },
    {
      method: 'GET',
      path: '/v1/order-events',
      weight: 2,
      scope: 'read',
      handler: ({ principal, rawQuery }) => {
        const query = readQuery(rawQuery, ['after', 'limit']);
        if (isApiError(query)) return query;
        const after = readInteger(query, 'after', 0, Number.MAX_SAFE_INTEGER, 0);
        if (isApiError(after)) return after;
        const limit = readInteger(query, 'limit', 1, 1000, 500);
        if (isApiError(limit)) return limit;
        const data = trading.eventsAfter(principal.accountId, after, limit);
        const latest = trading.lastSeq(principal.accountId);
        const lastSeq = data.length > 0 ? data[data.length - 1]!.seq : Math.min(after, latest);
        return { status: 200, json: { data, lastSeq, hasMore: lastSeq < latest } };
      },
    },
  ];
}
