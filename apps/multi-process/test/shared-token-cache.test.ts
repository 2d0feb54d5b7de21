import { DEMO_CREDENTIALS, type SandboxBroker, startSandboxBroker } from '@kit/sandbox-broker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { printFigures, REDIS_SKIP_REASON, REDIS_URL, uniqueKey } from './support/env';
import { totals } from './support/figures';
import { startWorkerPool, type WorkerPool } from './support/processes';
import { findRedisServer, type RedisServerProcess, startRedisServer } from './support/redis-server';
import type { WorkerConfig, WorkerReport } from './support/worker-protocol';

// Several processes with @kit/auth's OAuth2 client credentials strategy against the sandbox's
// `POST /oauth/token`, sharing tokens through @kit/auth/redis. The sandbox's own count of issued
// tokens (`ledger().counts.tokensIssued`) is the ground truth; each process also counts its own
// token requests. The sandbox's rate limit is off here: it is not what these tests are about.

const OUTAGE_WARNING =
  'oauth2 token cache: Redis unavailable; each process fetches its own tokens until it is back';

let sandbox: SandboxBroker | undefined;
let pool: WorkerPool | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function oauthWorkers(
  count: number,
  options: {
    redisUrl: string | undefined;
    tokenCacheKey: string;
    durationMs?: number;
    calls?: number;
    tokenDelayMs?: number;
    commandTimeoutMs?: number;
  },
): WorkerConfig[] {
  const broker = sandbox as SandboxBroker;
  return Array.from({ length: count }, (_, id) => ({
    id,
    baseUrl: `${broker.url}/v1`,
    path: '/account',
    auth: {
      kind: 'oauth',
      tokenUrl: `${broker.url}/oauth/token`,
      clientId: DEMO_CREDENTIALS.oauthClient.clientId,
      clientSecret: DEMO_CREDENTIALS.oauthClient.clientSecret,
      tokenCacheKey: options.tokenCacheKey,
      ...(options.tokenDelayMs === undefined ? {} : { tokenDelayMs: options.tokenDelayMs }),
      ...(options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs }),
    },
    redisUrl: options.redisUrl,
    ...(options.calls === undefined ? {} : { calls: options.calls }),
    ...(options.durationMs === undefined ? {} : { durationMs: options.durationMs }),
    pauseMs: 20,
  }));
}

// A Redis call slower than `commandTimeoutMs` (1 s) makes that process fetch its own token, by
// design. On a loaded two-core machine a fresh process's first calls (connect, ready check, script
// load) came close to that, so the lock tests give Redis 5 s: they are about the lock, not the
// timeout (the outage tests below keep the default).
const LOCK_TEST_COMMAND_TIMEOUT_MS = 5_000;

const messages = (report: WorkerReport, text: string) => report.logs.filter((l) => l.msg === text);

