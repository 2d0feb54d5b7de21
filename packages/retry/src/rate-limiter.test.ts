import { getEventListeners } from 'node:events';
import { isKitError } from '@kit/errors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RateLimitStore } from './rate-limit-store';
import { createRateLimiter } from './rate-limiter';
import type { RateLimitPauseEvent } from './rate-limiter-options';

/** Starts acquisitions and records when (fake ms since start) each resolves, in order. */
function track(start: number) {
  const done: Array<{ id: string; at: number }> = [];
  return {
    done,
    add(id: string, promise: Promise<void>) {
      return promise.then(() => {
        done.push({ id, at: Date.now() - start });
      });
    },
  };
}

describe('createRateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(Date.UTC(2030, 0, 1)));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a burst of the bucket size through at once, then paces by the refill', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 10, intervalMs: 1000 }] });
    const t = track(Date.now());
    const all = Array.from({ length: 15 }, (_, i) => t.add(String(i), limiter.acquire()));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.done).toHaveLength(10);
    await vi.advanceTimersByTimeAsync(500);
    await Promise.all(all);
    expect(t.done.slice(10).map((d) => d.at)).toEqual([100, 200, 300, 400, 500]);
  });

  it('enforces several windows at once with weighted acquisitions', async () => {
    const limiter = createRateLimiter({
      limits: [
        { tokens: 10, intervalMs: 1000 },
        { tokens: 20, intervalMs: 60_000 },
      ],
    });
    const t = track(Date.now());
    const all = [
      t.add('a', limiter.acquire(10)),
      t.add('b', limiter.acquire(10)),
      t.add('c', limiter.acquire(5)),
    ];
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.done.map((d) => [d.id, d.at])).toEqual([
      ['a', 0],
      ['b', 1000],
    ]);
    // The minute window holds 20 - 20 + 1/3 (refilled at 20/min during the first second): the
    // missing 4 2/3 tokens take 14 s more, although the second window has been full since 2 s.
    await vi.advanceTimersByTimeAsync(13_999);
    expect(t.done).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(all);
    expect(t.done[2]).toEqual({ id: 'c', at: 15_000 });
  });

  it('serves waiters in FIFO order: a light request does not overtake a heavy one', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 10, intervalMs: 1000 }] });
    await limiter.acquire(8);
    const t = track(Date.now());
    const all = [t.add('heavy', limiter.acquire(10)), t.add('light', limiter.acquire(1))];
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(all);
    expect(t.done.map((d) => d.id)).toEqual(['heavy', 'light']);
    expect(t.done[0]?.at).toBe(800);
  });

  it('grants an uncontended acquisition without queueing, but never ahead of a waiter', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 10, intervalMs: 1000 }] });
    // Tokens available and nobody waiting: granted before any timer or store round trip.
    let granted = false;
    void limiter.acquire(4).then(() => {
      granted = true;
    });
    await Promise.resolve();
    expect(granted).toBe(true);
    expect(limiter.queueSize).toBe(0);
    const t = track(Date.now());
    const heavy = t.add('heavy', limiter.acquire(10));
    expect(limiter.queueSize).toBe(1);
    // 6 tokens are there, but the heavy waiter is first in line.
    const light = t.add('light', limiter.acquire(1));
    expect(limiter.queueSize).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all([heavy, light]);
    expect(t.done.map((d) => d.id)).toEqual(['heavy', 'light']);
  });

  it('does not take the fast path while paused', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 100, intervalMs: 1000 }] });
    limiter.pauseUntil(Date.now() + 500);
    const t = track(Date.now());
    const pending = t.add('a', limiter.acquire());
    expect(limiter.queueSize).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    await pending;
    expect(t.done).toEqual([{ id: 'a', at: 500 }]);
  });

  it('rejects with rate_limit.queue_full when the queue is full', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 1, intervalMs: 1000 }], maxQueueSize: 2 });
    const first = limiter.acquire();
    const queued = [limiter.acquire(), limiter.acquire()];
    await vi.advanceTimersByTimeAsync(0);
    expect(limiter.queueSize).toBe(2);
    await expect(limiter.acquire()).rejects.toSatisfy((e: unknown) => isKitError(e, 'rate_limit.queue_full'));
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all([first, ...queued]);
  });

  it('an aborted acquisition leaves the queue at once and the next one moves up', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 10, intervalMs: 1000 }] });
    await limiter.acquire(9);
    const controller = new AbortController();
    const heavy = limiter.acquire(10, { signal: controller.signal });
    const t = track(Date.now());
    const light = t.add('light', limiter.acquire(1));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await expect(heavy).rejects.toSatisfy((e: unknown) => isKitError(e, 'cancelled.aborted'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    await light;
    expect(t.done).toEqual([{ id: 'light', at: 10 }]);
    expect(limiter.queueSize).toBe(0);
  });

  it('rejects weights that can never fit, and already-aborted signals', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 10, intervalMs: 1000 }] });
    await expect(limiter.acquire(11)).rejects.toSatisfy((e: unknown) =>
      isKitError(e, 'client.invalid_argument'),
    );
    await expect(limiter.acquire(0)).rejects.toSatisfy((e: unknown) =>
      isKitError(e, 'client.invalid_argument'),
    );
    await expect(limiter.acquire(1, { signal: AbortSignal.abort() })).rejects.toSatisfy((e: unknown) =>
      isKitError(e, 'cancelled.aborted'),
    );
    expect(() => createRateLimiter({ limits: [] })).toThrow(/tokens > 0/);
  });

  it('a 429 pauses every waiter until Retry-After, then they leave at the rate, not as one burst', async () => {
    const pauses: RateLimitPauseEvent[] = [];
    const limiter = createRateLimiter({
      limits: [{ tokens: 100, intervalMs: 1000 }],
      onPause: (e) => pauses.push(e),
    });
    await limiter.acquire();
    const start = Date.now();
    limiter.observe({ status: 429, headers: { 'Retry-After': '2', 'X-RateLimit-Reset': '30' } });
    const t = track(start);
    const all = ['a', 'b', 'c'].map((id) => t.add(id, limiter.acquire()));
    await vi.advanceTimersByTimeAsync(1999);
    expect(t.done).toEqual([]);
    await vi.advanceTimersByTimeAsync(21);
    await Promise.all(all);
    // The bucket held 99 tokens; after the pause the three leave 10 ms apart (100 per second).
    expect(t.done.map((d) => d.at)).toEqual([2000, 2010, 2020]);
    expect(pauses).toEqual([{ untilMs: start + 2000, reason: 'status_429' }]);
  });

  it("a 418 (Binance's IP ban after ignored 429s) pauses like a 429", () => {
    const limiter = createRateLimiter();
    limiter.observe({ status: 418, headers: { 'retry-after': '120' } });
    expect(limiter.pausedUntil - Date.now()).toBe(120_000);
  });

  it('a 429 with an HTTP-date Retry-After pauses until that date', async () => {
    const limiter = createRateLimiter();
    limiter.observe({ status: 429, headers: { 'retry-after': new Date(Date.now() + 5000).toUTCString() } });
    expect(limiter.pausedUntil - Date.now()).toBe(5000);
  });

  it('a 429 without Retry-After pauses until the window reset, else for defaultPauseMs', async () => {
    const limiter = createRateLimiter({ defaultPauseMs: 1500 });
    limiter.observe({ status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4' } });
    expect(limiter.pausedUntil - Date.now()).toBe(4000);
    const other = createRateLimiter({ defaultPauseMs: 1500 });
    other.observe({ status: 429 });
    expect(other.pausedUntil - Date.now()).toBe(1500);
  });

  it('a 503 pauses only for an explicit Retry-After, never for a routine reset header', () => {
    const limiter = createRateLimiter();
    limiter.observe({ status: 503, headers: { 'x-ratelimit-remaining': '40', 'x-ratelimit-reset': '60' } });
    expect(limiter.pausedUntil).toBe(0);
    limiter.observe({ status: 503, headers: { 'retry-after': '3' } });
    expect(limiter.pausedUntil - Date.now()).toBe(3000);
  });

  it('remaining = 0 on a successful response pauses the queue until the reset', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 100, intervalMs: 60_000 }] });
    limiter.observe({
      status: 200,
      headers: { RateLimit: '"default";r=0;t=7', 'RateLimit-Policy': '"default";q=100;w=60' },
    });
    const t = track(Date.now());
    const pending = t.add('x', limiter.acquire());
    await vi.advanceTimersByTimeAsync(7000);
    await pending;
    expect(t.done).toEqual([{ id: 'x', at: 7000 }]);
  });

  it("lowers the bucket to the server's remaining count (draft -07 and used-weight headers)", async () => {
    const limiter = createRateLimiter({
      limits: [
        { tokens: 10, intervalMs: 1000 },
        { tokens: 1200, intervalMs: 60_000 },
      ],
      usedWeightHeaders: { 'x-mbx-used-weight-1m': 60_000 },
    });
    limiter.observe({
      status: 200,
      headers: { ratelimit: 'limit=10, remaining=3, reset=1', 'ratelimit-policy': '10;w=1' },
    });
    const t = track(Date.now());
    const all = Array.from({ length: 4 }, (_, i) => t.add(String(i), limiter.acquire()));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.done).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(all);

    // 1195 of 1200 used this minute: only 5 left in the minute window.
    await vi.advanceTimersByTimeAsync(1000);
    limiter.observe({ status: 200, headers: { 'X-MBX-USED-WEIGHT-1M': '1195' } });
    await limiter.acquire(5);
    const late = track(Date.now());
    const last = late.add('late', limiter.acquire(1));
    await vi.advanceTimersByTimeAsync(49);
    expect(late.done).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await last;
    expect(late.done[0]?.at).toBe(50);
  });

  it('reads rate-limit headers from every header shape, and ignores responses without any', () => {
    const shapes = [
      { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '3' },
      new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3' }),
      new Map([
        ['X-RateLimit-Remaining', '0'],
        ['X-RateLimit-Reset', '3'],
      ]),
      [
        ['x-ratelimit-remaining', '0'],
        ['x-ratelimit-reset', '3'],
      ] as const,
      // Only get(): names cannot be listed, so every name is looked up as before.
      {
        get: (name: string) =>
          ({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3' })[name.toLowerCase()],
      },
    ];
    for (const headers of shapes) {
      const limiter = createRateLimiter();
      limiter.observe({ status: 200, headers: { 'content-type': 'application/json', date: 'x' } });
      limiter.observe({ status: 503, headers: new Headers({ 'content-type': 'text/html' }) });
      expect(limiter.pausedUntil).toBe(0);
      limiter.observe({ status: 200, headers });
      expect(limiter.pausedUntil - Date.now()).toBe(3000);
    }
    const binance = createRateLimiter({
      limits: [{ tokens: 1200, intervalMs: 60_000 }],
      usedWeightHeaders: { 'X-MBX-USED-WEIGHT-1M': 60_000 },
    });
    binance.observe({ status: 200, headers: { 'x-mbx-used-weight-1m': '1200' } });
    expect(binance.pausedUntil).toBeGreaterThan(Date.now());
  });

  it('never shortens a pause, and caps absurd resets at maxPauseMs', () => {
    const limiter = createRateLimiter({ maxPauseMs: 10_000 });
    limiter.pauseUntil(Date.now() + 5000);
    limiter.pauseUntil(Date.now() + 1000);
    expect(limiter.pausedUntil - Date.now()).toBe(5000);
    limiter.observe({ status: 429, headers: { 'retry-after': '86400' } });
    expect(limiter.pausedUntil - Date.now()).toBe(10_000);
  });

  it('a failing store rejects the waiter with rate_limit.store_unavailable', async () => {
    const broken: RateLimitStore = {
      take: () => Promise.reject(new Error('ECONNREFUSED')),
      block: () => {},
      clamp: () => {},
    };
    const limiter = createRateLimiter({ store: broken });
    await expect(limiter.acquire()).rejects.toSatisfy((e: unknown) =>
      isKitError(e, 'rate_limit.store_unavailable'),
    );
    expect(() => limiter.observe({ status: 429 })).not.toThrow();
  });
});

