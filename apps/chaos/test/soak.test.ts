// The soak: steady REST and WebSocket load through the sample adapter and the TCP fault proxy, with
// faults on, for SOAK_SECONDS (60 by default; `SOAK_SECONDS=1800 npx pnpm --filter @kit/chaos soak`
// for the long one). The sandbox runs in a child process so that its own growing state (orders,
// events, the ledger) is not in the heap measured here.
//
// Every few seconds: heap used (after a full GC: the suite runs with --expose-gc) and the number of
// active handles. Invariants: the heap is flat (the last third's median within a bound of the first
// third's, after a warm-up), the handle count is bounded while running and back to its baseline
// after close(), the load kept flowing (calls, order events, book views), no unhandled rejection.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { isKitError } from '@kit/errors';
import { MAX_TRANSIENT_SECRETS, registerTransientSecret } from '@kit/logger';
import type { SampleBroker } from '@kit/sample-broker';
import type { SandboxBrokerOptions } from '@kit/sandbox-broker';
import { createTcpFaultProxy, type TcpFaultProxy } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import {
  admin,
  bump,
  countRows,
  countUnhandled,
  createAdapter,
  createSeededRandom,
  median,
  printTable,
  proxiedUrls,
  startSandboxChild,
  stopSandboxChild,
} from './support';

const SEED = Number(process.env.CHAOS_SEED ?? 15_004);
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
/** About 30 samples whatever the length, never more often than every 2 s. */
const SAMPLE_MS = Math.max(2_000, Math.round((SOAK_SECONDS * 1_000) / 30));
/** Samples before this are warm-up (JIT, pools, caches filling) and not judged. */
const WARM_UP_MS = Math.min(15_000, SOAK_SECONDS * 250);
/** Heap growth allowed between the first and last third (medians): a leak of 1 KB per call exceeds it. */
const HEAP_BOUND = { ratio: 0.1, bytes: 4 * 1024 * 1024 };

const SANDBOX: SandboxBrokerOptions = {
  seed: SEED,
  quoteIntervalMs: 20,
  heartbeatIntervalMs: 200,
  rateLimit: { limit: 10_000_000, windowMs: 10_000 },
  faults: {
    http: {
      serverError: { probability: 0.05 },
      resetBefore: { probability: 0.01 },
      resetAfter: { probability: 0.005 },
      latency: { probability: 0.02, minMs: 10, maxMs: 60 },
      truncated: { probability: 0.005 },
      htmlError: { probability: 0.005, status: 502 },
      drift: { probability: 0.005 },
      responseLost: { probability: 0.02 },
      executionUnknown: { probability: 0.02, createdProbability: 0.5 },
    },
    ws: {
      skipSeq: { probability: 0.005 },
      duplicateSeq: { probability: 0.005 },
      corruptChecksum: { probability: 0.005 },
      drop: { probability: 0.0005 },
    },
  },
};