describe.skipIf(!REDIS_URL)(
  `a shared OAuth2 token cache on Redis (@kit/auth/redis)${REDIS_SKIP_REASON}`,
  () => {
    beforeAll(async () => {
      pool = await startWorkerPool(6);
    }, 30_000);
    afterAll(async () => {
      await pool?.close();
    });

    it('six processes starting together make one token request', async () => {
      sandbox = await startSandboxBroker({ seed: 21, rateLimit: false });
      const reports = await (pool as WorkerPool).run(
        oauthWorkers(6, {
          redisUrl: REDIS_URL,
          tokenCacheKey: uniqueKey('start'),
          calls: 5,
          commandTimeoutMs: LOCK_TEST_COMMAND_TIMEOUT_MS,
        }),
      );
      const sum = totals(reports);
      const ledger = sandbox.ledger();
      const tokens = new Set(reports.flatMap((r) => r.authEvents.map((e) => e.token)));
      printFigures('6 processes starting together, shared token cache', {
        calls: sum.calls,
        succeeded: sum.succeeded,
        sandboxTokensIssued: ledger.counts.tokensIssued,
        tokenRequestsByProcess: reports.map((r) => r.tokenRequests.length),
        distinctTokensUsed: tokens.size,
        warnings: reports.flatMap((r) =>
          r.logs.filter((l) => l.level === 'warn').map((l) => `process ${r.id}: ${l.msg} (${l.cause ?? ''})`),
        ),
      });

      expect(sum.failed).toEqual([]);
      expect(ledger.counts.tokensIssued).toBe(1);
      expect(sum.tokenRequests).toBe(1);
      expect(tokens.size).toBe(1);
      // One process fetched it, the five others took it from Redis.
      expect(
        reports.map((r) => messages(r, 'oauth2 token taken from the shared token cache').length).sort(),
      ).toEqual([0, 1, 1, 1, 1, 1]);
      expect(sum.tokenLeaks).toBe(0);
    }, 30_000);

    it('a refresh inside the window is made by one process while the others keep using the valid token', async () => {
      // 4 s tokens: the refresh window is the last 2 s (half the lifetime), the blocking window the
      // last 1 s. Each token request takes 300 ms longer (the workers' fetch), so the refresh is long
      // enough to see what the other processes do meanwhile.
      const TOKEN_DELAY_MS = 300;
      sandbox = await startSandboxBroker({ seed: 22, rateLimit: false, tokenTtlMs: 4_000 });
      const reports = await (pool as WorkerPool).run(
        oauthWorkers(3, {
          redisUrl: REDIS_URL,
          tokenCacheKey: uniqueKey('refresh'),
          durationMs: 5_000,
          tokenDelayMs: TOKEN_DELAY_MS,
          commandTimeoutMs: LOCK_TEST_COMMAND_TIMEOUT_MS,
        }),
      );
      const sum = totals(reports);
      const ledger = sandbox.ledger();
      const requests = reports
        .flatMap((r) => r.tokenRequests.map((t) => ({ ...t, by: r.id })))
        .sort((a, b) => a.start - b.start);
      const tokensInOrder = [
        ...new Set(
          reports
            .flatMap((r) => r.authEvents)
            .sort((a, b) => a.at - b.at)
            .map((e) => e.token),
        ),
      ];
      // For each refresh (every request after the first): the calls the other processes made while it ran.
      const duringRefresh = requests.slice(1).map((request) => {
        const others = reports.filter((r) => r.id !== request.by);
        return others.map((r) => r.authEvents.filter((e) => e.at >= request.start && e.at < request.end));
      });
      printFigures('3 processes, 4 s tokens, 5 s run, shared token cache', {
        calls: sum.calls,
        succeeded: sum.succeeded,
        sandboxTokensIssued: ledger.counts.tokensIssued,
        tokenRequests: requests.map((r) => `process ${r.by} at +${r.start - requests[0]!.start} ms`),
        distinctTokensUsed: tokensInOrder.length,
        sandbox401: ledger.counts.responsesByStatus['401'] ?? 0,
        callsByOthersDuringEachRefresh: duringRefresh.map((per) => per.map((events) => events.length)),
      });

      expect(sum.failed).toEqual([]);
      // One token at the start and one per refresh (about every 2 s), each asked for once.
      expect(ledger.counts.tokensIssued).toBe(sum.tokenRequests);
      expect(tokensInOrder).toHaveLength(ledger.counts.tokensIssued);
      expect(ledger.counts.tokensIssued).toBeGreaterThanOrEqual(2);
      expect(ledger.counts.tokensIssued).toBeLessThanOrEqual(4);
      for (let i = 1; i < requests.length; i++) {
        // Never two processes refreshing the same token: requests are a refresh window apart.
        expect(
          (requests[i] as { start: number }).start - (requests[i - 1] as { end: number }).end,
        ).toBeGreaterThan(1_000);
      }
      // While one process refreshed, every other process kept calling, with the token still valid.
      for (const [index, per] of duringRefresh.entries()) {
        const previous = tokensInOrder[index];
        for (const events of per) {
          expect(events.length).toBeGreaterThan(0);
          expect(events.every((e) => e.token === previous)).toBe(true);
        }
      }
      // Nobody sent an expired token, and nobody waited into the blocking window.
      expect(ledger.counts.responsesByStatus['401'] ?? 0).toBe(0);
      expect(sum.tokenLeaks).toBe(0);
    }, 30_000);

    describe('with Redis stopped', () => {
      const redisServer = findRedisServer();
      let redis: RedisServerProcess | undefined;
      beforeAll(async () => {
        if (redisServer) redis = await startRedisServer(redisServer);
      });
      afterAll(async () => {
        await redis?.stop();
      });

      it.skipIf(!redisServer && !process.env.CI)(
        `calls still succeed with per-process tokens and one warning per process${redisServer ? '' : ' (skipped: redis-server is not installed)'}`,
        async () => {
          expect(redis, 'redis-server must be installed under CI (.ci/run installs it)').toBeDefined();
          const server = redis as RedisServerProcess;
          sandbox = await startSandboxBroker({ seed: 23, rateLimit: false, tokenTtlMs: 4_000 });
          await server.kill();
          const reports = await (pool as WorkerPool).run(
            oauthWorkers(3, { redisUrl: server.url, tokenCacheKey: uniqueKey('down'), durationMs: 3_000 }),
          );
          const sum = totals(reports);
          const ledger = sandbox.ledger();
          printFigures('3 processes, Redis stopped, 4 s tokens, 3 s run', {
            calls: sum.calls,
            succeeded: sum.succeeded,
            sandboxTokensIssued: ledger.counts.tokensIssued,
            tokenRequestsByProcess: reports.map((r) => r.tokenRequests.length),
            outageWarningsByProcess: reports.map((r) => messages(r, OUTAGE_WARNING).length),
          });

          expect(sum.failed).toEqual([]);
          // Each process on its own: its first token, and its own refresh after about 2 s.
          for (const report of reports) {
            expect(report.tokenRequests.length).toBeGreaterThanOrEqual(1);
            expect(messages(report, OUTAGE_WARNING)).toHaveLength(1);
            expect(report.logs.filter((l) => l.level === 'warn' && l.msg !== OUTAGE_WARNING)).toEqual([]);
          }
          expect(ledger.counts.tokensIssued).toBe(sum.tokenRequests);
          expect(ledger.counts.tokensIssued).toBeGreaterThanOrEqual(3);
          expect(ledger.counts.responsesByStatus['401'] ?? 0).toBe(0);
          expect(sum.tokenLeaks).toBe(0);
        },
        30_000,
      );
    });
  },
);
