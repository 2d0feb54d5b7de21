// Everything a user gets wrong ends as a catalogue code with a hint, never a crash, and no credential
// reaches a log line or an error (message, JSON, util.inspect): bad configuration, wrong credentials,
// a read-only key placing an order, a skewed clock, and the sandbox's schema-drift faults.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfigError } from '@kit/config';
import { ERROR_CATALOGUE, isKitError, type KitError } from '@kit/errors';
import { createCapturingLogger } from '@kit/logger/testing';
import { DEMO_CREDENTIALS, type SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createSampleBroker,
  type SampleBroker,
  type SampleBrokerOptions,
  sampleBrokerConfig,
} from '../src/index';
import { DEMO_SECRETS, envFor, FAST, FAST_WS, leakedSecrets, renderings, sandbox } from './support';

/** Credentials that must never be printed: the secrets, and the ids (configured as secrets too). */
const CREDENTIALS = [
  ...DEMO_SECRETS,
  DEMO_CREDENTIALS.trader.keyId,
  DEMO_CREDENTIALS.reader.keyId,
  DEMO_CREDENTIALS.oauthClient.clientId,
  'sbx_secret_wrong_0123456789',
];

let broker: SandboxBroker;
const capture = createCapturingLogger({ level: 'debug' });
const errors: unknown[] = [];
const adapters: SampleBroker[] = [];
let dir: string;

beforeAll(async () => {
  broker = await sandbox();
  dir = mkdtempSync(join(tmpdir(), 'sample-broker-errors-'));
});
afterEach(() => {
  broker.admin.clearFaults();
  broker.admin.setClockOffsetMs(0);
});
afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await broker?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  // The whole file's output, checked once more at the end: every log line and every error.
  const everything = [capture.text(), ...errors.map(renderings)].join('\n');
  expect(leakedSecrets(everything, CREDENTIALS)).toEqual([]);
});

function adapter(env: Record<string, string>, options: SampleBrokerOptions = {}): SampleBroker {
  const created = createSampleBroker(sampleBrokerConfig.load({ env: { ...FAST, ...env } }), {
    ...FAST_WS,
    logger: capture.logger,
    ...options,
  });
  adapters.push(created);
  return created;
}

/** Awaits a rejection and checks it is a catalogue error with a hint and no credential in it. */
async function failure(promise: Promise<unknown>): Promise<KitError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  errors.push(error);
  expect(isKitError(error)).toBe(true);
  const kit = error as KitError;
  expect(ERROR_CATALOGUE[kit.code]).toBeDefined();
  expect(kit.hint.length).toBeGreaterThan(10);
  expect(leakedSecrets(renderings(kit), CREDENTIALS)).toEqual([]);
  return kit;
}

function thrown(fn: () => unknown): KitError {
  try {
    fn();
  } catch (error) {
    errors.push(error);
    expect(isKitError(error)).toBe(true);
    expect(leakedSecrets(renderings(error), CREDENTIALS)).toEqual([]);
    return error as KitError;
  }
  throw new Error('expected a throw');
}