interface Sample {
  readonly atMs: number;
  readonly heapUsed: number;
  readonly rss: number;
  readonly handles: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
const handleCount = () => process.getActiveResourcesInfo().length;
const handleTypes = () => {
  const types: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) bump(types, type);
  return types;
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Whether every kind of handle open now is at most as many as in `allowed`. */
const within = (allowed: Readonly<Record<string, number>>) =>
  Object.entries(handleTypes()).every(([type, n]) => n <= (allowed[type] ?? 0));

/** Waits (bounded) until `settled()`: closed sockets and processes release their handles a tick later. */
async function handlesSettle(settled: () => boolean, withinMs: number): Promise<number> {
  const until = performance.now() + withinMs;
  while (!settled() && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return handleCount();
}

describe('soak', () => {
  it(
    `${SOAK_SECONDS} s of REST and WebSocket load with faults on: heap and handles stay flat`,
    async () => {
      const unhandled = countUnhandled();
      // Every signed request registers its signature for redaction in a bounded store (16,384,
      // five minutes). Filled to capacity first, it stays flat; left empty, a short soak would see
      // it fill and call that a leak.
      for (let i = 0; i < MAX_TRANSIENT_SECRETS; i++)
        registerTransientSecret(randomBytes(32).toString('hex'));
      gc?.();
      // What the process holds before the soak: the worker's own pipes and timers.
      const baseline = handleCount();
      const baselineTypes = handleTypes();
      const child = await startSandboxChild(SANDBOX);
      const proxy: TcpFaultProxy = await createTcpFaultProxy({
        target: { port: child.port },
        seed: SEED,
        toxics: [
          { name: 'reset-late', type: 'reset_peer', timeoutMs: 2_000, toxicity: 0.05 },
          { name: 'slow-link', type: 'latency', latencyMs: 5, jitterMs: 5, toxicity: 0.1 },
        ],
      });
      const random = createSeededRandom(SEED + 1);
      const adapter: SampleBroker = createAdapter(proxiedUrls(proxy.port), {
        random: createSeededRandom(SEED + 2),
        wsPingIntervalMs: 1_000,
        wsPongTimeoutMs: 1_000,
        env: {
          SAMPLE_BROKER_IDLE_TIMEOUT_MS: '3000',
          SAMPLE_BROKER_CATCH_UP_INTERVAL_MS: '2000',
          SAMPLE_BROKER_RETRY_INITIAL_DELAY_MS: '10',
          SAMPLE_BROKER_RETRY_MAX_DELAY_MS: '100',
        },
      });

      const outcomes: Record<string, number> = {};
      const stop = new AbortController();
      let events = 0;
      let lastEventSeq = 0;
      let outOfOrder = 0;
      let views = 0;
      let crossed = 0;
      let quotes = 0;
      const consumers = [
        (async () => {
          for await (const event of adapter.streamOrderUpdates({ signal: stop.signal })) {
            if (lastEventSeq !== 0 && event.seq !== lastEventSeq + 1) outOfOrder++;
            lastEventSeq = event.seq;
            events++;
          }
        })(),
        (async () => {
          for await (const view of adapter.streamOrderBook('AAPL', { signal: stop.signal })) {
            views++;
            const bid = view.bids[0];
            const ask = view.asks[0];
            if (bid !== undefined && ask !== undefined && Number(bid[0]) >= Number(ask[0])) crossed++;
          }
        })(),
        (async () => {
          for await (const _ of adapter.streamQuotes(['AAPL', 'MSFT'], { signal: stop.signal })) quotes++;
        })(),
      ];

      // Steady REST load: a few workers, each pausing between calls (about 60-80 calls/s).
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const worker = async (id: number) => {
        while (!stop.signal.aborted) {
          const pick = random();
          try {
            if (pick < 0.4) await adapter.getQuote(id % 2 === 0 ? 'AAPL' : 'MSFT');
            else if (pick < 0.55) await adapter.getAccount();
            else if (pick < 0.65) await adapter.getPositions();
            else {
              const { order } = await adapter.placeOrder({
                symbol: 'AAPL',
                side: 'buy',
                type: 'limit',
                quantity: '1',
                limitPrice: '1.00',
              });
              await adapter.cancelOrder(order.id);
            }
            bump(outcomes, 'ok');
          } catch (error) {
            bump(outcomes, isKitError(error) ? error.code : 'NOT_A_KIT_ERROR');
          }
          await pause(80 + random() * 40);
        }
      };
      const workers = Array.from({ length: 8 }, (_, id) => worker(id));

      // Now and then, what a real day brings: every connection dropped, unknowns reconciled.
      let drops = 0;
      let reconciles = 0;
      let reconciledUnknowns = 0;
      const chores = setInterval(() => {
        drops++;
        void admin(child, '/admin/drop-connections', { code: 1012 }).catch(() =>
          bump(outcomes, 'admin failed'),
        );
        adapter.reconcile().then(
          (report) => {
            reconciles++;
            reconciledUnknowns += report.found + report.notFound;
          },
          () => bump(outcomes, 'reconcile failed'),
        );
      }, 10_000);

      const samples: Sample[] = [];
      const startedAt = performance.now();
      // SOAK_HEAP_SNAPSHOTS=<dir>: a heap snapshot after the warm-up and one at the end, to diff in
      // Chrome DevTools (Memory tab, "Comparison") when the heap does grow.
      const snapshots = process.env.SOAK_HEAP_SNAPSHOTS;
      let warmSnapshotTaken = false;
      const sample = () => {
        gc?.();
        if (snapshots && !warmSnapshotTaken && performance.now() - startedAt >= WARM_UP_MS) {
          warmSnapshotTaken = true;
          writeHeapSnapshot(join(snapshots, `soak-${SEED}-warm.heapsnapshot`));
        }
        const memory = process.memoryUsage();
        samples.push({
          atMs: performance.now() - startedAt,
          heapUsed: memory.heapUsed,
          rss: memory.rss,
          handles: handleCount(),
        });
      };
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          sample();
          if (performance.now() - startedAt >= SOAK_SECONDS * 1_000) {
            clearInterval(timer);
            resolve();
          }
        }, SAMPLE_MS);
      });
      const runningTypes = handleTypes();
      if (snapshots) writeHeapSnapshot(join(snapshots, `soak-${SEED}-end.heapsnapshot`));

      clearInterval(chores);
      stop.abort();
      await Promise.all([...workers, ...consumers]);
      const final = await adapter.reconcile();
      const stats = adapter.stats();
      await adapter.close();
      gc?.();
      // The adapter is closed; the proxy and the sandbox still run: what is left open is theirs.
      const afterAdapterClose = await handlesSettle(() => false, 500);
      const afterAdapterCloseTypes = handleTypes();
      await proxy.close();
      await stopSandboxChild(child);
      const afterClose = await handlesSettle(() => within(baselineTypes), 3_000);
      const leftTypes = handleTypes();
      unhandled.dispose();

      const judged = samples.filter((s) => s.atMs >= WARM_UP_MS);
      const third = Math.max(1, Math.floor(judged.length / 3));
      const firstHeap = median(judged.slice(0, third).map((s) => s.heapUsed));
      const lastHeap = median(judged.slice(-third).map((s) => s.heapUsed));
      const heapBound = firstHeap * HEAP_BOUND.ratio + HEAP_BOUND.bytes;
      const firstHandles = median(judged.slice(0, third).map((s) => s.handles));
      const lastHandles = median(judged.slice(-third).map((s) => s.handles));
      const maxHandles = Math.max(...samples.map((s) => s.handles));
      const calls = Object.values(outcomes).reduce((sum, n) => sum + n, 0);
      // Least squares over the judged samples: the heap's trend, bytes per minute.
      const slope = (() => {
        const xs = judged.map((s) => s.atMs / 60_000);
        const ys = judged.map((s) => s.heapUsed);
        const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
        const my = ys.reduce((a, b) => a + b, 0) / ys.length;
        const num = xs.reduce((sum, x, i) => sum + (x - mx) * ((ys[i] as number) - my), 0);
        const den = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
        return den === 0 ? 0 : num / den;
      })();

      printTable(`Soak (${SOAK_SECONDS} s, seed ${SEED}, sample every ${SAMPLE_MS / 1000} s)`, [
        ['GC before each sample', gc === undefined ? 'no (trend only)' : 'yes (--expose-gc)'],
        ['samples (judged after warm-up)', `${samples.length} (${judged.length})`],
        ['heap used, first third median', mb(firstHeap)],
        ['heap used, last third median', mb(lastHeap)],
        ['heap growth allowed', mb(heapBound)],
        ['heap trend (least squares)', `${(slope / 1024).toFixed(1)} KB/min`],
        ['rss first / last sample', `${mb(samples[0]?.rss ?? 0)} / ${mb(samples.at(-1)?.rss ?? 0)}`],
        ['handles: baseline', baseline],
        ['handles: first / last third median, max', `${firstHandles} / ${lastHandles}, ${maxHandles}`],
        ['handles: after adapter close (proxy + sandbox up)', afterAdapterClose],
        ['handles: after everything closed', afterClose],
        ['REST calls', calls],
        ...countRows('  ', outcomes),
        ['order events streamed / out of order', `${events} / ${outOfOrder}`],
        ['book views / crossed', `${views} / ${crossed}`],
        ['quotes', quotes],
        [
          'admin drops / reconciles (unknowns settled)',
          `${drops} / ${reconciles} (${reconciledUnknowns + final.found + final.notFound})`,
        ],
        [
          'adapter retries / reconnects / resyncs / gaps',
          `${stats.retries} / ${stats.reconnects} / ${stats.resyncs} / ${stats.gaps}`,
        ],
        ['proxy connections', proxy.stats().accepted],
        ['unhandled rejections', unhandled.rejections.length],
        ['process warnings', unhandled.warnings.length],
      ]);
      if (unhandled.warnings.length > 0) console.log(`first process warning: ${unhandled.warnings[0]}`);
      console.log(
        `heap samples (MB): ${samples.map((s) => (s.heapUsed / 1024 / 1024).toFixed(1)).join(' ')}\n` +
          `handle samples: ${samples.map((s) => s.handles).join(' ')}\n` +
          `handles while running: ${JSON.stringify(runningTypes)}\n` +
          `handles after the adapter's close(): ${JSON.stringify(afterAdapterCloseTypes)}\n` +
          `handles at baseline: ${JSON.stringify(baselineTypes)}; left after close: ${JSON.stringify(leftTypes)}`,
      );

      // --- invariants ---
      expect(judged.length).toBeGreaterThanOrEqual(6);
      expect(lastHeap - firstHeap).toBeLessThanOrEqual(heapBound);
      // Handles: bounded while running (connections come and go with the faults), back to baseline after.
      expect(lastHandles).toBeLessThanOrEqual(firstHandles + 10);
      expect(afterClose).toBeLessThanOrEqual(baseline);
      for (const [type, n] of Object.entries(leftTypes))
        expect(n, type).toBeLessThanOrEqual(baselineTypes[type] ?? 0);
      // The load kept flowing through the faults.
      expect(outcomes.ok ?? 0).toBeGreaterThan(calls * 0.8);
      expect(outcomes.NOT_A_KIT_ERROR).toBeUndefined();
      expect(outcomes['internal.unexpected']).toBeUndefined();
      expect(events).toBeGreaterThan(0);
      expect(outOfOrder).toBe(0);
      expect(views).toBeGreaterThan(0);
      expect(crossed).toBe(0);
      expect(final.unresolved).toBe(0);
      expect(unhandled.rejections).toEqual([]);
      expect(unhandled.exceptions).toEqual([]);
    },
    SOAK_SECONDS * 1_000 + 90_000,
  );
});
