// Fuzzed credentials through the whole stack: @kit/config (env), @kit/auth (HMAC signing, OAuth2
// client credentials), REST (calls, retries under faults, drift warnings, a wrong secret), the
// WebSocket (signed and bearer logins, a rejected login), errors (message, stack, JSON, inspect),
// logs (a capturing logger at debug), the adapter's stats, and the reference app's doctor with its
// support bundle (a real child process with the credentials in its environment). No credential,
// and no form derived from one (JSON- and inspect-escaped, URL- and form-encoded, base64 of
// id:secret, base64 of the secret), appears anywhere in what was captured; nor does any access
// token the sandbox issued.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { isConfigError } from '@kit/config';
import { isKitError } from '@kit/errors';
import { createCapturingLogger } from '@kit/logger/testing';
import { createSampleBroker, type SampleBroker, sampleBrokerConfig } from '@kit/sample-broker';
import { startSandboxBroker } from '@kit/sandbox-broker';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countUnhandled, FAST_ENV, FAST_WS_RECONNECT, printTable, type UnhandledCounter } from './support';

const SEED = Number(process.env.CHAOS_SEED ?? 15_003);
const RUNS = 20;
const REFERENCE_APP = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'reference-app');

// --- credential-shaped strings ---------------------------------------------------------------

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Spelled as a concatenation so that `$` next to `{` is plainly a character, not a placeholder.
const METACHARS = `.*+?^$${'{'}}()|[]\\/-=&%#@!~<>"'\`;:,`;
const chars = (alphabet: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));
/** A random core long enough that it cannot show up in output by coincidence. */
const core = chars(ALNUM, 16, 24);
const base64Shape = fc
  .uint8Array({ minLength: 18, maxLength: 48 })
  .map((bytes) => Buffer.from(bytes).toString('base64'));
const hexShape = fc
  .uint8Array({ minLength: 16, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes).toString('hex'));
const regexHeavy = fc
  .tuple(core, chars(METACHARS, 4, 12), chars(ALNUM + METACHARS, 0, 12))
  .map(([a, b, c]) => `${a.slice(0, 8)}${b}${a.slice(8)}${c}`);
const unicodeShape = fc
  .tuple(
    core,
    fc.string({ unit: 'grapheme', minLength: 4, maxLength: 16 }),
    fc.constantFrom('€', 'ß', 'Ω', '密钥', 'ключ', '🔑', 'é', '\u00a0', 'Ⅻ'),
  )
  .map(([a, b, c]) => `${a.slice(0, 6)}${c}${b}${a.slice(6)}`);
/** Inner whitespace, newlines and quotes: allowed inside a secret, escaped differently by every printer. */
const awkward = fc
  .tuple(core, fc.constantFrom(' ', '\t', '\n', '"', "'", '\\', '\\n', '%20', '+'))
  .map(([a, b]) => `${a.slice(0, 10)}${b}${a.slice(10)}`);
const secretShape = fc.oneof(
  base64Shape,
  hexShape,
  regexHeavy,
  unicodeShape,
  awkward,
  core.map((c) => `sk_live_${c}`),
);
/** Key and client ids: the sandbox takes 1-64 of A-Z a-z 0-9 _ . - (the dot is a regex metacharacter). */
const idShape = fc
  .tuple(chars(ALNUM, 12, 20), chars('._-', 1, 3), chars(`${ALNUM}._-`, 0, 10))
  .map(([a, b, c]) => `${a.slice(0, 6)}${b}${a.slice(6)}${c}`.slice(0, 64));

