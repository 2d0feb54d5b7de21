import { DEMO_CREDENTIALS, type SandboxBroker, startSandboxBroker } from '@kit/sandbox-broker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { printFigures, uniqueKey } from './support/env';
import { maxInWindow, totals } from './support/figures';
import { startWorkerPool, type WorkerPool } from './support/processes';
import { findRedisServer, type RedisServerProcess, startRedisServer } from './support/redis-server';
import type { WorkerConfig, WorkerReport } from './support/worker-protocol';

// Three processes share a rate limit (@kit/retry/redis) and OAuth2 tokens (@kit/auth/redis) on a
// redis-server of this test's own, which is killed (SIGKILL, nothing persisted) in the middle of
// the run and started again, empty, two seconds later. Nothing is restarted or reconfigured on the
// kit side: both the limiter and the token cache have to notice the outage and the recovery alone.
//
// The schedule (from the moment the workers start calling):
//   0 s      start; 4 s tokens, so refreshes fall due about every 2 s (at ~2, ~4, ~6, ~8 s)
//   2.5 s    Redis killed: each process falls back to its own bucket and fetches its own tokens
//            (the refresh due at ~4 s waits out the 1 s command timeout, then every process makes
//            it on its own)
//   5.5 s    Redis started again (empty)
//   8 s on   recovered: one shared bucket again (zero 429s) and one token request per refresh
//   10 s     end
const SANDBOX_LIMIT = { limit: 30, windowMs: 1_000 };
const LIMITS = [{ tokens: 1, intervalMs: 40 }];
const RUN_MS = 10_000;
const KILL_AT_MS = 2_500;
const RESTART_AT_MS = 5_500;
/** After the restart: ioredis reconnects (its backoff reaches ~0.5 s after 2 s down) and each store probes within 1 s. */
const SETTLE_MS = 2_500;
const PROCESSES = 3;

const LIMITER_DOWN = 'rate limiter: Redis store unavailable; failing open with a local bucket';
const LIMITER_BACK = 'rate limiter: Redis store is back';
const CACHE_DOWN =
  'oauth2 token cache: Redis unavailable; each process fetches its own tokens until it is back';
const CACHE_BACK = 'oauth2 token cache: Redis is back; tokens are shared again';

const redisServer = findRedisServer();
if (!redisServer && process.env.CI) {
  throw new Error(
    'redis-server must be installed under CI (.ci/run installs it): the restart test cannot be skipped',
  );
}

const count = (report: WorkerReport, msg: string) => report.logs.filter((l) => l.msg === msg).length;