describe('bad configuration', () => {
  it('reports every mistake at once, each with its variable and a hint, secrets never shown', () => {
    const error = thrown(() =>
      sampleBrokerConfig.load({
        env: {
          SAMPLE_BROKER_BASE_URL: 'http://broker.example.com',
          // SAMPLE_BROKER_WS_URL missing
          SAMPLE_BROKER_API_KEY: DEMO_CREDENTIALS.trader.keyId,
          SAMPLE_BROKER_API_SECRET: ` ${DEMO_CREDENTIALS.trader.secret}\n`,
          SAMPLE_BROKER_MAX_ATTEMPTS: 'three',
          SAMPLE_BROKER_RECONCILE_BUDGET: '5s',
          SAMPLE_BROKER_SCHEMA_MODE: 'strickt',
        },
      }),
    );
    expect(isConfigError(error)).toBe(true);
    if (!isConfigError(error)) return;
    expect(error.code).toBe('config.invalid');
    const byPath = Object.fromEntries(error.problems.map((p) => [p.path || p.envVar, p]));
    expect(byPath.baseUrl?.code).toBe('config.insecure_url');
    expect(byPath.wsUrl).toMatchObject({ code: 'config.missing', envVar: 'SAMPLE_BROKER_WS_URL' });
    expect(byPath.apiSecret?.code).toBe('config.invalid');
    expect(byPath.maxAttempts?.code).toBe('config.invalid');
    expect(byPath.schemaMode?.hint).toContain('strict');
    expect(
      error.problems.some((p) => p.code === 'config.unknown_key' && p.hint.includes('RECONCILE_BUDGET_MS')),
    ).toBe(true);
    for (const problem of error.problems) expect(problem.hint.length).toBeGreaterThan(10);
  });

  it('needs one complete credential pair, and says which half is missing', () => {
    const base = { SAMPLE_BROKER_BASE_URL: broker.url, SAMPLE_BROKER_WS_URL: broker.wsUrl };
    const none = thrown(() => sampleBrokerConfig.load({ env: base }));
    expect(none.code).toBe('config.missing');
    expect(none.hint).toContain('SAMPLE_BROKER_API_KEY');
    const half = thrown(() =>
      sampleBrokerConfig.load({
        env: { ...base, SAMPLE_BROKER_CLIENT_ID: DEMO_CREDENTIALS.oauthClient.clientId },
      }),
    );
    expect(half).toMatchObject({ code: 'config.missing' });
    expect(half.hint).toContain('SAMPLE_BROKER_CLIENT_SECRET');
    // Joined with the other problems in one error.
    const both = thrown(() =>
      sampleBrokerConfig.load({
        env: {
          ...base,
          SAMPLE_BROKER_API_SECRET: DEMO_CREDENTIALS.trader.secret,
          SAMPLE_BROKER_IDLE_TIMEOUT_MS: '-1',
        },
      }),
    );
    expect(isConfigError(both) && both.problems.map((p) => p.path).sort()).toEqual([
      'apiKey',
      'idleTimeoutMs',
    ]);
  });

  it('checks a hand-built config too, and lists every setting with its variable', () => {
    const error = thrown(() =>
      createSampleBroker({ baseUrl: 'not a url', wsUrl: broker.wsUrl } as never, { logger: capture.logger }),
    );
    expect(isConfigError(error) && error.problems.map((p) => p.path).sort()).toEqual(['apiKey', 'baseUrl']);
    const described = sampleBrokerConfig.describe().map((field) => field.envVar);
    expect(described).toEqual(
      expect.arrayContaining([
        'SAMPLE_BROKER_API_KEY',
        'SAMPLE_BROKER_CLIENT_SECRET',
        'SAMPLE_BROKER_RECONCILE_BUDGET_MS',
      ]),
    );
  });

  it('rejects bad arguments before sending anything', async () => {
    const good = adapter(envFor(broker));
    const before = broker.ledger().counts.requests;
    expect(
      (await failure(good.placeOrder({ symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1' }))).code,
    ).toBe('client.invalid_argument');
    expect(
      (await failure(good.placeOrder({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '-1' })))
        .details,
    ).toMatchObject({ field: 'quantity' });
    expect(
      (
        await failure(
          good.placeOrder({
            symbol: 'AAPL',
            side: 'buy',
            type: 'market',
            quantity: '1',
            clientOrderId: 'has space',
          }),
        )
      ).details,
    ).toMatchObject({ field: 'clientOrderId' });
    expect(thrown(() => good.streamOrderBook('AAPL', { depth: 0 })).code).toBe('client.invalid_argument');
    expect(thrown(() => good.streamQuotes([])).code).toBe('client.invalid_argument');
    expect(thrown(() => good.listOrders({ pageSize: 501 })).code).toBe('client.invalid_argument');
    expect(broker.ledger().counts.requests).toBe(before);
  });
});

describe('wrong credentials', () => {
  it('a wrong API secret is auth.invalid_signature with a hint', async () => {
    const wrong = adapter({ ...envFor(broker), SAMPLE_BROKER_API_SECRET: 'sbx_secret_wrong_0123456789' });
    const error = await failure(wrong.getAccount());
    expect(error).toMatchObject({ code: 'auth.invalid_signature', status: 401 });
    expect(error.hint).toContain('SAMPLE_BROKER_API_SECRET');
  });

  it('an order stream signed with a wrong secret ends with the login rejection, not a reconnect loop', async () => {
    const wrong = adapter({ ...envFor(broker), SAMPLE_BROKER_API_SECRET: 'sbx_secret_wrong_0123456789' });
    const error = await failure(
      (async () => {
        for await (const _ of wrong.streamOrderUpdates()) {
          // no events expected
        }
      })(),
    );
    expect(error.code).toBe('protocol.ws_auth_rejected');
  });

  it('an unknown API key is auth.invalid_credentials', async () => {
    const wrong = adapter({ ...envFor(broker), SAMPLE_BROKER_API_KEY: 'sbx_key_nobody' });
    expect((await failure(wrong.getAccount())).code).toBe('auth.invalid_credentials');
  });

  it('a wrong OAuth2 client secret is auth.invalid_credentials, and placeOrder is rejected, not unknown', async () => {
    const wrong = adapter({
      ...envFor(broker, 'oauth'),
      SAMPLE_BROKER_CLIENT_SECRET: 'sbx_secret_wrong_0123456789',
    });
    expect((await failure(wrong.getAccount())).code).toBe('auth.invalid_credentials');
    const placing = await failure(
      wrong.placeOrder({
        symbol: 'AAPL',
        side: 'buy',
        type: 'market',
        quantity: '1',
        clientOrderId: 'oauth-wrong-1',
      }),
    );
    expect(placing.details).toMatchObject({ clientOrderId: 'oauth-wrong-1' });
    expect(placing.outcome).not.toBe('unknown');
    expect(broker.ledger().orders.some((o) => o.clientOrderId === 'oauth-wrong-1')).toBe(false);
  });

  it('good OAuth2 credentials work end to end, the order stream login included', async () => {
    const good = adapter(envFor(broker, 'oauth'));
    expect((await good.getAccount()).id).toBe('acc_demo');
    const stop = new AbortController();
    const caughtUp = new Promise<void>((resolve) => good.on('catch_up', () => resolve()));
    const streaming = (async () => {
      for await (const _ of good.streamOrderUpdates({ signal: stop.signal })) {
        // none expected
      }
    })();
    await caughtUp;
    stop.abort();
    await streaming;
  });

  it('a server clock 60 s ahead is measured and the signed request sent once more', async () => {
    broker.admin.setClockOffsetMs(60_000);
    const skewed = adapter(envFor(broker));
    expect((await skewed.getAccount()).id).toBe('acc_demo');
    expect((await skewed.getServerTime()).skewMs).toBeGreaterThan(55_000);
  });
});

describe('a read-only key', () => {
  it('placing an order is auth.insufficient_permissions with a hint; nothing is created, the intent is settled', async () => {
    const journalPath = join(dir, 'reader.jsonl');
    const reader = adapter(envFor(broker, 'reader'), { journalPath });
    expect((await reader.getAccount()).id).toBe('acc_demo');
    const error = await failure(
      reader.placeOrder({
        symbol: 'AAPL',
        side: 'buy',
        type: 'market',
        quantity: '1',
        clientOrderId: 'reader-1',
      }),
    );
    expect(error).toMatchObject({ code: 'auth.insufficient_permissions', status: 403, outcome: 'rejected' });
    expect(error.hint).toContain('trade');
    expect(error.details).toMatchObject({ clientOrderId: 'reader-1' });
    expect(broker.ledger().orders.some((o) => o.clientOrderId === 'reader-1')).toBe(false);
    const lines = readFileSync(journalPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.kind, l.outcome])).toEqual([
      ['intent', undefined],
      ['settled', 'rejected'],
    ]);
    expect((await reader.reconcile()).intents).toEqual([]);
  });
});

describe("the sandbox's schema-drift faults", () => {
  it('a drifted answer is schema.response_mismatch naming the paths, in strict mode', async () => {
    broker.admin.setFaults({ http: { drift: { probability: 1 }, match: ['GET /v1/account'] } });
    const strict = adapter(envFor(broker));
    const error = await failure(strict.getAccount());
    expect(error.code).toBe('schema.response_mismatch');
    expect(JSON.stringify(error.details)).toMatch(/cash|buyingPower|equity|currency|id/);
  });

  it('tolerant mode returns the data and logs the drift as a warning', async () => {
    broker.admin.setFaults({ http: { drift: { probability: 1 }, match: ['GET /v1/quotes/:symbol'] } });
    const tolerant = adapter({ ...envFor(broker), SAMPLE_BROKER_SCHEMA_MODE: 'tolerant' });
    const lines = capture.records.length;
    const quote = await tolerant.getQuote('AAPL');
    expect(quote).toBeDefined();
    expect(capture.records.slice(lines).some((r) => r.level === 'warn' && /drift/i.test(r.msg))).toBe(true);
  });

  it('a drifted answer to POST /orders is reconciled by client order id, not placed twice', async () => {
    broker.admin.setFaults({ http: { drift: { probability: 1 }, match: ['POST /v1/orders'] } });
    const strict = adapter(envFor(broker));
    const { order, reconciled } = await strict.placeOrder({
      symbol: 'MSFT',
      side: 'buy',
      type: 'limit',
      quantity: '2',
      limitPrice: '1.00',
      clientOrderId: 'drift-1',
    });
    expect(reconciled).toBe(true);
    expect(order.clientOrderId).toBe('drift-1');
    expect(broker.ledger().orders.filter((o) => o.clientOrderId === 'drift-1')).toHaveLength(1);
  });
});

describe('logs', () => {
  it('hold no credential, at debug level, across everything above', () => {
    expect(capture.lines.length).toBeGreaterThan(0);
    expect(leakedSecrets(capture.text(), CREDENTIALS)).toEqual([]);
  });
});