/** Config rules a secret must meet (no surrounding whitespace, no wrapping quotes); other values are fair game. */
const usable = (value: string) =>
  value.trim() === value && !/^(["'`]).*\1$/s.test(value) && value.length >= 8 && !value.includes('\0');

const credentialSet = fc
  .record({
    keyId: idShape,
    apiSecret: secretShape,
    clientId: idShape,
    clientSecret: secretShape,
    wrongSecret: secretShape,
  })
  .filter(
    (c) =>
      usable(c.apiSecret) &&
      usable(c.clientSecret) &&
      usable(c.wrongSecret) &&
      c.keyId !== c.clientId &&
      new Set([c.apiSecret, c.clientSecret, c.wrongSecret]).size === 3,
  );
type CredentialSet = typeof credentialSet extends fc.Arbitrary<infer T> ? T : never;

/** Every printed form a credential can take. */
function derivedForms(c: CredentialSet): Array<{ what: string; text: string }> {
  const forms: Array<{ what: string; text: string }> = [];
  const add = (what: string, value: string) => {
    const variants: Array<[string, string]> = [
      ['raw', value],
      ['JSON-escaped', JSON.stringify(value).slice(1, -1)],
      ['inspect-escaped', inspect(value).slice(1, -1)],
      ['URL-encoded', encodeURIComponent(value)],
      ['form-encoded', new URLSearchParams({ v: value }).toString().slice(2)],
      ['base64', Buffer.from(value).toString('base64')],
      ['base64url', Buffer.from(value).toString('base64url')],
    ];
    for (const [how, text] of variants) {
      if (text.length >= 8 && !forms.some((f) => f.text === text))
        forms.push({ what: `${what} (${how})`, text });
    }
  };
  add('api secret', c.apiSecret);
  add('client secret', c.clientSecret);
  add('wrong secret', c.wrongSecret);
  add('key id', c.keyId);
  add('client id', c.clientId);
  for (const [what, id, secret] of [
    ['basic(client)', c.clientId, c.clientSecret],
    ['basic(client, form-encoded)', encodeURIComponent(c.clientId), encodeURIComponent(c.clientSecret)],
  ] as const) {
    forms.push({ what: `${what}`, text: Buffer.from(`${id}:${secret}`).toString('base64') });
  }
  return forms;
}

/** Forms of `c` that appear in `text`, and any access token the sandbox issued (they all start `sbx_at_`). */
function leaks(text: string, forms: ReadonlyArray<{ what: string; text: string }>): string[] {
  const found = forms.filter((f) => text.includes(f.text)).map((f) => f.what);
  const tokens = text.match(/sbx_at_[A-Za-z0-9_-]{8,}/g) ?? [];
  return [...found, ...tokens.map(() => 'an access token')];
}

/** Every way a value reaches a screen or a log: String, message, stack, JSON, util.inspect. */
function renderings(value: unknown): string {
  const parts = [String(value), inspect(value, { depth: 10, showHidden: true })];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    // circular: inspect covers it
  }
  if (value instanceof Error) parts.push(value.message, value.stack ?? '');
  if (isKitError(value)) parts.push(JSON.stringify(value.toJSON()));
  return parts.join('\n');
}

/** Tees console and process stdout/stderr into `sink` while `work` runs. */
async function capturingOutput<T>(sink: string[], work: () => Promise<T>): Promise<T> {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const onWarning = (warning: Error) => void sink.push(renderings(warning));
  for (const m of methods) {
    const original = console[m];
    console[m] = (...args: unknown[]) => {
      sink.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '));
      original.apply(console, args);
    };
  }
  process.stdout.write = ((chunk: unknown, ...rest: never[]) => {
    sink.push(String(chunk));
    return out(chunk as string, ...rest);
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: never[]) => {
    sink.push(String(chunk));
    return err(chunk as string, ...rest);
  }) as typeof process.stderr.write;
  process.on('warning', onWarning);
  try {
    return await work();
  } finally {
    methods.forEach((m, i) => {
      console[m] = saved[i] as (typeof console)[typeof m];
    });
    process.stdout.write = out;
    process.stderr.write = err;
    process.off('warning', onWarning);
  }
}

// --- one credential set through the in-process stack ----------------------------------------

interface RunFigures {
  logLines: number;
  errors: number;
  wsEvents: number;
  restCalls: number;
  configProblems: number;
}

async function throughTheStack(c: CredentialSet, captured: string[]): Promise<RunFigures> {
  const broker = await startSandboxBroker({
    seed: SEED,
    rateLimit: false,
    credentials: [{ keyId: c.keyId, secret: c.apiSecret, scopes: ['read', 'trade'] }],
    oauthClients: [{ clientId: c.clientId, clientSecret: c.clientSecret, scopes: ['read', 'trade'] }],
    // Retries and their log lines, tolerant-mode drift warnings, a lost order answer.
    faults: {
      http: {
        serverError: { probability: 0.15 },
        resetBefore: { probability: 0.05 },
        drift: { probability: 0.1 },
        responseLost: { probability: 0.2 },
      },
    },
  });
  const capture = createCapturingLogger({ level: 'debug' });
  const figures: RunFigures = { logLines: 0, errors: 0, wsEvents: 0, restCalls: 0, configProblems: 0 };
  const adapters: SampleBroker[] = [];
  const base = { SAMPLE_BROKER_BASE_URL: broker.url, SAMPLE_BROKER_WS_URL: broker.wsUrl, ...FAST_ENV };
  const keep = (error: unknown) => {
    figures.errors++;
    captured.push(renderings(error));
  };
  const make = (env: Record<string, string>) => {
    const config = sampleBrokerConfig.load({
      env: { ...base, SAMPLE_BROKER_SCHEMA_MODE: 'tolerant', ...env },
    });
    captured.push(renderings(config));
    const adapter = createSampleBroker(config, { logger: capture.logger, wsReconnect: FAST_WS_RECONNECT });
    adapter.on('error', keep);
    adapters.push(adapter);
    return adapter;
  };
  try {
    // Config mistakes that involve the credentials: each reported, none echoed.
    for (const env of [
      { SAMPLE_BROKER_API_KEY: c.keyId, SAMPLE_BROKER_API_SECRET: ` ${c.apiSecret}\n` },
      { SAMPLE_BROKER_API_KEY: c.keyId, SAMPLE_BROKER_API_SECRET: `"${c.apiSecret}"` },
      { SAMPLE_BROKER_CLIENT_SECRET: c.clientSecret },
      {
        SAMPLE_BROKER_API_KEY: c.keyId,
        SAMPLE_BROKER_API_SECRET: c.apiSecret,
        SAMPLE_BROKER_CLIENT_ID: c.clientId,
        SAMPLE_BROKER_CLIENT_SECRET: c.clientSecret,
      },
    ]) {
      try {
        sampleBrokerConfig.load({ env: { ...base, ...env } });
        throw new Error('expected a ConfigError');
      } catch (error) {
        expect(isConfigError(error)).toBe(true);
        figures.configProblems++;
        keep(error);
      }
    }

    const pairs: Array<Record<string, string>> = [
      { SAMPLE_BROKER_API_KEY: c.keyId, SAMPLE_BROKER_API_SECRET: c.apiSecret },
      { SAMPLE_BROKER_CLIENT_ID: c.clientId, SAMPLE_BROKER_CLIENT_SECRET: c.clientSecret },
    ];
    for (const env of pairs) {
      const adapter = make(env);
      const stop = new AbortController();
      const events: string[] = [];
      const streaming = (async () => {
        for await (const event of adapter.streamOrderUpdates({ afterSeq: 0, signal: stop.signal })) {
          events.push(event.type);
          if (events.length >= 4) stop.abort();
        }
      })().catch(keep);
      for (const work of [
        () => adapter.getAccount(),
        () => adapter.getQuote('AAPL'),
        () => adapter.getPositions(),
        async () => {
          const { order } = await adapter.placeOrder({
            symbol: 'AAPL',
            side: 'buy',
            type: 'limit',
            quantity: '1',
            limitPrice: '1.00',
          });
          await adapter.cancelOrder(order.id);
        },
        async () => {
          const { order } = await adapter.placeOrder({
            symbol: 'MSFT',
            side: 'buy',
            type: 'limit',
            quantity: '1',
            limitPrice: '1.00',
          });
          await adapter.cancelOrder(order.id);
        },
      ]) {
        figures.restCalls++;
        await work().catch(keep);
      }
      const timer = setTimeout(() => stop.abort(), 5_000);
      await streaming;
      clearTimeout(timer);
      figures.wsEvents += events.length;
      captured.push(JSON.stringify(adapter.stats()));
    }

    // Wrong secrets: refused by the broker over REST and on the WebSocket login.
    const wrongPairs: Array<Record<string, string>> = [
      { SAMPLE_BROKER_API_KEY: c.keyId, SAMPLE_BROKER_API_SECRET: c.wrongSecret },
      { SAMPLE_BROKER_CLIENT_ID: c.clientId, SAMPLE_BROKER_CLIENT_SECRET: c.wrongSecret },
    ];
    for (const env of wrongPairs) {
      const adapter = make(env);
      figures.restCalls++;
      await adapter.getAccount().then(
        () => {
          throw new Error('a wrong secret was accepted');
        },
        (error) => {
          expect(isKitError(error) && error.category === 'auth').toBe(true);
          keep(error);
        },
      );
      const stop = new AbortController();
      const timer = setTimeout(() => stop.abort(), 5_000);
      await (async () => {
        for await (const _ of adapter.streamOrderUpdates({ signal: stop.signal })) break;
      })().catch(keep);
      clearTimeout(timer);
    }
  } finally {
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await broker.close();
  }
  captured.push(capture.text());
  figures.logLines = capture.lines.length;
  return figures;
}

// --- the reference app's doctor, as a user runs it ------------------------------------------

interface DoctorRun {
  code: number | null;
  output: string;
  bundle: string;
}

function runDoctor(env: Record<string, string>, bundle: string): Promise<DoctorRun> {
  return new Promise((resolve, reject) => {
    const clean: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!name.startsWith('KIT_') && !name.startsWith('SAMPLE_BROKER_') && name !== 'FORCE_COLOR') {
        clean[name] = value;
      }
    }
    const child = spawn(
      process.execPath,
      [
        '--conditions=@kit/source',
        '--import',
        'tsx',
        join(REFERENCE_APP, 'src', 'cli.ts'),
        'doctor',
        '--bundle',
        bundle,
        '--log-level',
        'debug',
        '--timeout',
        '3s',
      ],
      { cwd: REFERENCE_APP, env: { ...clean, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kit doctor did not finish within 60 s:\n${output}`));
    }, 60_000);
    child.once('error', reject);
    child.once('close', async (code) => {
      clearTimeout(timer);
      const text = await readFile(bundle, 'utf8').catch(() => '');
      resolve({ code, output, bundle: text });
    });
  });
}

let unhandled: UnhandledCounter;
let dir: string;
beforeAll(async () => {
  unhandled = countUnhandled();
  dir = await mkdtemp(join(tmpdir(), 'kit-chaos-secrets-'));
});
afterAll(async () => {
  unhandled?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('fuzzed credentials never reach any output', () => {
  it('the leak detector finds every planted form (so a pass means something)', () => {
    for (const c of fc.sample(credentialSet, { seed: SEED + 2, numRuns: 50 })) {
      const forms = derivedForms(c);
      const planted = [
        `signing with ${c.apiSecret}`,
        JSON.stringify({ msg: 'login', secret: c.clientSecret }),
        inspect({ secret: c.wrongSecret }),
        `GET /oauth/token?client_secret=${encodeURIComponent(c.clientSecret)}`,
        `authorization: Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`,
        'Authorization: Bearer sbx_at_AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      ];
      for (const line of planted) expect(leaks(line, forms), line).not.toEqual([]);
      expect(leaks('GET /v1/account 200 [REDACTED]', forms)).toEqual([]);
    }
  });

  it(`${RUNS} credential sets through config, auth, REST, WebSocket, errors and logs`, async () => {
    const totals = {
      runs: 0,
      outputBytes: 0,
      logLines: 0,
      errors: 0,
      wsEvents: 0,
      restCalls: 0,
      configProblems: 0,
    };
    const shapes: string[] = [];
    await fc.assert(
      fc.asyncProperty(credentialSet, async (c) => {
        const captured: string[] = [];
        const figures = await capturingOutput(captured, () => throughTheStack(c, captured));
        const text = captured.join('\n');
        totals.runs++;
        totals.outputBytes += text.length;
        for (const key of Object.keys(figures) as Array<keyof RunFigures>) totals[key] += figures[key];
        shapes.push(JSON.stringify(c.apiSecret).slice(0, 40));
        expect(leaks(text, derivedForms(c)), `leaked from ${JSON.stringify(c)}`).toEqual([]);
        // The captured output is real: the calls ran and logged.
        expect(figures.logLines).toBeGreaterThan(0);
        expect(figures.wsEvents).toBeGreaterThan(0);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    printTable(`Secrets through the stack (seed ${SEED})`, [
      ['credential sets (each: HMAC + OAuth2 pairs, a wrong secret)', totals.runs],
      ['config loads refused (credential mistakes)', totals.configProblems],
      ['REST calls (with 5xx, resets, drift, lost answers)', totals.restCalls],
      ['order events over signed / bearer WebSocket logins', totals.wsEvents],
      ['errors rendered (String, stack, JSON, inspect)', totals.errors],
      ['log lines captured (debug)', totals.logLines],
      ['characters of output searched', totals.outputBytes],
      [
        'forms searched per set',
        'raw, JSON/inspect-escaped, URL/form-encoded, base64(url), base64(id:secret), sbx_at_ tokens',
      ],
      ['leaks', 0],
      ['unhandled rejections', unhandled.rejections.length],
    ]);
    console.log(`api secret shapes tried: ${shapes.join('  ')}`);
    expect(unhandled.rejections).toEqual([]);
  });

  it("the reference app's doctor and support bundle (real process, credentials in its environment)", async () => {
    const sets = fc.sample(credentialSet, { seed: SEED + 1, numRuns: 1 });
    const rows: Array<[string, unknown]> = [];
    const keyIdsPrinted: string[] = [];
    for (const [i, c] of sets.entries()) {
      const broker = await startSandboxBroker({
        seed: SEED,
        credentials: [{ keyId: c.keyId, secret: c.apiSecret, scopes: ['read', 'trade'] }],
        oauthClients: [{ clientId: c.clientId, clientSecret: c.clientSecret, scopes: ['read', 'trade'] }],
      });
      try {
        const cases: Array<[string, Record<string, string>, number]> = [
          ['HMAC', { KIT_API_KEY: c.keyId, KIT_API_SECRET: c.apiSecret }, 0],
          ['OAuth2', { KIT_CLIENT_ID: c.clientId, KIT_CLIENT_SECRET: c.clientSecret }, 0],
          ['wrong secret', { KIT_API_KEY: c.keyId, KIT_API_SECRET: c.wrongSecret }, 1],
        ];
        for (const [what, env, expectedCode] of cases) {
          const bundle = join(dir, `bundle-${i}-${what.replace(/\W/g, '')}.json`);
          const run = await runDoctor({ KIT_TARGET: broker.url, ...env }, bundle);
          const text = `${run.output}\n${run.bundle}`;
          // The app treats key and client ids as identifiers (it prints "HMAC key <id>"): only the
          // secret halves are held to "never printed" there.
          const secretForms = derivedForms(c).filter((f) => !/^(key id|client id)/.test(f.what));
          expect(leaks(text, secretForms), `${what}: ${run.output}`).toEqual([]);
          expect(run.bundle.length).toBeGreaterThan(0);
          expect(run.code).toBe(expectedCode);
          if (text.includes(c.keyId) || text.includes(c.clientId)) keyIdsPrinted.push(what);
          rows.push([`set ${i + 1} ${what}: exit / output + bundle chars`, `${run.code} / ${text.length}`]);
        }
      } finally {
        await broker.close();
      }
    }
    printTable('Reference app doctor + support bundle', [
      ...rows,
      ['secret leaks', 0],
      ['runs that print the key or client id (by design)', keyIdsPrinted.length],
    ]);
  });
});