describe.skipIf(!redisServer)(
  `Redis killed and restarted in the middle of a run${redisServer ? '' : ' (skipped: redis-server is not installed)'}`,
  () => {
    let redis: RedisServerProcess;
    let pool: WorkerPool;
    let sandbox: SandboxBroker | undefined;
    beforeAll(async () => {
      [redis, pool] = await Promise.all([
        startRedisServer(redisServer as string),
        startWorkerPool(PROCESSES),
      ]);
    }, 30_000);
    afterAll(async () => {
      await pool?.close();
      await redis?.stop();
    });
    afterEach(async () => {
      await sandbox?.close();
      sandbox = undefined;
    });

    it('the limiter and the token cache recover on their own; every call succeeds, no ban, no 429 once recovered', async () => {
      sandbox = await startSandboxBroker({ seed: 31, rateLimit: SANDBOX_LIMIT, tokenTtlMs: 4_000 });
      const broker = sandbox;
      const limiterKey = uniqueKey('restart-limit');
      const tokenCacheKey = uniqueKey('restart-token');
      const configs: WorkerConfig[] = Array.from({ length: PROCESSES }, (_, id) => ({
        id,
        baseUrl: `${broker.url}/v1`,
        path: '/account',
        auth: {
          kind: 'oauth',
          tokenUrl: `${broker.url}/oauth/token`,
          clientId: DEMO_CREDENTIALS.oauthClient.clientId,
          clientSecret: DEMO_CREDENTIALS.oauthClient.clientSecret,
          tokenCacheKey,
        },
        redisUrl: redis.url,
        limiter: { store: 'redis', key: limiterKey, limits: LIMITS },
        durationMs: RUN_MS,
        concurrency: 2,
        retry: { maxAttempts: 6, deadlineMs: 20_000 },
      }));

      const started = Date.now();
      const run = pool.run(configs);
      // The fault schedule (a script of the run, not a wait for something to happen).
      const at = (ms: number) =>
        new Promise((resolve) => setTimeout(resolve, Math.max(0, started + ms - Date.now())));
      await at(KILL_AT_MS);
      const killedAt = Date.now();
      await redis.kill();
      await at(RESTART_AT_MS);
      await redis.restart();
      const restartedAt = Date.now();
      const reports = await run;
      const recoveredFrom = restartedAt + SETTLE_MS;

      const sum = totals(reports);
      const ledger = sandbox.ledger();
      const answers = reports.flatMap((r) => r.answers);
      const tooMany = answers.filter((a) => a.status === 429);
      const phase = (from: number, to: number) => ({
        calls: reports.flatMap((r) => r.calls).filter((c) => c.start >= from && c.start < to).length,
        answers429: tooMany.filter((a) => a.at >= from && a.at < to).length,
        busiestSecond: maxInWindow(
          answers.filter((a) => a.at >= from && a.at < to).map((a) => a.at),
          1_000,
        ),
        tokenRequests: reports.flatMap((r) => r.tokenRequests).filter((t) => t.start >= from && t.start < to)
          .length,
      });
      const tokenRequests = reports
        .flatMap((r) => r.tokenRequests.map((t) => ({ ...t, by: r.id })))
        .sort((a, b) => a.start - b.start);
      printFigures('Redis killed at 2.5 s and restarted at 5.5 s, 3 processes, sandbox 30/s, 4 s tokens', {
        calls: sum.calls,
        succeeded: sum.succeeded,
        maxAttempts: sum.maxAttempts,
        sandboxRateLimited: ledger.counts.rateLimited,
        sandboxBanned: ledger.counts.banned,
        sandboxTokensIssued: ledger.counts.tokensIssued,
        before: phase(started, killedAt),
        outage: phase(killedAt, restartedAt),
        recovering: phase(restartedAt, recoveredFrom),
        recovered: phase(recoveredFrom, Number.POSITIVE_INFINITY),
        tokenRequests: tokenRequests.map((t) => `process ${t.by} at +${t.start - started} ms`),
        limiterWarnings: reports.map((r) => count(r, LIMITER_DOWN)),
        limiterBack: reports.map((r) => count(r, LIMITER_BACK)),
        limiterOutageCauses: [
          ...new Set(
            reports.flatMap((r) => r.logs.filter((l) => l.msg === LIMITER_DOWN).map((l) => l.cause)),
          ),
        ],
        tokenCacheWarnings: reports.map((r) => count(r, CACHE_DOWN)),
        tokenCacheBack: reports.map((r) => count(r, CACHE_BACK)),
      });

      // Every call succeeded: retries absorbed whatever the outage cost.
      expect(sum.failed).toEqual([]);
      expect(ledger.counts.banned).toBe(0);
      expect(ledger.counts.responsesByStatus['401'] ?? 0).toBe(0);
      expect(ledger.counts.tokensIssued).toBe(sum.tokenRequests);
      expect(sum.tokenLeaks).toBe(0);
      // The limit was shared before the outage and is shared again after it: zero 429s.
      expect(tooMany.filter((a) => a.at < killedAt)).toEqual([]);
      expect(tooMany.filter((a) => a.at >= recoveredFrom)).toEqual([]);
      expect(phase(recoveredFrom, Number.POSITIVE_INFINITY).calls).toBeGreaterThan(0);
      // Tokens: shared before and after (never two processes fetching for one refresh), each
      // process on its own in between.
      const apart = (list: typeof tokenRequests) => {
        for (let i = 1; i < list.length; i++) {
          expect((list[i] as { start: number }).start - (list[i - 1] as { end: number }).end).toBeGreaterThan(
            1_000,
          );
        }
      };
      apart(tokenRequests.filter((t) => t.end < killedAt));
      apart(tokenRequests.filter((t) => t.start >= recoveredFrom));
      expect(tokenRequests.filter((t) => t.start >= recoveredFrom).length).toBeGreaterThanOrEqual(1);
      // Each outage was noticed and reported once per process, and each recovery noticed.
      for (const report of reports) {
        const causes = report.logs.filter((l) => l.msg === LIMITER_DOWN).map((l) => l.cause);
        expect(
          count(report, LIMITER_DOWN),
          `process ${report.id}: limiter outages (${causes.join(' | ')})`,
        ).toBe(1);
        expect(count(report, LIMITER_BACK)).toBe(1);
        expect(count(report, CACHE_DOWN)).toBeLessThanOrEqual(1);
        expect(count(report, CACHE_BACK)).toBe(count(report, CACHE_DOWN));
      }
      expect(reports.reduce((n, r) => n + count(r, CACHE_DOWN), 0)).toBeGreaterThan(0);
    }, 40_000);
  },
);
