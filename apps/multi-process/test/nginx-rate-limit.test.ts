import { DEMO_CREDENTIALS, type SandboxBroker, startSandboxBroker } from '@kit/sandbox-broker';
import { findNginx, type NginxProxy as NginxProcess, startNginx } from '@kit/vitest-config/nginx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printFigures, REDIS_SKIP_REASON, REDIS_URL, uniqueKey } from './support/env';
import { totals } from './support/figures';
import { startWorkerPool, type WorkerPool } from './support/processes';
import type { WorkerConfig, WorkerReport } from './support/worker-protocol';

// nginx (the Debian package, started here on loopback) as a rate-limiting reverse proxy in front
// of the sandbox: `limit_req` at 20 r/s with a burst of 5 (`nodelay`), answering 429 with
// `Retry-After: 1`, the way an API gateway is usually set up. The sandbox's own limit is off, so
// nginx is the only limit. Two processes call through it, sharing kit's limiter through Redis.
//
// Why a burst: with none, nginx refuses any request that arrives less than 50 ms after the last
// one it admitted, so a client paced at exactly 20/s loses a request to every millisecond of
// jitter between two processes (@kit/rest-client's own nginx tests measure that case). A burst of
// 5 absorbs the jitter without raising the rate: over the run nginx still admits 20 a second.
const RATE_PER_SECOND = 20;
const BURST = 5;
const PROCESSES = 2;

const nginxPath = findNginx();
if (!nginxPath && process.env.CI) {
  throw new Error(
    'nginx must be installed under CI (.ci/run runs .ci/nginx.sh): the nginx tests cannot be skipped',
  );
}

function nginxConfig(sandboxPort: number) {
  return {
    http: `
  limit_req_zone $binary_remote_addr zone=api:1m rate=${RATE_PER_SECOND}r/s;
  limit_req_status 429;
  upstream sandbox {
    server 127.0.0.1:${sandboxPort};
    keepalive 16;
  }`,
    server: `
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    location @rate_limited {
      default_type application/json;
      add_header Retry-After 1 always;
      return 429 '{"error":{"code":"RATE_LIMITED","message":"nginx limit_req"}}';
    }
    # The request target reaches the sandbox unchanged: HMAC signatures cover it.
    location /v1/ { limit_req zone=api burst=${BURST} nodelay; error_page 429 = @rate_limited; proxy_pass http://sandbox; }`,
  };
}

/** What nginx allowed against what the clients got: the steady rate between the first and the last success. */
function rateFigures(reports: readonly WorkerReport[]) {
  const successes = reports
    .flatMap((r) => r.answers)
    .filter((a) => a.status === 200)
    .map((a) => a.at)
    .sort((a, b) => a - b);
  const spanMs = (successes.at(-1) as number) - (successes[0] as number);
  const achievedPerSecond = ((successes.length - 1) / spanMs) * 1_000;
  return { achievedPerSecond, shareOfAllowed: achievedPerSecond / RATE_PER_SECOND, spanMs };
}

