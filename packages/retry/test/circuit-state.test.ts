import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyHttpResponse, isKitError, KitError } from '@kit/errors';
import type { LogFields, Logger } from '@kit/logger';
import { createManualClock } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createRetryPolicy } from '../src/retry-policy';
import type { CircuitBreakerState } from '../src/retry-policy-options';

const unavailable = () => new KitError('server.unavailable', { status: 503 });

/** Settles `promise` to its value or its error, never rejecting. */
const outcome = <T>(promise: Promise<T>): Promise<T | unknown> => promise.catch((error: unknown) => error);

/** A logger that keeps its warn lines. */
function warnings(): Logger & { lines: Array<{ message: string; fields?: LogFields }> } {
  const lines: Array<{ message: string; fields?: LogFields }> = [];
  const logger = {
    lines,
    debug() {},
    info() {},
    warn(message: string, fields?: LogFields) {
      lines.push({ message, ...(fields === undefined ? {} : { fields }) });
    },
    error() {},
    child: () => logger,
  };
  return logger;
}

describe('RetryPolicy.circuitState and onCircuitStateChange', () => {
  it('is undefined without a circuit breaker, and a listener is never called', async () => {
    const policy = createRetryPolicy({ maxAttempts: 1 });
    const seen: CircuitBreakerState[] = [];
    const unsubscribe = policy.onCircuitStateChange((state) => seen.push(state));
    for (let i = 0; i < 10; i++) await outcome(policy.execute(async () => Promise.reject(unavailable())));
    expect(policy.circuitState).toBeUndefined();
    expect(seen).toEqual([]);
    unsubscribe();
    unsubscribe();
  });

  it('reports closed -> open -> half_open -> closed, the open period timed on the injected clock', async () => {
    const clock = createManualClock({ startMs: 0 });
    const policy = createRetryPolicy({
      clock,
      maxAttempts: 1,
      circuitBreaker: { consecutiveFailures: 3, halfOpenAfterMs: 1_000 },
    });
    const seen: CircuitBreakerState[] = [];
    policy.onCircuitStateChange((state) => seen.push(state));
    expect(policy.circuitState).toBe('closed');
    let calls = 0;
    const failing = async () => {
      calls++;
      throw unavailable();
    };
    for (let i = 0; i < 2; i++) await outcome(policy.execute(failing));
    expect(policy.circuitState).toBe('closed');
    expect(seen).toEqual([]);
    await outcome(policy.execute(failing));
    expect(policy.circuitState).toBe('open');
    expect(seen).toEqual(['open']);

    // Open: refused at once, the operation not called, until the clock has moved 1 s.
    const refused = await outcome(policy.execute(failing));
    expect(isKitError(refused, 'server.circuit_open')).toBe(true);
    expect(calls).toBe(3);
    await clock.advance(999);
    expect(isKitError(await outcome(policy.execute(failing)), 'server.circuit_open')).toBe(true);
    expect(policy.circuitState).toBe('open');
    expect(calls).toBe(3);

    // The period has passed on the clock (not on Date.now): the next attempt is the trial.
    await clock.advance(1);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let during: CircuitBreakerState | undefined;
    const trial = policy.execute(async () => {
      calls++;
      await gate;
      during = policy.circuitState;
      return 'recovered';
    });
    await clock.nextSleep();
    expect(policy.circuitState).toBe('half_open');
    release();
    expect(await trial).toBe('recovered');
    expect(during).toBe('half_open');
    expect(policy.circuitState).toBe('closed');
    expect(seen).toEqual(['open', 'half_open', 'closed']);
    expect(calls).toBe(4);
  });

  it('a failed trial opens the circuit again for another halfOpenAfterMs', async () => {
    const clock = createManualClock({ startMs: 0 });
    const policy = createRetryPolicy({
      clock,
      maxAttempts: 1,
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 500 },
    });
    const seen: CircuitBreakerState[] = [];
    policy.onCircuitStateChange((state) => seen.push(state));
    await outcome(policy.execute(async () => Promise.reject(unavailable())));
    await clock.advance(500);
    const trial = await outcome(policy.execute(async () => Promise.reject(unavailable())));
    expect(isKitError(trial, 'server.unavailable')).toBe(true);
    expect(seen).toEqual(['open', 'half_open', 'open']);
    expect(policy.circuitState).toBe('open');
    await clock.advance(499);
    expect(isKitError(await outcome(policy.execute(async () => 'ok')), 'server.circuit_open')).toBe(true);
    await clock.advance(1);
    expect(await policy.execute(async () => 'ok')).toBe('ok');
    expect(seen).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  it('a trial that fails in a way that says nothing about the host (a 429) closes the circuit', async () => {
    const clock = createManualClock({ startMs: 0 });
    const policy = createRetryPolicy({
      clock,
      maxAttempts: 1,
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 100 },
    });
    await outcome(policy.execute(async () => Promise.reject(unavailable())));
    expect(policy.circuitState).toBe('open');
    await clock.advance(100);
    const limited = await outcome(
      policy.execute(async () => Promise.reject(new KitError('rate_limit.exceeded', { status: 429 }))),
    );
    expect(isKitError(limited, 'rate_limit.exceeded')).toBe(true);
    expect(policy.circuitState).toBe('closed');
  });

  it('an attempt that times out while waiting for the trial is never run', async () => {
    const clock = createManualClock({ startMs: 0 });
    const policy = createRetryPolicy({
      clock,
      maxAttempts: 1,
      attemptTimeoutMs: 50,
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 100 },
    });
    await outcome(policy.execute(async () => Promise.reject(unavailable())));
    await clock.advance(100);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const trial = outcome(policy.execute(() => gate.then(() => 'trial')));
    await clock.nextSleep();
    let waiterRan = false;
    const waiter = outcome(
      policy.execute(async () => {
        waiterRan = true;
        return 'waiter';
      }),
    );
    // Both attempts time out at 50 ms, the waiter while it still waits for the trial.
    await clock.advance(50);
    expect(isKitError(await waiter, 'timeout.attempt')).toBe(true);
    expect(isKitError(await trial, 'timeout.attempt')).toBe(true);
    release();
    // Let cockatiel finish the trial and wake the waiter, which must see its aborted signal.
    await clock.advance(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(waiterRan).toBe(false);
  });

  it('unsubscribing stops a listener; the same function subscribed twice is called twice', async () => {
    const clock = createManualClock({ startMs: 0 });
    const policy = createRetryPolicy({
      clock,
      maxAttempts: 1,
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 100 },
    });
    const seen: CircuitBreakerState[] = [];
    const listener = (state: CircuitBreakerState) => seen.push(state);
    const first = policy.onCircuitStateChange(listener);
    policy.onCircuitStateChange(listener);
    await outcome(policy.execute(async () => Promise.reject(unavailable())));
    expect(seen).toEqual(['open', 'open']);
    first();
    first();
    await clock.advance(100);
    await policy.execute(async () => 'ok');
    expect(seen).toEqual(['open', 'open', 'half_open', 'closed']);
  });

  it('a listener that throws is logged at warn and ignored: the call and the state go on', async () => {
    const logger = warnings();
    const policy = createRetryPolicy({
      logger,
      maxAttempts: 1,
      circuitBreaker: { consecutiveFailures: 1 },
    });
    const seen: CircuitBreakerState[] = [];
    policy.onCircuitStateChange(() => {
      throw new Error('metrics exporter down');
    });
    policy.onCircuitStateChange((state) => seen.push(state));
    const failed = await outcome(policy.execute(async () => Promise.reject(unavailable())));
    expect(isKitError(failed, 'server.unavailable')).toBe(true);
    expect(policy.circuitState).toBe('open');
    expect(seen).toEqual(['open']);
    expect(logger.lines.map((l) => l.message)).toEqual([
      'retry: an onCircuitStateChange listener threw; ignored',
    ]);
  });

  it('rejects a listener that is not a function with client.invalid_argument', () => {
    const policy = createRetryPolicy({ circuitBreaker: {} });
    for (const bad of [undefined, null, 'open', {}]) {
      let thrown: unknown;
      try {
        policy.onCircuitStateChange(bad as unknown as (state: CircuitBreakerState) => void);
      } catch (error) {
        thrown = error;
      }
      expect(isKitError(thrown, 'client.invalid_argument')).toBe(true);
      expect((thrown as KitError).hint.length).toBeGreaterThan(0);
    }
  });
});