describe('createRateLimiter: pacing after a 429 (strict servers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(Date.UTC(2030, 0, 1)));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Acquires `n` at once and returns when (ms after `start`) each was granted. */
  async function grants(limiter: ReturnType<typeof createRateLimiter>, n: number, runMs: number) {
    const start = Date.now();
    const t = track(start);
    const all = Array.from({ length: n }, (_, i) => t.add(String(i), limiter.acquire()));
    await vi.advanceTimersByTimeAsync(runMs);
    await Promise.all(all);
    return t.done.map((d) => d.at);
  }

  it('after a 429 without a hint, a bucket of 20 paces: one interval apart, and no burst even after a quiet spell', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 20, intervalMs: 1_000 }] });
    expect(await grants(limiter, 3, 0)).toEqual([0, 0, 0]);
    expect(limiter.pacing).toBe(false);
    limiter.observe({ status: 429, headers: {} });
    expect(limiter.pacing).toBe(true);
    // One interval (50 ms) of pause, then one request per interval.
    expect(await grants(limiter, 4, 250)).toEqual([50, 100, 150, 200]);
    await vi.advanceTimersByTimeAsync(10_000);
    // The bucket no longer fills up to 20 while nothing is sent.
    expect(await grants(limiter, 3, 200)).toEqual([0, 50, 100]);
  });

  it('429s that keep coming cut the rate; it climbs back, never above the configured rate', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 1, intervalMs: 50 }] });
    await limiter.acquire();
    limiter.observe({ status: 429 });
    await vi.advanceTimersByTimeAsync(50);
    // A request let go after the first 429, refused too, with nothing getting through in between:
    // the rate halves (one request per 100 ms), then starts climbing back (CUBIC, over 2 s).
    await limiter.acquire();
    limiter.observe({ status: 429 });
    const slow = await grants(limiter, 3, 400);
    expect(slow[0]).toBeGreaterThanOrEqual(95);
    expect(slow[2]! - slow[1]!).toBeGreaterThanOrEqual(75);
    // Seconds later it is back at 20 per second, and no faster.
    await vi.advanceTimersByTimeAsync(10_000);
    const back = await grants(limiter, 4, 300);
    expect(back.slice(1).map((at, i) => at - back[i]!)).toEqual([50, 50, 50]);
  });

  it('an isolated 429 after a run of successes hands the refused slot back instead of wasting it', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 1, intervalMs: 50 }] });
    const ok = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const pending = limiter.acquire();
        await vi.advanceTimersByTimeAsync(50);
        await pending;
        limiter.observe({ status: 200 });
      }
    };
    await ok(10);
    // The first 429 switches to pacing (already a bucket of one here) and pauses one interval.
    await limiter.acquire();
    limiter.observe({ status: 429 });
    await vi.advanceTimersByTimeAsync(50);
    await ok(10);
    const refusedAt = Date.now();
    await limiter.acquire();
    limiter.observe({ status: 429 });
    const [next] = await grants(limiter, 1, 50);
    // The refused request did not count at the server: the next leaves a fifth of an interval
    // (~10 ms at the slightly lowered rate) later, not a whole interval after the refused one.
    expect(Date.now() - 50 - refusedAt + (next as number)).toBeLessThanOrEqual(12);
  });

  it('after a pause that ends at a reset, the queue resumes at the rate, not as a burst of the bucket', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 100, intervalMs: 10_000 }] });
    limiter.observe({ status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2' } });
    expect(await grants(limiter, 3, 2_300)).toEqual([2_000, 2_100, 2_200]);
  });

  it('with a legacy epoch-second reset and an IETF RateLimit header for the same window, waits for the IETF one', () => {
    const now = Date.now();
    const limiter = createRateLimiter({ limits: [{ tokens: 100, intervalMs: 60_000 }] });
    limiter.observe({
      status: 200,
      headers: {
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': '0',
        // Epoch seconds: the true reset (now + 1.2 s) rounded up to a whole second, and then some.
        'x-ratelimit-reset': String(Math.ceil((now + 1_200) / 1_000) + 1),
        ratelimit: '"default";r=0;t=1.2',
        'ratelimit-policy': '"default";q=100;w=60',
      },
    });
    expect(limiter.pausedUntil - now).toBe(1_200);
  });

  it('with two exhausted windows that differ, waits for the later reset', () => {
    const now = Date.now();
    const limiter = createRateLimiter({ limits: [{ tokens: 100, intervalMs: 60_000 }] });
    limiter.observe({
      status: 200,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(now / 1_000) + 30),
        ratelimit: '"burst";r=0;t=1',
        'ratelimit-policy': '"burst";q=100;w=1',
      },
    });
    expect(limiter.pausedUntil - now).toBeGreaterThan(29_000);
  });

  it('honours a configured defaultPauseMs and rejects a nonsensical one', () => {
    const limiter = createRateLimiter({ defaultPauseMs: 1_500 });
    limiter.observe({ status: 429 });
    expect(limiter.pausedUntil - Date.now()).toBe(1_500);
    for (const bad of [-1, Number.NaN]) {
      expect(() => createRateLimiter({ defaultPauseMs: bad })).toThrow(
        expect.objectContaining({ code: 'client.invalid_argument' }),
      );
    }
  });
});
