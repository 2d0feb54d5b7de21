import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxBroker, startSandboxBroker } from '../src/index';
import { client } from './support';

// The market is frozen (one tick a day), so every fill can be checked against the quote exactly.
let broker: SandboxBroker;
let api: ReturnType<typeof client>;
beforeAll(async () => {
  broker = await startSandboxBroker({ seed: 3, quoteIntervalMs: 86_400_000, rateLimit: false });
  api = client(broker.url);
});
afterAll(() => broker.close());

const post = (body: unknown, headers?: Record<string, string>) =>
  api({ method: 'POST', path: '/v1/orders', body, ...(headers ? { headers } : {}) });
const cents = (text: string) => Math.round(Number(text) * 100);

describe('orders against quotes', () => {
  it('fills a market buy at the ask and a market sell at the bid, moving cash and the position', async () => {
    const quote = (await api('/v1/quotes/MSFT')).json;
    const before = (await api('/v1/account')).json;
    const buy = await post({
      symbol: 'MSFT',
      side: 'buy',
      type: 'market',
      quantity: '4',
      clientOrderId: 'msft-buy-1',
    });
    expect(buy.status).toBe(201);
    expect(buy.json).toMatchObject({
      symbol: 'MSFT',
      side: 'buy',
      status: 'filled',
      filledQuantity: '4',
      avgFillPrice: quote.ask,
      limitPrice: null,
      clientOrderId: 'msft-buy-1',
    });
    const after = (await api('/v1/account')).json;
    expect(cents(before.cash) - cents(after.cash)).toBe(4 * cents(quote.ask));
    const positions = (await api('/v1/positions')).json.data;
    expect(positions).toContainEqual({
      symbol: 'MSFT',
      quantity: '4',
      avgPrice: quote.ask,
      marketValue: (4 * Number(quote.last)).toFixed(2),
    });
    const sell = await post({ symbol: 'MSFT', side: 'sell', type: 'market', quantity: '4' });
    expect(sell.json).toMatchObject({ status: 'filled', avgFillPrice: quote.bid });
    expect(
      (await api('/v1/positions')).json.data.find((p: { symbol: string }) => p.symbol === 'MSFT'),
    ).toBeUndefined();
  });

  it('fills a marketable limit order at the touch (price improvement) and rests one that does not cross', async () => {
    const quote = (await api('/v1/quotes/AAPL')).json;
    const high = (Number(quote.ask) + 5).toFixed(2);
    const crossing = await post({
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '1',
      limitPrice: high,
    });
    expect(crossing.json.status).toBe('filled');
    expect(crossing.json.avgFillPrice).toBe(quote.ask);
    expect(crossing.json.limitPrice).toBe(high);

    const low = (Number(quote.bid) - 20).toFixed(2);
    const before = (await api('/v1/account')).json;
    const resting = await post({
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '10',
      limitPrice: low,
    });
    expect(resting.json).toMatchObject({ status: 'new', filledQuantity: '0', avgFillPrice: null });
    const during = (await api('/v1/account')).json;
    expect(during.cash).toBe(before.cash);
    expect(cents(before.buyingPower) - cents(during.buyingPower)).toBe(10 * cents(low));
    const cancelled = await api({ method: 'DELETE', path: `/v1/orders/${resting.json.id}` });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    expect((await api('/v1/account')).json.buyingPower).toBe(before.buyingPower);
  });

  it('answers a cancelled and a filled order with distinct 409 codes, and an unknown one with 404', async () => {
    const quote = (await api('/v1/quotes/AAPL')).json;
    const resting = await post({
      symbol: 'AAPL',
      side: 'sell',
      type: 'limit',
      quantity: '1',
      limitPrice: (Number(quote.ask) + 50).toFixed(2),
    });
    // Selling needs a position: the account holds one AAPL from the crossing buy above.
    expect(resting.status).toBe(201);
    await api({ method: 'DELETE', path: `/v1/orders/${resting.json.id}` });
    const twice = await api({ method: 'DELETE', path: `/v1/orders/${resting.json.id}` });
    expect(twice.status).toBe(409);
    expect(twice.json.error).toMatchObject({ code: 'ORDER_ALREADY_CANCELLED', orderStatus: 'cancelled' });

    const filled = await post({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' });
    const late = await api({ method: 'DELETE', path: `/v1/orders/${filled.json.id}` });
    expect(late.status).toBe(409);
    expect(late.json.error).toMatchObject({ code: 'ORDER_ALREADY_FILLED', orderStatus: 'filled' });

    const unknown = await api({ method: 'DELETE', path: '/v1/orders/ord_99999999' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('ORDER_NOT_FOUND');
    expect((await api('/v1/orders/ord_99999999')).json.error.code).toBe('ORDER_NOT_FOUND');
  });
});

describe('validation', () => {
  it.each([
    [
      { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', price: '1' },
      400,
      'INVALID_REQUEST',
      /Unknown field "price"/,
    ],
    [{ symbol: 'AAPL', side: 'hold', type: 'market', quantity: '1' }, 400, 'INVALID_REQUEST', /side/],
    [{ symbol: 'AAPL', side: 'buy', type: 'stop', quantity: '1' }, 400, 'INVALID_REQUEST', /type/],
    [{ symbol: 'AAPL', side: 'buy', type: 'market', quantity: 1 }, 400, 'INVALID_QUANTITY', /decimal string/],
    [{ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '-3' }, 400, 'INVALID_QUANTITY', /positive/],
    [{ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '0' }, 400, 'INVALID_QUANTITY', /positive/],
    [{ symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1' }, 400, 'INVALID_PRICE', /limitPrice/],
    [
      { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', limitPrice: '1.00' },
      400,
      'INVALID_PRICE',
      /market order/,
    ],
    [
      { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', clientOrderId: 'has space' },
      400,
      'INVALID_REQUEST',
      /clientOrderId/,
    ],
    [{ symbol: 'TSLA', side: 'buy', type: 'market', quantity: '1' }, 404, 'UNKNOWN_SYMBOL', /known: AAPL/],
    [
      { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '100000' },
      422,
      'INSUFFICIENT_BUYING_POWER',
      /Order needs .* USD, buying power is .* USD/,
    ],
    [
      { symbol: 'ETH-USD', side: 'sell', type: 'market', quantity: '1' },
      422,
      'INSUFFICIENT_POSITION',
      /ETH-USD/,
    ],
  ])('%j -> %i %s', async (body, status, code, message) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(res.json.error.message).toMatch(message);
    expect(res.json.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers malformed JSON, unknown routes, wrong methods and bad query parameters in the one error shape', async () => {
    const bad = await post('{"symbol":');
    expect([bad.status, bad.json.error.code]).toEqual([400, 'INVALID_REQUEST']);
    const none = await api('/v1/nothing');
    expect([none.status, none.json.error.code]).toEqual([404, 'NOT_FOUND']);
    const method = await api({ method: 'PUT', path: '/v1/orders' });
    expect([method.status, method.json.error.code, method.headers.allow]).toEqual([
      405,
      'METHOD_NOT_ALLOWED',
      'POST, GET',
    ]);
    const query = await api('/v1/orders?limit=0');
    expect([query.status, query.json.error.code]).toEqual([400, 'INVALID_REQUEST']);
    const unknownParam = await api('/v1/orders?page=2');
    expect(unknownParam.json.error.message).toMatch(/Unknown query parameter "page"/);
    expect((await api('/v1/quotes/NOPE')).json.error.code).toBe('UNKNOWN_SYMBOL');
    expect((await api('/v1/orders?cursor=garbage')).json.error.code).toBe('INVALID_REQUEST');
  });
});

describe('client order ids, pagination and order events', () => {
  it('stores clientOrderId, finds the earliest order by it, and lets duplicates through by default (the ledger lists them)', async () => {
    const first = await post({
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '1',
      clientOrderId: 'dup-1',
    });
    const second = await post({
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '1',
      clientOrderId: 'dup-1',
    });
    expect(second.status).toBe(201);
    expect(second.json.id).not.toBe(first.json.id);
    const found = await api('/v1/orders/by-client-id/dup-1');
    expect(found.json.id).toBe(first.json.id);
    expect((await api('/v1/orders/by-client-id/never-sent')).json.error.code).toBe('ORDER_NOT_FOUND');
    expect(broker.ledger().duplicates).toContainEqual({
      clientOrderId: 'dup-1',
      orderIds: [first.json.id, second.json.id],
    });
  });

  it('with enforceUniqueClientOrderId rejects a clientOrderId an open order has, and allows it once that order is closed', async () => {
    const strict = await startSandboxBroker({
      enforceUniqueClientOrderId: true,
      quoteIntervalMs: 86_400_000,
    });
    try {
      const s = client(strict.url);
      const quote = (await s('/v1/quotes/AAPL')).json;
      const body = {
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        quantity: '1',
        limitPrice: (Number(quote.bid) - 10).toFixed(2),
        clientOrderId: 'uniq-1',
      };
      const open = await s({ method: 'POST', path: '/v1/orders', body });
      expect(open.status).toBe(201);
      const dup = await s({ method: 'POST', path: '/v1/orders', body });
      expect(dup.status).toBe(409);
      expect(dup.json.error.code).toBe('DUPLICATE_CLIENT_ORDER_ID');
      await s({ method: 'DELETE', path: `/v1/orders/${open.json.id}` });
      expect((await s({ method: 'POST', path: '/v1/orders', body })).status).toBe(201);
      expect(strict.ledger().counts.ordersCreated).toBe(2);
    } finally {
      await strict.close();
    }
  });

  it('pages newest first with cursors that visit every order exactly once, filtered by status', async () => {
    const fresh = await startSandboxBroker({ quoteIntervalMs: 86_400_000, rateLimit: false });
    try {
      const s = client(fresh.url);
      const quote = (await s('/v1/quotes/AAPL')).json;
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const type = i % 2 === 0 ? 'market' : 'limit';
        const limitPrice = type === 'limit' ? (Number(quote.bid) - 10).toFixed(2) : undefined;
        const res = await s({
          method: 'POST',
          path: '/v1/orders',
          body: { symbol: 'AAPL', side: 'buy', type, quantity: '1', limitPrice },
        });
        ids.push(res.json.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await s(`/v1/orders?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...res.json.data.map((o: { id: string }) => o.id));
        cursor = res.json.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids].reverse());
      const open = (await s('/v1/orders?status=open&limit=500')).json;
      expect(open.data.map((o: { id: string }) => o.id)).toEqual([ids[5], ids[3], ids[1]]);
      expect(open.nextCursor).toBeNull();
      const closed = (await s('/v1/orders?status=closed&limit=2')).json;
      expect(closed.data.map((o: { id: string }) => o.id)).toEqual([ids[6], ids[4]]);
      expect(closed.nextCursor).not.toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it('GET /order-events?after= returns exactly the events after a seq, numbered without gaps', async () => {
    const fresh = await startSandboxBroker({ quoteIntervalMs: 86_400_000, rateLimit: false });
    try {
      const s = client(fresh.url);
      await s({
        method: 'POST',
        path: '/v1/orders',
        body: { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' },
      });
      const seen = (await s('/v1/order-events?after=0')).json;
      expect(seen.data.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([
        [1, 'accepted'],
        [2, 'filled'],
      ]);
      expect([seen.lastSeq, seen.hasMore]).toEqual([2, false]);
      // "Disconnected" here: three more orders happen meanwhile.
      const quote = (await s('/v1/quotes/AAPL')).json;
      const resting = await s({
        method: 'POST',
        path: '/v1/orders',
        body: {
          symbol: 'AAPL',
          side: 'buy',
          type: 'limit',
          quantity: '2',
          limitPrice: (Number(quote.bid) - 5).toFixed(2),
          clientOrderId: 'ev-rest',
        },
      });
      await s({ method: 'DELETE', path: `/v1/orders/${resting.json.id}` });
      await s({
        method: 'POST',
        path: '/v1/orders',
        body: { symbol: 'AAPL', side: 'sell', type: 'market', quantity: '1' },
      });
      const missed = (await s(`/v1/order-events?after=${seen.lastSeq}`)).json;
      expect(missed.data.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([
        [3, 'accepted'],
        [4, 'cancelled'],
        [5, 'accepted'],
        [6, 'filled'],
      ]);
      expect(missed.data[0]).toMatchObject({
        orderId: resting.json.id,
        clientOrderId: 'ev-rest',
        order: { status: 'new' },
      });
      expect(missed.data[1].order.status).toBe('cancelled');
      const page = (await s('/v1/order-events?after=2&limit=2')).json;
      expect([page.data.length, page.lastSeq, page.hasMore]).toEqual([2, 4, true]);
      const caughtUp = (await s('/v1/order-events?after=6')).json;
      expect(caughtUp).toEqual({ data: [], lastSeq: 6, hasMore: false });
      expect((await s('/v1/order-events?after=-1')).json.error.code).toBe('INVALID_REQUEST');
      // The largest safe integer has 16 digits and is a valid cursor.
      const far = (await s(`/v1/order-events?after=${Number.MAX_SAFE_INTEGER}`)).json;
      expect(far).toEqual({ data: [], lastSeq: 6, hasMore: false });
    } finally {
      await fresh.close();
    }
  });
});
