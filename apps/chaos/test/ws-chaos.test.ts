// WebSocket under fire: the sample adapter's three streams (order book, order updates, quotes)
// through the TCP fault proxy, while the sandbox skips, repeats and corrupts messages and drops
// connections, and the suite adds episodes of its own: black holes (the proxy swallows both
// directions and keeps both sockets open: a half-open peer), stalled heartbeats (the sandbox goes
// silent, pongs included), admin drops with several close codes and TCP resets.
//
// Invariants: the delivered order events are exactly the sandbox's history over REST (gap-free,
// duplicate-free, in order); every book view is uncrossed and the book equals a fresh snapshot at
// the same seq at the end; every half-open or stalled connection is detected by the heartbeat
// within its bound (ping interval + pong timeout, plus timer slack on a loaded machine); no
// unhandled rejection.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { OrderBookView, OrderEvent, SampleBroker, StreamStateEvent } from '@kit/sample-broker';
import { type SandboxBroker, startSandboxBroker } from '@kit/sandbox-broker';
import { createTcpFaultProxy, type TcpFaultProxy } from '@kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bump,
  Condition,
  countRows,
  countUnhandled,
  createAdapter,
  createSeededRandom,
  directUrls,
  orderEventHistory,
  percentile,
  printTable,
  proxiedUrls,
  type UnhandledCounter,
} from './support';

const SEED = Number(process.env.CHAOS_SEED ?? 15_002);
const PING_MS = 200;
const PONG_MS = 200;
/** Timers fire late on a loaded 2-core machine; the bound allows this much on top of ping + pong. */
const TIMER_SLACK_MS = 250;
const HEARTBEAT_BOUND_MS = PING_MS + PONG_MS + TIMER_SLACK_MS;
/** Injected WebSocket faults to reach before stopping (sandbox ledger + proxy episodes). */
const MIN_FAULTS = 1_000;
/** Episodes of each kind the suite injects itself, at least. */
const MIN_EPISODES = { blackHole: 12, stall: 12, drop: 12, reset: 6 } as const;
/** The run stops here even if the targets are not met (the test then fails on them). */
const MAX_RUN_MS = 90_000;
const STREAMS = ['book:AAPL', 'orders', 'quotes'] as const;
type StreamKey = (typeof STREAMS)[number];

const keyOf = (event: { stream: string; symbol?: string }): StreamKey =>
  (event.stream === 'book' ? `book:${event.symbol}` : event.stream) as StreamKey;

let broker: SandboxBroker;
let proxy: TcpFaultProxy;
let adapter: SampleBroker;
let trader: SampleBroker;
let unhandled: UnhandledCounter;

beforeAll(async () => {
  unhandled = countUnhandled();
  broker = await startSandboxBroker({
    seed: SEED,
    quoteIntervalMs: 4,
    heartbeatIntervalMs: 100,
    rateLimit: { limit: 10_000_000, windowMs: 10_000 },
    faults: {
      ws: {
        skipSeq: { probability: 0.03 },
        duplicateSeq: { probability: 0.03 },
        corruptChecksum: { probability: 0.03 },
        drop: { probability: 0.001 },
      },
    },
  });
  proxy = await createTcpFaultProxy({ target: { port: broker.port }, seed: SEED });
  // Streams through the proxy; REST (snapshots, catch-ups) straight to the sandbox.
  adapter = createAdapter(
    { baseUrl: broker.url, wsUrl: proxiedUrls(proxy.port).wsUrl },
    {
      random: createSeededRandom(SEED + 1),
      wsPingIntervalMs: PING_MS,
      wsPongTimeoutMs: PONG_MS,
      env: { SAMPLE_BROKER_IDLE_TIMEOUT_MS: '1000', SAMPLE_BROKER_CATCH_UP_INTERVAL_MS: '1000' },
    },
  );
  // Places and cancels the orders whose events the stream must deliver (REST only).
  trader = createAdapter(directUrls(broker), { random: createSeededRandom(SEED + 2) });
});

afterAll(async () => {
  await adapter?.close();
  await trader?.close();
  await proxy?.close();
  await broker?.close();
  unhandled?.dispose();
});

interface Detection {
  readonly kind: 'black hole' | 'stall';
  readonly stream: StreamKey;
  readonly ms: number;
  readonly reason: string;
}

