import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONNECT_OPTIONS } from './options';
import { type DisconnectFacts, decideReconnect } from './reconnect-decision';

const options = DEFAULT_RECONNECT_OPTIONS;
const half = () => 0.5;

function facts(extra: Partial<DisconnectFacts> = {}): DisconnectFacts {
  return {
    action: 'reconnect',
    reason: 'close 1006',
    retryAfterMs: undefined,
    state: 'connecting',
    liveForMs: undefined,
    failures: 0,
    authRejections: 0,
    ...extra,
  };
}

describe('decideReconnect', () => {
  it('backs off exponentially while attempts keep failing, and counts them', () => {
    let failures = 0;
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const decision = decideReconnect(facts({ failures }), options, half);
      if (decision.kind !== 'reconnect') throw new Error(`expected a reconnect, got ${decision.kind}`);
      delays.push(decision.delayMs);
      failures = decision.failures;
    }
    expect(delays).toEqual([250, 500, 1000, 2000]);
    expect(failures).toBe(4);
  });

  it('retries fast after a stable session and restarts both counters', () => {
    const decision = decideReconnect(
      facts({ state: 'live', liveForMs: options.stableAfterMs, failures: 6, authRejections: 1 }),
      options,
      () => 0.999,
    );
    expect(decision).toEqual({
      kind: 'reconnect',
      delayMs: 249,
      reauthenticate: false,
      degraded: false,
      failures: 1,
      authRejections: 0,
    });
  });

  it('does not count a session live for less than stableAfterMs as stable', () => {
    const decision = decideReconnect(
      facts({ state: 'stale', liveForMs: options.stableAfterMs - 1, failures: 2 }),
      options,
      half,
    );
    expect(decision).toMatchObject({ kind: 'reconnect', delayMs: 1000, failures: 3 });
  });

  it('never comes back sooner than Retry-After', () => {
    const decision = decideReconnect(facts({ retryAfterMs: 7_000 }), options, half);
    expect(decision).toMatchObject({ kind: 'reconnect', delayMs: 7_000 });
  });

  it('says degraded exactly at the degradedAfterFailures-th failure in a row', () => {
    const at = (failures: number) => decideReconnect(facts({ failures }), options, half);
    expect(at(options.degradedAfterFailures - 2)).toMatchObject({ degraded: false });
    expect(at(options.degradedAfterFailures - 1)).toMatchObject({ degraded: true });
    expect(at(options.degradedAfterFailures)).toMatchObject({ degraded: false });
  });

  it('fails on a fail action, without drawing a random number', () => {
    const decision = decideReconnect(facts({ action: 'fail', reason: 'close 1008' }), options, () => {
      throw new Error('no random number is needed to fail');
    });
    expect(decision).toEqual({ kind: 'fail', reason: 'close 1008' });
  });

  it('re-authenticates once, and fails when the next login is rejected too', () => {
    const first = decideReconnect(
      facts({ action: 'reauthenticate_once', reason: 'close 4001' }),
      options,
      half,
    );
    expect(first).toMatchObject({ kind: 'reconnect', reauthenticate: true, authRejections: 1 });
    const second = decideReconnect(
      facts({ action: 'reauthenticate_once', reason: 'close 4001', authRejections: 1 }),
      options,
      half,
    );
    expect(second).toEqual({ kind: 'fail', reason: 'close 4001 (re-authentication rejected too)' });
  });

  it('re-authenticates again after a stable session', () => {
    const decision = decideReconnect(
      facts({
        action: 'reauthenticate_once',
        state: 'live',
        liveForMs: options.stableAfterMs,
        authRejections: 1,
      }),
      options,
      half,
    );
    expect(decision).toMatchObject({ kind: 'reconnect', reauthenticate: true, authRejections: 1 });
  });

  it('pauses for a restart and backs off from tryAgainLaterDelayMs when told to', () => {
    expect(decideReconnect(facts({ action: 'reconnect_after_pause' }), options, () => 0)).toMatchObject({
      delayMs: options.restartMinDelayMs,
    });
    expect(decideReconnect(facts({ action: 'backoff' }), options, () => 0)).toMatchObject({
      delayMs: options.tryAgainLaterDelayMs,
    });
  });

  it('stops once the client is closed or failed', () => {
    expect(decideReconnect(facts({ state: 'closed' }), options, half)).toEqual({ kind: 'stop' });
    expect(decideReconnect(facts({ state: 'failed', action: 'fail' }), options, half)).toEqual({
      kind: 'stop',
    });
  });
});
