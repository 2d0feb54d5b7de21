// Shared pieces of the chaos suite: fast adapter settings, a bounded worker pool, the unhandled
// rejection counter, seeded randomness and the totals tables every test prints.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOGUE, type ErrorCode, type KitError } from '@kit/errors';
import {
  createSampleBroker,
  type SampleBroker,
  type SampleBrokerOptions,
  sampleBrokerConfig,
} from '@kit/sample-broker';
import { DEMO_CREDENTIALS, type SandboxBroker, type SandboxBrokerOptions } from '@kit/sandbox-broker';
import { createSeededRandom } from '@kit/testing';

export { createSeededRandom };

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Adapter settings that keep a chaos run short: short backoffs and deadlines, no client-side rate
 * limit (the sandbox's limit is raised instead, so 429s come only from injected bursts).
 */
export const FAST_ENV: Readonly<Record<string, string>> = {
  SAMPLE_BROKER_REQUEST_TIMEOUT_MS: '1500',
  SAMPLE_BROKER_DEADLINE_MS: '6000',
  SAMPLE_BROKER_MAX_ATTEMPTS: '4',
  SAMPLE_BROKER_RETRY_INITIAL_DELAY_MS: '5',
  SAMPLE_BROKER_RETRY_MAX_DELAY_MS: '50',
  SAMPLE_BROKER_RECONCILE_BUDGET_MS: '600',
  SAMPLE_BROKER_RECONCILE_INITIAL_DELAY_MS: '5',
  SAMPLE_BROKER_RECONCILE_MAX_DELAY_MS: '30',
  SAMPLE_BROKER_RATE_LIMIT: '0',
};

/** Fast WebSocket reconnects (a drop costs tens of milliseconds, not seconds). */
export const FAST_WS_RECONNECT: NonNullable<SampleBrokerOptions['wsReconnect']> = {
  initialDelayMs: 10,
  maxDelayMs: 100,
  fastRetryMaxMs: 10,
  restartMinDelayMs: 10,
  restartMaxDelayMs: 50,
};

/** The adapter's environment: REST and WebSocket URLs (direct or through proxies) and the demo trader key. */
function adapterEnv(
  urls: { baseUrl: string; wsUrl: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    SAMPLE_BROKER_BASE_URL: urls.baseUrl,
    SAMPLE_BROKER_WS_URL: urls.wsUrl,
    SAMPLE_BROKER_API_KEY: DEMO_CREDENTIALS.trader.keyId,
    SAMPLE_BROKER_API_SECRET: DEMO_CREDENTIALS.trader.secret,
    ...FAST_ENV,
    ...extra,
  };
}

/** An adapter built the way a user builds one: config loaded from an environment, then created. */
export function createAdapter(
  urls: { baseUrl: string; wsUrl: string },
  options: SampleBrokerOptions & { env?: Record<string, string> } = {},
): SampleBroker {
  const { env, ...rest } = options;
  const config = sampleBrokerConfig.load({ env: adapterEnv(urls, env) });
  return createSampleBroker(config, { wsReconnect: FAST_WS_RECONNECT, ...rest });
}

/** The URLs of a sandbox without a proxy in between. */
export function directUrls(broker: SandboxBroker): { baseUrl: string; wsUrl: string } {
  return { baseUrl: broker.url, wsUrl: broker.wsUrl };
}

/** Loopback URLs through a TCP proxy listening on `port` (it forwards HTTP and WebSocket alike). */
export function proxiedUrls(port: number): { baseUrl: string; wsUrl: string } {
  return { baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/v1/stream` };
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` in flight; resolves when all are done. */
export async function runPool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) await work(i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Counts unhandled rejections and uncaught exceptions while installed (on top of vitest's own handlers). */
export interface UnhandledCounter {
  readonly rejections: unknown[];
  readonly exceptions: unknown[];
  /** Process warnings (e.g. MaxListenersExceededWarning), with the stack of where they came from. */
  readonly warnings: string[];
  dispose(): void;
}

/** Installs `process.on('unhandledRejection')`, `('uncaughtException')` and `('warning')` counters. */
export function countUnhandled(): UnhandledCounter {
  const rejections: unknown[] = [];
  const exceptions: unknown[] = [];
  const warnings: string[] = [];
  const onRejection = (reason: unknown) => void rejections.push(reason);
  const onException = (error: unknown) => void exceptions.push(error);
  const onWarning = (warning: Error) => void warnings.push(warning.stack ?? String(warning));
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  process.on('warning', onWarning);
  return {
    rejections,
    exceptions,
    warnings,
    dispose() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
      process.off('warning', onWarning);
    },
  };
}

/** Adds one to `counts[key]`. */
export function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** A table of label/value rows, with an optional section title per group, as printed text. */
function renderTable(title: string, rows: ReadonlyArray<readonly [string, unknown]>): string {
  const cells = rows.map(([label, value]) => [label, typeof value === 'string' ? value : format(value)]);
  const width = Math.max(title.length, ...cells.map(([label]) => (label as string).length));
  const valueWidth = Math.max(5, ...cells.map(([, value]) => (value as string).length));
  const rule = `${'-'.repeat(width + 2)}+${'-'.repeat(valueWidth + 2)}`;
  const lines = [rule, ` ${title.padEnd(width)} | `, rule];
  for (const [label, value] of cells) {
    lines.push(` ${(label as string).padEnd(width)} | ${(value as string).padStart(valueWidth)}`);
  }
  lines.push(rule);
  return lines.join('\n');
}

function format(value: unknown): string {
  if (typeof value === 'number')
    return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(1);
  return String(value);
}

/** Prints a totals table on stdout (vitest shows it with the test's output). */
export function printTable(title: string, rows: ReadonlyArray<readonly [string, unknown]>): void {
  console.log(`\n${renderTable(title, rows)}\n`);
}

/** Rows of a `{ key: count }` record, sorted by key, each label prefixed. */
export function countRows(prefix: string, counts: Readonly<Record<string, number>>): Array<[string, number]> {
  return Object.keys(counts)
    .sort()
    .map((key) => [`${prefix}${key}`, counts[key] as number]);
}

/** Whether `error` is a KitError whose `retryable` flag agrees with its catalogue entry. */
export function agreesWithCatalogue(error: KitError): boolean {
  const entry = ERROR_CATALOGUE[error.code as ErrorCode];
  return entry !== undefined && entry.retryable === error.retryable;
}

/** Percentile of a sample (nearest rank), 0 for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Median of a sample. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** One page of `GET /v1/order-events` as the sandbox sends it. */
interface OrderEventsPage {
  data: Array<{ seq: number; type: string; orderId: string; clientOrderId: string }>;
  lastSeq: number;
  hasMore: boolean;
}

/**
 * The account's whole order-event history, read over REST with a request signed by hand (the
 * sandbox README's scheme, on node:crypto): the reference the streamed events are compared with,
 * independent of the adapter under test.
 */
export async function orderEventHistory(
  broker: SandboxBroker,
): Promise<Array<{ seq: number; type: string; orderId: string; clientOrderId: string }>> {
  const events: OrderEventsPage['data'] = [];
  let after = 0;
  for (let page = 0; page < 10_000; page++) {
    const target = `/v1/order-events?after=${after}&limit=1000`;
    const timestamp = String(Date.now());
    const signature = createHmac('sha256', DEMO_CREDENTIALS.trader.secret)
      .update(`${timestamp}GET${target}`)
      .digest('hex');
    const response = await fetch(`${broker.url}${target}`, {
      headers: {
        'X-API-Key': DEMO_CREDENTIALS.trader.keyId,
        'X-Timestamp': timestamp,
        'X-Signature': signature,
      },
    });
    if (response.status !== 200) throw new Error(`GET ${target} answered ${response.status}`);
    const body = (await response.json()) as OrderEventsPage;
    events.push(...body.data);
    after = body.lastSeq;
    if (!body.hasMore || body.data.length === 0) return events;
  }
  throw new Error('order-event history did not end within 10,000 pages');
}

/** Resolves when `predicate()` holds, re-checked on every `poke()`; rejects after `timeoutMs`. */
export class Condition {
  readonly #waiters = new Set<{ predicate: () => boolean; resolve: () => void }>();

  /** Re-checks every waiter (call after the state they watch changed). */
  poke(): void {
    for (const waiter of [...this.#waiters]) {
      if (waiter.predicate()) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Waits for `predicate`; `what` names it in the timeout error. */
  until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter = {
        predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.#waiters.add(waiter);
    });
  }
}

/** A sandbox broker running in a child process (`test/fixtures/sandbox-child.ts`). */
export interface Child {
  readonly process: ChildProcessByStdio<Writable, Readable, null>;
  readonly url: string;
  readonly port: number;
  readonly adminToken: string;
}

/** Starts the sandbox child and waits for its READY line. */
export function startSandboxChild(options: SandboxBrokerOptions): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@kit/source', '--import', 'tsx', join(HERE, 'fixtures', 'sandbox-child.ts')],
      {
        cwd: join(HERE, '..'),
        env: { ...process.env, SANDBOX_OPTIONS: JSON.stringify(options) },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the sandbox child did not start within 30 s'));
    }, 30_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the sandbox child exited early (${code})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((l) => l.startsWith('READY '));
      if (line === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      const ready = JSON.parse(line.slice('READY '.length)) as Omit<Child, 'process'>;
      resolve({ process: child, ...ready });
    });
  });
}

/** Ends the child (closing its stdin) and waits until it exited and its pipes closed. */
export function stopSandboxChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null && child.process.stdout.destroyed) return resolve();
    child.process.once('close', () => resolve());
    child.process.stdin.end();
  });
}

/** An admin call over a one-off connection (no keep-alive socket left behind to count as a handle). */
export function admin(child: Child, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: child.port,
        path,
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${child.adminToken}`, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', reject);
    req.end(JSON.stringify(body));
  });
}