describe.concurrent('WebSocket chaos', () => {
  it(`${MIN_FAULTS.toLocaleString('en-US')}+ stream faults: events gap-free, book whole, half-open connections detected`, async () => {
    const random = createSeededRandom(SEED + 3);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const changed = new Condition();
    const live = new Map<StreamKey, boolean>(STREAMS.map((key) => [key, false]));
    const counts = { reconnects: 0, gaps: 0, resyncs: 0, checksumMismatches: 0, catchUps: 0, errors: 0 };
    const resyncReasons: Record<string, number> = {};
    const errorCodes: Record<string, number> = {};
    const reconnectReasons: Record<string, number> = {};
    /** The open detection window of the current episode, if any. */
    let episode: { kind: Detection['kind']; startedAt: number; pending: Set<StreamKey> } | undefined;
    const detections: Detection[] = [];
    const missed: string[] = [];

    adapter.on('state', (event: StreamStateEvent) => {
      const key = keyOf(event);
      const resyncing = event.reason?.startsWith('resyncing') === true;
      if (event.state === 'live') live.set(key, true);
      else if (event.state !== 'resynced' && !resyncing) live.set(key, false);
      if (event.state === 'reconnecting') bump(reconnectReasons, event.reason ?? 'unknown');
      if (
        episode?.pending.has(key) &&
        (event.state === 'reconnecting' || (event.state === 'stale' && !resyncing))
      ) {
        episode.pending.delete(key);
        detections.push({
          kind: episode.kind,
          stream: key,
          ms: performance.now() - episode.startedAt,
          reason: event.reason ?? 'unknown',
        });
      }
      changed.poke();
    });
    adapter.on('reconnect', () => counts.reconnects++);
    adapter.on('gap', () => counts.gaps++);
    adapter.on('checksum_mismatch', () => counts.checksumMismatches++);
    adapter.on('catch_up', () => counts.catchUps++);
    adapter.on('resync', (event) => {
      counts.resyncs++;
      bump(resyncReasons, event.reason);
    });
    adapter.on('error', (error) => {
      counts.errors++;
      bump(errorCodes, error.code);
    });

    // --- the consumers ---
    const stop = new AbortController();
    const delivered: OrderEvent[] = [];
    const orders = (async () => {
      for await (const event of adapter.streamOrderUpdates({ afterSeq: 0, signal: stop.signal })) {
        delivered.push(event);
        changed.poke();
      }
    })();
    const bySeq = new Map<number, OrderBookView>();
    let views = 0;
    let crossed = 0;
    let lastViewSeq = 0;
    let viewsWentBack = 0;
    const book = (async () => {
      for await (const view of adapter.streamOrderBook('AAPL', { depth: 10, signal: stop.signal })) {
        views++;
        if (view.seq < lastViewSeq) viewsWentBack++;
        lastViewSeq = view.seq;
        const bid = view.bids[0];
        const ask = view.asks[0];
        if (bid !== undefined && ask !== undefined && Number(bid[0]) >= Number(ask[0])) crossed++;
        bySeq.set(view.seq, view);
        if (bySeq.size > 5_000) bySeq.delete(bySeq.keys().next().value as number);
        changed.poke();
      }
    })();
    let quotes = 0;
    const quoting = (async () => {
      for await (const quote of adapter.streamQuotes(['AAPL', 'MSFT'], { signal: stop.signal })) {
        expect(Number(quote.bid)).toBeLessThan(Number(quote.ask));
        quotes++;
      }
    })();

    // --- order activity, so there are events to deliver ---
    let trading = true;
    let placed = 0;
    const tradingDone = (async () => {
      while (trading) {
        const { order } = await trader.placeOrder({
          symbol: 'AAPL',
          side: 'buy',
          type: placed % 10 === 0 ? 'market' : 'limit',
          quantity: '1',
          ...(placed % 10 === 0 ? {} : { limitPrice: '1.00' }),
        });
        placed++;
        if (order.status === 'new') await trader.cancelOrder(order.id);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    })();

    const allLive = () => STREAMS.every((key) => live.get(key) === true);
    const waitAllLive = (what: string) => changed.until(allLive, 15_000, `every stream live (${what})`);
    const episodes = { blackHole: 0, stall: 0, drop: 0, reset: 0 };
    let holedConnections = 0;
    /** Wall-clock spans in which the streams' sockets were black-holed: faults then reach nobody. */
    const holes: Array<[number, number]> = [];
    let comparedMidRun = 0;

    const detect = async (kind: Detection['kind'], inject: () => void) => {
      await waitAllLive(`before a ${kind}`);
      episode = { kind, startedAt: performance.now(), pending: new Set(STREAMS) };
      const wallStart = Date.now();
      inject();
      const current = episode;
      await changed
        .until(() => current.pending.size === 0, 10_000, `detection of a ${kind}`)
        .catch(() => {
          for (const key of current.pending) missed.push(`${kind}: ${key} not detected within 10 s`);
        });
      episode = undefined;
      // The server notices the closed sockets a moment after the client gave up on them.
      if (kind === 'black hole') holes.push([wallStart, Date.now() + 100]);
    };

    /** Sandbox stream faults that reached the client: not those sent into a black hole. */
    const sandboxFaults = (): Record<string, number> => {
      const byKind: Record<string, number> = {};
      for (const fault of broker.ledger().faults) {
        if (!fault.kind.startsWith('ws.')) continue;
        if (holes.some(([from, to]) => fault.time >= from && fault.time <= to)) continue;
        bump(byKind, fault.kind);
      }
      return byKind;
    };
    const injected = () =>
      Object.values(sandboxFaults()).reduce((sum, n) => sum + n, 0) +
      holedConnections +
      episodes.reset * STREAMS.length;
    const targetsMet = () =>
      injected() >= MIN_FAULTS &&
      (Object.keys(MIN_EPISODES) as Array<keyof typeof MIN_EPISODES>).every(
        (kind) => episodes[kind] >= MIN_EPISODES[kind],
      );

    await waitAllLive('at the start');
    const startedAt = performance.now();
    let round = 0;
    while (!targetsMet() && performance.now() - startedAt < MAX_RUN_MS) {
      const kind = (['blackHole', 'stall', 'drop', 'blackHole', 'stall', 'drop', 'reset'] as const)[
        round++ % 7
      ];
      if (kind === 'blackHole') {
        const name = `hole-${episodes.blackHole}`;
        await detect('black hole', () => {
          // The hole takes the connections open now (toxicity 1 when they first see it); the same
          // toxic with toxicity 0 then spares every connection opened later, so reconnects get
          // through while the old sockets stay half-open until the client gives up on them.
          for (const stream of ['upstream', 'downstream'] as const) {
            proxy.addToxic({ name, stream, type: 'black_hole' });
            proxy.addToxic({ name, stream, type: 'black_hole', toxicity: 0 });
          }
          holedConnections += proxy.stats().open;
        });
        proxy.removeToxic(name);
        episodes.blackHole++;
      } else if (kind === 'stall') {
        await detect('stall', () => broker.admin.stallConnections());
        episodes.stall++;
      } else if (kind === 'drop') {
        await waitAllLive('before a drop');
        broker.admin.dropConnections(([1012, 1001, 1011] as const)[episodes.drop % 3]);
        episodes.drop++;
      } else {
        await waitAllLive('before a reset');
        proxy.resetConnections();
        episodes.reset++;
      }
      // Let the streams run between episodes, so the per-message faults keep coming; now and
      // then check the book against a fresh snapshot at the same seq.
      await new Promise((resolve) => setTimeout(resolve, 150 + random() * 200));
      if (round % 4 === 0) {
        const snapshot = await trader.getOrderBook('AAPL', { depth: 50 });
        const reached = await changed
          .until(() => lastViewSeq >= snapshot.seq, 2_000, 'the snapshot seq')
          .then(() => true)
          .catch(() => false);
        const view = bySeq.get(snapshot.seq);
        if (reached && view !== undefined) {
          expect(view.bids).toEqual(snapshot.bids.slice(0, 10));
          expect(view.asks).toEqual(snapshot.asks.slice(0, 10));
          comparedMidRun++;
        }
      }
    }
    const runMs = performance.now() - startedAt;

    // --- settle: faults off, trading stopped, everything caught up ---
    trading = false;
    await tradingDone;
    broker.admin.clearFaults();
    proxy.setToxics([]);
    await waitAllLive('after the faults');
    const history = await orderEventHistory(broker);
    const lastSeq = history.at(-1)?.seq ?? 0;
    await changed.until(
      () => (delivered.at(-1)?.seq ?? 0) >= lastSeq,
      10_000,
      `order events up to seq ${lastSeq}`,
    );

    // The book equals a fresh snapshot at the same seq (views are conflated: try a few snapshots).
    let finalMatch = false;
    let snapshotsTried = 0;
    for (; snapshotsTried < 50 && !finalMatch; snapshotsTried++) {
      const snapshot = await trader.getOrderBook('AAPL', { depth: 50 });
      await changed.until(() => lastViewSeq >= snapshot.seq, 5_000, `a book view at seq ${snapshot.seq}`);
      const view = bySeq.get(snapshot.seq);
      if (view === undefined) continue;
      expect(view.bids).toEqual(snapshot.bids.slice(0, 10));
      expect(view.asks).toEqual(snapshot.asks.slice(0, 10));
      finalMatch = true;
    }
    stop.abort();
    await Promise.all([orders, book, quoting]);
    loopDelay.disable();

    const ledger = broker.ledger();
    const wsFaults = sandboxFaults();
    const intoHoles =
      Object.entries(ledger.counts.faultsByKind)
        .filter(([kind]) => kind.startsWith('ws.'))
        .reduce((sum, [, n]) => sum + n, 0) - Object.values(wsFaults).reduce((sum, n) => sum + n, 0);
    const closedDuringStall = detections.filter((d) => d.reason.startsWith('close '));
    const halfOpen = detections.filter((d) => !d.reason.startsWith('close '));
    const byKind = (kind: Detection['kind']) => halfOpen.filter((d) => d.kind === kind).map((d) => d.ms);
    const stats = adapter.stats();
    printTable(`WebSocket chaos (seed ${SEED}, ping ${PING_MS} ms, pong timeout ${PONG_MS} ms)`, [
      ['faults injected that reached the client', injected()],
      ...countRows('  sandbox ', wsFaults),
      ['  proxy black-holed connections', holedConnections],
      ['  (not counted: sandbox faults sent into a black hole)', intoHoles],
      ['  proxy TCP resets (connections)', episodes.reset * STREAMS.length],
      [
        'episodes: black hole / stall / drop / reset',
        `${episodes.blackHole} / ${episodes.stall} / ${episodes.drop} / ${episodes.reset}`,
      ],
      ['reconnects', counts.reconnects],
      ...countRows('  reconnect reason ', reconnectReasons),
      ['gaps detected (book + orders)', counts.gaps],
      ['checksum mismatches detected', counts.checksumMismatches],
      ['book resyncs', counts.resyncs],
      ...countRows('  resync reason ', resyncReasons),
      ['order catch-ups over REST', counts.catchUps],
      ...countRows('adapter error event ', errorCodes),
      ['half-open/stalled connections detected', halfOpen.length],
      ['  closed by the sandbox as the stall began', closedDuringStall.length],
      [
        '  black hole detection p50 / max ms',
        `${percentile(byKind('black hole'), 50).toFixed(0)} / ${percentile(byKind('black hole'), 100).toFixed(0)}`,
      ],
      [
        '  stall detection p50 / max ms',
        `${percentile(byKind('stall'), 50).toFixed(0)} / ${percentile(byKind('stall'), 100).toFixed(0)}`,
      ],
      ['  bound ms (ping + pong + slack)', HEARTBEAT_BOUND_MS],
      ['  missed', missed.length],
      ['order events in the history (REST)', history.length],
      ['order events delivered', delivered.length],
      ['orders placed', placed],
      ['book views / crossed', `${views} / ${crossed}`],
      ['book equal to a snapshot mid-run (times)', comparedMidRun],
      ['book equal to a snapshot at the end', `${finalMatch} (${snapshotsTried} snapshot(s))`],
      ['quotes received', quotes],
      ['adapter stats gaps / resyncs / reconnects', `${stats.gaps} / ${stats.resyncs} / ${stats.reconnects}`],
      [
        'event-loop delay p99 / max ms',
        `${(loopDelay.percentile(99) / 1e6).toFixed(0)} / ${(loopDelay.max / 1e6).toFixed(0)}`,
      ],
      ['unhandled rejections', unhandled.rejections.length],
      ['process warnings', unhandled.warnings.length],
      ['run time s', runMs / 1000],
    ]);
    if (unhandled.warnings.length > 0) console.log(`first process warning: ${unhandled.warnings[0]}`);

    // --- invariants ---
    expect(injected()).toBeGreaterThanOrEqual(MIN_FAULTS);
    expect(episodes.blackHole).toBeGreaterThanOrEqual(MIN_EPISODES.blackHole);
    expect(episodes.stall).toBeGreaterThanOrEqual(MIN_EPISODES.stall);
    // Gap-free, duplicate-free, in order, and the same events as the sandbox's history.
    expect(delivered.map((e) => e.seq)).toEqual(history.map((e) => e.seq));
    expect(delivered.map((e) => `${e.seq}:${e.type}:${e.orderId}`)).toEqual(
      history.map((e) => `${e.seq}:${e.type}:${e.orderId}`),
    );
    expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    expect(crossed).toBe(0);
    expect(viewsWentBack).toBe(0);
    expect(finalMatch).toBe(true);
    // Every half-open or stalled connection detected by the heartbeat, within the bound.
    expect(missed).toEqual([]);
    expect(detections).toHaveLength((episodes.blackHole + episodes.stall) * STREAMS.length);
    // A black hole lets nothing through, so only the heartbeat can notice it. A stall can meet a
    // close the sandbox's random drop fault had already started (`close 1012`): that connection
    // was closed, not half-open.
    expect(halfOpen.filter((d) => d.reason !== 'heartbeat timeout')).toEqual([]);
    expect(closedDuringStall.filter((d) => d.kind !== 'stall' || d.reason !== 'close 1012')).toEqual([]);
    expect(closedDuringStall.length).toBeLessThanOrEqual(Math.ceil(detections.length * 0.05));
    expect(Math.max(...halfOpen.map((d) => d.ms))).toBeLessThanOrEqual(HEARTBEAT_BOUND_MS);
    expect(comparedMidRun).toBeGreaterThan(0);
    // The faults were seen, not just injected.
    expect(counts.gaps).toBeGreaterThan(0);
    expect(counts.checksumMismatches).toBeGreaterThan(0);
    expect(unhandled.rejections).toEqual([]);
    expect(unhandled.exceptions).toEqual([]);
  });

  // One half-open connection at the default heartbeat (ping every 10 s, pong within 5 s; the data
  // watchdog at 15 s): the bound a user gets without tuning. Runs beside the test above, on its own
  // sandbox and proxy; it mostly waits.
  it('a half-open connection at the default heartbeat is detected within 15 s', async () => {
    const quiet = await startSandboxBroker({ seed: SEED + 10 });
    const hole = await createTcpFaultProxy({ target: { port: quiet.port }, seed: SEED + 10 });
    const defaults = createAdapter({ baseUrl: quiet.url, wsUrl: proxiedUrls(hole.port).wsUrl });
    try {
      const changed = new Condition();
      let live = false;
      let detected: { ms: number; reason: string } | undefined;
      let startedAt = 0;
      defaults.on('state', (event) => {
        if (event.state === 'live') live = true;
        if (
          startedAt > 0 &&
          detected === undefined &&
          (event.state === 'reconnecting' || event.state === 'stale')
        ) {
          detected = { ms: performance.now() - startedAt, reason: event.reason ?? 'unknown' };
        }
        changed.poke();
      });
      const stop = new AbortController();
      const consuming = (async () => {
        for await (const _ of defaults.streamOrderUpdates({ signal: stop.signal })) {
          // no events are placed: the stream only has to stay open
        }
      })();
      await changed.until(() => live, 15_000, 'the order stream live');
      startedAt = performance.now();
      for (const stream of ['upstream', 'downstream'] as const) {
        hole.addToxic({ name: 'hole', stream, type: 'black_hole' });
        hole.addToxic({ name: 'hole', stream, type: 'black_hole', toxicity: 0 });
      }
      await changed.until(() => detected !== undefined, 25_000, 'detection at the default heartbeat');
      stop.abort();
      await consuming;
      printTable('Half-open connection at the default heartbeat', [
        ['ping interval / pong timeout / idle timeout ms', '10,000 / 5,000 / 15,000'],
        ['detected after ms', detected?.ms ?? -1],
        ['by', detected?.reason ?? 'nothing'],
        ['bound ms (ping + pong + slack)', 15_000 + TIMER_SLACK_MS],
      ]);
      expect(['heartbeat timeout', 'idle timeout']).toContain(detected?.reason);
      expect(detected?.ms ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(15_000 + TIMER_SLACK_MS);
    } finally {
      await defaults.close();
      await hole.close();
      await quiet.close();
    }
  });
});
