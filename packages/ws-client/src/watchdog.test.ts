import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import { Watchdog } from './watchdog';

describe('Watchdog', () => {
  it('calls onIdle once nothing arrived for the timeout, counting from the last touch', async () => {
    const clock = createManualClock();
    const idle: Array<[string, number]> = [];
    const watchdog = new Watchdog({
      clock,
      timeoutMs: 15_000,
      onIdle: (k, ms) => idle.push([k, ms]),
      onError: () => {},
    });
    watchdog.start();
    await clock.advance(10_000);
    watchdog.touch('quotes', clock.now());
    await clock.advance(14_999);
    expect(idle).toEqual([]);
    await clock.advance(1);
    expect(idle).toEqual([['', 15_000]]);
    watchdog.stop();
  });

  it('watches a stream with its own shorter timeout', async () => {
    const clock = createManualClock();
    const idle: string[] = [];
    const watchdog = new Watchdog({ clock, timeoutMs: 0, onIdle: (k) => idle.push(k), onError: () => {} });
    watchdog.watch('hb', 3_000);
    watchdog.start();
    await clock.advance(2_000);
    watchdog.touch('hb', clock.now());
    await clock.advance(2_000);
    expect(idle).toEqual([]);
    await clock.advance(1_000);
    expect(idle).toEqual(['hb']);
    watchdog.stop();
  });

  it('does not fire while suspended and restarts the deadline on resume', async () => {
    const clock = createManualClock();
    const idle: string[] = [];
    const watchdog = new Watchdog({
      clock,
      timeoutMs: 1_000,
      onIdle: (k) => idle.push(k),
      onError: () => {},
    });
    watchdog.start();
    watchdog.suspend();
    await clock.advance(5_000);
    expect(idle).toEqual([]);
    watchdog.resume();
    await clock.advance(999);
    expect(idle).toEqual([]);
    await clock.advance(1);
    expect(idle).toEqual(['']);
    watchdog.stop();
  });
});
