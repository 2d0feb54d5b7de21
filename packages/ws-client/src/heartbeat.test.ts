import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import { Heartbeat } from './heartbeat';

describe('Heartbeat', () => {
  it('pings every interval and times out when no pong follows within the timeout', async () => {
    const clock = createManualClock();
    let pings = 0;
    let timeouts = 0;
    const heartbeat = new Heartbeat({
      clock,
      intervalMs: 10_000,
      timeoutMs: 5_000,
      sendPing: () => ++pings > 0,
      onTimeout: () => timeouts++,
      onError: (e) => {
        throw e;
      },
    });
    heartbeat.start();
    await clock.advance(10_000);
    expect(pings).toBe(1);
    heartbeat.pong();
    await clock.advance(10_000);
    expect(pings).toBe(2);
    await clock.advance(4_999);
    expect(timeouts).toBe(0);
    await clock.advance(1);
    expect(timeouts).toBe(1);
    heartbeat.stop();
    expect(clock.pending).toEqual([]);
  });

  it('neither pings nor times out while suspended (reading paused)', async () => {
    const clock = createManualClock();
    let timeouts = 0;
    const heartbeat = new Heartbeat({
      clock,
      intervalMs: 1_000,
      timeoutMs: 500,
      sendPing: () => true,
      onTimeout: () => timeouts++,
      onError: () => {},
    });
    heartbeat.start();
    await clock.advance(1_000);
    heartbeat.suspend();
    await clock.advance(5_000);
    expect(timeouts).toBe(0);
    heartbeat.stop();
  });
});
