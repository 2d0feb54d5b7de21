// The README's manual clock quick start, verbatim, with its comments as assertions.
// README:start manual clock
import { createManualClock } from '@kit/testing';

const clock = createManualClock(); // starts at 1_700_000_000_000 ms
const woke: number[] = [];
void clock.sleep(250).then(() => woke.push(clock.now()));

await clock.nextSleep(); // 250: resolves when the code under test starts waiting
await clock.advance(1_000); // fires every sleep that falls due, in time order
woke; // [1_700_000_000_250]
clock.sleeps; // [250]: every sleep requested, for assertions on backoff delays

// README:end

import { expectReadmeShows } from '@kit/vitest-config/readme';
import { expect, it } from 'vitest';

it('runs the README manual clock quick start', () => {
  expect(woke).toEqual([1_700_000_000_250]);
  expect(clock.sleeps).toEqual([250]);
  expect(clock.now()).toBe(1_700_000_001_000);
});

it('is the code the README shows', () => {
  expect(expectReadmeShows(import.meta.url)).toBe(1);
});