describe.skipIf(!nginxPath || !REDIS_URL)(
  `nginx limit_req (20 r/s, burst 5, 429 + Retry-After) in front of the sandbox${nginxPath ? '' : ' (skipped: nginx is not installed; .ci/nginx.sh installs it)'}${REDIS_SKIP_REASON}`,
  () => {
    let sandbox: SandboxBroker;
    let nginx: NginxProcess;
    let pool: WorkerPool;
    beforeAll(async () => {
      sandbox = await startSandboxBroker({ seed: 41, rateLimit: false });
      [nginx, pool] = await Promise.all([
        startNginx({ nginx: nginxPath as string, ...nginxConfig(sandbox.port) }),
        startWorkerPool(PROCESSES),
      ]);
    }, 30_000);
    afterAll(async () => {
      await pool?.close();
      await nginx?.stop();
      await sandbox?.close();
    });

    // The scenarios run one after the other in one zone: nginx's excess (at most the burst) drains
    // in 250 ms, and each scenario reads only the log lines after the ones already there.
    const configs = (extra: Partial<WorkerConfig>): WorkerConfig[] =>
      Array.from({ length: PROCESSES }, (_, id) => ({
        id,
        baseUrl: `${nginx.url}/v1`,
        path: '/account',
        auth: {
          kind: 'hmac',
          apiKey: DEMO_CREDENTIALS.trader.keyId,
          apiSecret: DEMO_CREDENTIALS.trader.secret,
        },
        redisUrl: REDIS_URL,
        ...extra,
      }));

    it("with kit's limiter at nginx's rate (shared by both processes): >= 95% of the allowed rate and zero 429s", async () => {
      const CALLS = 60;
      const before = (await nginx.accessLog()).length;
      const reports = await pool.run(
        configs({
          limiter: {
            store: 'redis',
            key: uniqueKey('nginx-paced'),
            limits: [{ tokens: 1, intervalMs: 1_000 / RATE_PER_SECOND }],
          },
          calls: CALLS,
          concurrency: 2,
          retry: { maxAttempts: 3 },
        }),
      );
      const sum = totals(reports);
      const rate = rateFigures(reports);
      const log = (await nginx.accessLog(before + sum.answers)).slice(before);
      printFigures("nginx 20 r/s (burst 5), kit's shared limiter at 20/s, 2 processes", {
        calls: sum.calls,
        succeeded: sum.succeeded,
        achievedPerSecond: rate.achievedPerSecond,
        shareOfAllowedRate: rate.shareOfAllowed,
        clientSaw429: sum.answered429,
        nginxAnswered429: log.filter((e) => e.status === 429).length,
        nginxLogged: log.length,
        spanMs: rate.spanMs,
      });

      expect(sum.failed).toEqual([]);
      expect(sum.succeeded).toBe(PROCESSES * CALLS);
      expect(sum.answered429).toBe(0);
      expect(log.filter((e) => e.status === 429)).toEqual([]);
      expect(log.filter((e) => e.status === 200)).toHaveLength(PROCESSES * CALLS);
      expect(rate.shareOfAllowed).toBeGreaterThanOrEqual(0.95);
    }, 30_000);

    it('with the limiter off: every 429 is waited out (Retry-After) and retried, every call succeeds within its deadline', async () => {
      const CALLS = 20;
      const DEADLINE_MS = 15_000;
      await new Promise((resolve) => setTimeout(resolve, 300)); // the previous scenario's excess drains (250 ms)
      const before = (await nginx.accessLog()).length;
      const reports = await pool.run(
        configs({
          calls: CALLS,
          concurrency: 4,
          // No limiter: the retry policy alone. Enough attempts that the deadline is what bounds a call.
          retry: { maxAttempts: 20, deadlineMs: DEADLINE_MS },
        }),
      );
      const sum = totals(reports);
      const rate = rateFigures(reports);
      const log = (await nginx.accessLog(before + sum.answers)).slice(before);
      const durations = reports.flatMap((r) => r.calls.map((c) => c.end - c.start));
      printFigures('nginx 20 r/s (burst 5), no kit limiter, 2 processes x 4 in flight', {
        calls: sum.calls,
        succeeded: sum.succeeded,
        clientSaw429: sum.answered429,
        nginxAnswered429: log.filter((e) => e.status === 429).length,
        maxAttempts: sum.maxAttempts,
        slowestCallMs: Math.max(...durations),
        deadlineMs: DEADLINE_MS,
        achievedPerSecond: rate.achievedPerSecond,
        spanMs: sum.spanMs,
      });

      expect(sum.failed).toEqual([]);
      expect(sum.succeeded).toBe(PROCESSES * CALLS);
      // Eight callers at once against 20 r/s with a burst of 5: nginx refused some...
      expect(log.filter((e) => e.status === 429).length).toBeGreaterThan(0);
      // ...every refusal came back to a client as a 429 it retried...
      expect(sum.answered429).toBe(log.filter((e) => e.status === 429).length);
      expect(sum.answers).toBe(sum.calls + sum.answered429);
      // ...and no call needed longer than its deadline.
      expect(Math.max(...durations)).toBeLessThan(DEADLINE_MS);
    }, 40_000);
  },
);
