import { getEventListeners, setMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { combineSignals } from './combine-signals';

describe('combineSignals', () => {
  it('aborts with the reason of whichever input aborts first', () => {
    const a = new AbortController();
    const b = new AbortController();
    const { signal, dispose } = combineSignals([a.signal, undefined, b.signal]);
    expect(signal.aborted).toBe(false);
    b.abort('second');
    a.abort('first');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('second');
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0);
    dispose();
  });

  it('is aborted from the start when an input already is', () => {
    const { signal } = combineSignals([AbortSignal.abort('early')]);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('early');
  });

  it('dispose removes every listener it added, and is idempotent', () => {
    const a = new AbortController();
    // 100 live combinations at once are intended here; the leak test is in test/listener-leak.test.ts.
    setMaxListeners(200, a.signal);
    const combos = Array.from({ length: 100 }, () => combineSignals([a.signal]));
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(100);
    for (const combo of combos) {
      combo.dispose();
      combo.dispose();
    }
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0);
    a.abort();
    expect(combos.every((c) => !c.signal.aborted)).toBe(true);
  });

  it('with no inputs never aborts', () => {
    const { signal, dispose } = combineSignals([]);
    dispose();
    expect(signal.aborted).toBe(false);
  });
});
