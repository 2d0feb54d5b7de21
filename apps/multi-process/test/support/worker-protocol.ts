// What the tests and test/fixtures/worker.ts say to each other (over the IPC channel).

/** How a worker authenticates. */
export type WorkerAuth =
  | {
      kind: 'oauth';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      /** Share tokens through `@kit/auth/redis` under this key; without it each process has its own. */
      tokenCacheKey?: string;
      /** Added before each token request, so that a refresh takes long enough to be seen. */
      tokenDelayMs?: number;
      /** The token cache's `commandTimeoutMs`. @default its default (1 s) */
      commandTimeoutMs?: number;
    }
  | { kind: 'hmac'; apiKey: string; apiSecret: string };

/** One worker's configuration (JSON in KIT_MP_WORKER). */
export interface WorkerConfig {
  id: number;
  /** REST base URL, e.g. `${sandbox.url}/v1`. */
  baseUrl: string;
  /** The path every call GETs. */
  path: string;
  auth: WorkerAuth;
  redisUrl?: string;
  /** A rate limiter: `redis` shares it through @kit/retry/redis under `key`; `memory` is per process. */
  limiter?: { store: 'redis' | 'memory'; key: string; limits: Array<{ tokens: number; intervalMs: number }> };
  /** Stop after this many calls... */
  calls?: number;
  /** ...or after this long (whichever comes first). */
  durationMs?: number;
  /** Calls in flight at once. @default 1 */
  concurrency?: number;
  /** Pause after each call, per lane. @default 0 */
  pauseMs?: number;
  retry?: { maxAttempts?: number; deadlineMs?: number };
  /** Seed of the retry jitter. @default id + 1 */
  seed?: number;
}

/** One logical call as the worker saw it. */
export interface CallRecord {
  start: number;
  end: number;
  ok: boolean;
  status?: number | undefined;
  code?: string;
  attempts: number;
}

/** What a worker sends back when it is done. Times are epoch milliseconds (one machine, one clock). */
export interface WorkerReport {
  id: number;
  pid: number;
  startedAt: number;
  endedAt: number;
  calls: CallRecord[];
  /** Every HTTP answer (all attempts). */
  answers: Array<{ at: number; status: number }>;
  /** Every bearer token put on a request, as a 12-hex SHA-256 prefix. */
  authEvents: Array<{ at: number; token: string }>;
  /** This process's own requests to the token endpoint. */
  tokenRequests: Array<{ start: number; end: number; status: number }>;
  /** Log records of auth and the token cache (debug and up), the limiter store and the client (info and up), redacted. */
  logs: Array<{ at: string; level: string; msg: string; cause?: string }>;
  /** How many tokens this process used appear in its captured log text (must be 0). */
  tokenLeaks: number;
}
