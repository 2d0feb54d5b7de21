import { describe, expect, it } from 'vitest';
import { createMarket } from '../market/create-market';
import { manualEvery } from '../market/interval';
import { createTrading } from './create-trading';
import { ONE } from './decimal';
import { validateOrderInput } from './order-input';
import type { OrderEvent } from './trading-types';

function setup(cash = 10_000_000n) {
  const clock = manualEvery();
  const market = createMarket({
    seed: 11,
    symbols: ['AAPL'],
    quoteIntervalMs: 100,
    now: () => 1_000,
    every: clock.every,
  });
  const trading = createTrading({
    market,
    now: () => 1_000,
    enforceUniqueClientOrderId: false,
    initialCash: cash * ONE,
  });
  const events: OrderEvent[] = [];
  trading.onOrderEvent((_account, event) => events.push(event));
  const order = (body: Record<string, unknown>) => {
    const checked = validateOrderInput(body);
    if (!checked.ok) throw new Error(checked.error.message);
    const placed = trading.place('acc_test', checked.input);
    if (!placed.ok) throw new Error(placed.error.message);
    return placed.value;
  };
  /** Ticks until `done()` holds, at most `max` times (the walk is seeded, so the count replays). */
  const tickUntil = (done: () => boolean, max = 2_000) => {
    let ticks = 0;
    while (!done() && ticks < max) {
      market.tick();
      ticks++;
    }
    return ticks;
  };
  return { market, trading, events, order, tickUntil };
}

describe('resting limit orders', () => {
  it('rest while the quote does not cross, then fill at the touch (never worse than the limit) when it does', () => {
    const { market, trading, order, tickUntil } = setup();
    const limit = market.quote('AAPL')!.bid; // below the ask: not marketable now
    const placed = order({ symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '3', limitPrice: limit });
    expect(placed.status).toBe('new');
    const ticks = tickUntil(() => trading.get('acc_test', placed.id)!.status === 'filled');
    expect(ticks).toBeGreaterThan(0);
    expect(ticks).toBeLessThan(2_000);
    const filled = trading.get('acc_test', placed.id)!;
    expect(Number(filled.avgFillPrice)).toBeLessThanOrEqual(Number(limit));
    expect(trading.positions('acc_test')).toEqual([
      expect.objectContaining({ symbol: 'AAPL', quantity: '3', avgPrice: filled.avgFillPrice }),
    ]);
    const account = trading.account('acc_test');
    expect(account.cash).toBe(account.buyingPower); // nothing reserved any more
    market.close();
  });

  it('fill partially across ticks when the top of the book is smaller than the order', () => {
    const { market, trading, events, order, tickUntil } = setup();
    const ask = Number(market.quote('AAPL')!.ask);
    // Marketable and far larger than any one level (AAPL levels hold at most 800 shares).
    const placed = order({
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '20000',
      limitPrice: (ask + 3).toFixed(2),
    });
    expect(placed.status).toBe('partially_filled');
    tickUntil(() => trading.get('acc_test', placed.id)!.status === 'filled');
    const mine = events.filter((e) => e.orderId === placed.id);
    expect(mine[0]!.type).toBe('accepted');
    expect(mine.at(-1)!.type).toBe('filled');
    const partials = mine.filter((e) => e.type === 'partially_filled');
    expect(partials.length).toBeGreaterThan(1);
    const filled = mine.map((e) => Number(e.order.filledQuantity));
    expect(filled).toEqual([...filled].sort((a, b) => a - b)); // only ever grows
    expect(mine.map((e) => e.seq)).toEqual(mine.map((_e, i) => mine[0]!.seq + i)); // no gaps
    const final = trading.get('acc_test', placed.id)!;
    expect(final.filledQuantity).toBe('20000');
    const spent = 10_000_000 - Number(trading.account('acc_test').cash);
    expect(spent).toBeCloseTo(20_000 * Number(final.avgFillPrice), -1);
    market.close();
  });

  it('releases what a cancelled partial order reserved, and numbers every event per account from 1', () => {
    const { market, trading, events, order } = setup(1_000_000n);
    const bid = Number(market.quote('AAPL')!.bid);
    const placed = order({
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '100',
      limitPrice: (bid - 30).toFixed(2),
    });
    const reserved = trading.account('acc_test');
    expect(Number(reserved.cash) - Number(reserved.buyingPower)).toBeCloseTo(100 * (bid - 30), 2);
    const cancelled = trading.cancel('acc_test', placed.id);
    expect(cancelled.ok && cancelled.value.status).toBe('cancelled');
    expect(trading.account('acc_test').buyingPower).toBe('1000000.00');
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(trading.eventsAfter('acc_test', 1, 10).map((e) => e.type)).toEqual(['cancelled']);
    expect(trading.eventsAfter('acc_other', 0, 10)).toEqual([]);
    market.close();
  });

  it('a limit sell reserves the position so it cannot be sold twice', () => {
    const { market, trading, order } = setup();
    order({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '5' });
    const ask = Number(market.quote('AAPL')!.ask);
    order({ symbol: 'AAPL', side: 'sell', type: 'limit', quantity: '4', limitPrice: (ask + 40).toFixed(2) });
    const checked = validateOrderInput({ symbol: 'AAPL', side: 'sell', type: 'market', quantity: '2' });
    const second = checked.ok ? trading.place('acc_test', checked.input) : undefined;
    expect(second?.ok).toBe(false);
    expect(second && !second.ok && second.error.code).toBe('INSUFFICIENT_POSITION');
    market.close();
  });
});
