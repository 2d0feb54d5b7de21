import type { Clock } from './clock';
import { sleep } from './sleep';

/**
 * The real clock: `Date.now()` and an abortable `setTimeout` sleep. Both are the globals, so vitest
 * fake timers (`vi.useFakeTimers()`) control it too.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep,
};
