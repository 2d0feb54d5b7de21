import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createRetryPolicy } from '../src/retry-policy';

describe('no abort-listener leak on a long-lived signal', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('10,000 calls sharing one signal leave no listener and raise no MaxListenersExceededWarning', async () => {
    process.on('warning', onWarning);
    const controller = new AbortController();
    const policy = createRetryPolicy({ budget: false });
    let maxDuring = 0;
    for (let batch = 0; batch < 1_000; batch++) {
      // 1,000 batches of ten calls in flight at a time, each with its own combined signals, timers and race.
      await Promise.all(
        Array.from({ length: 10 }, () =>
          policy.execute(
            async ({ signal }) => {
              maxDuring = Math.max(maxDuring, getEventListeners(controller.signal, 'abort').length);
              return signal.aborted;
            },
            { signal: controller.signal },
          ),
        ),
      );
    }
    // Let any pending 'warning' emission (emitted on process.nextTick) arrive.
    await new Promise((resolve) => setImmediate(resolve));
    expect(maxDuring).toBeGreaterThan(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