describe('circuit state against a real loopback server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('503s open the circuit (nothing more is sent), and after halfOpenAfterMs one trial closes it', async () => {
    let healthy = false;
    let hits = 0;
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(healthy ? '{"ok":true}' : '{"error":"unavailable"}');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/status`;
    const clock = createManualClock({ startMs: 0 });
    const policy = createRetryPolicy({
      clock,
      maxAttempts: 1,
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 30_000 },
    });
    const seen: CircuitBreakerState[] = [];
    policy.onCircuitStateChange((state) => seen.push(state));
    const get = () =>
      policy.execute(async ({ signal }) => {
        const response = await fetch(url, { signal });
        const body = await response.text();
        if (!response.ok) {
          throw classifyHttpResponse({
            status: response.status,
            headers: response.headers,
            body,
            method: 'GET',
            path: '/v1/status',
          });
        }
        return JSON.parse(body) as unknown;
      });
    for (let i = 0; i < 2; i++) expect(isKitError(await outcome(get()), 'server.unavailable')).toBe(true);
    expect(policy.circuitState).toBe('open');
    expect(isKitError(await outcome(get()), 'server.circuit_open')).toBe(true);
    expect(hits).toBe(2);
    healthy = true;
    await clock.advance(30_000);
    expect(await get()).toEqual({ ok: true });
    expect(policy.circuitState).toBe('closed');
    expect(seen).toEqual(['open', 'half_open', 'closed']);
    expect(hits).toBe(3);
  });
});
