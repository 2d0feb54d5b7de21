import { withoutUndefined } from '@kit/errors/internal';
import { ExponentialBackoff, type GeneratorFn, type IBackoff } from 'cockatiel';
import { type DecorrelatedJitterState, decorrelatedJitter } from './jitter';

/** Options for {@link createBackoff}. */
export interface BackoffOptions {
  /** The median first delay, in milliseconds. @default 500 */
  initialDelayMs?: number;
  /** The cap on any single delay, in milliseconds. @default 10_000 */
  maxDelayMs?: number;
  /** A source of uniform numbers in [0, 1). @default Math.random */
  random?: () => number;
}

/** Defaults for {@link BackoffOptions}. */
export const DEFAULT_BACKOFF_OPTIONS: Required<BackoffOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  random: Math.random,
};

/** cockatiel's generator over {@link decorrelatedJitter}, with the injected random source. */
function decorrelatedGenerator(random: () => number): GeneratorFn<DecorrelatedJitterState> {
  return (state, options) => {
    const [delayMs, next] = decorrelatedJitter(
      state,
      { initialDelayMs: options.initialDelay, maxDelayMs: options.maxDelay, exponent: options.exponent },
      random,
    );
    return [delayMs, next];
  };
}

/** An iterator over backoff delays: call `next()` for each retry. */
export interface Backoff {
  /** The delay before the next retry, in milliseconds. */
  next(): number;
}

/**
 * Exponential backoff with decorrelated jitter (cockatiel's `ExponentialBackoff`, Polly's V2
 * formula): delays grow roughly 2x per retry from `initialDelayMs`, capped at `maxDelayMs`, and
 * are spread so that many clients failing together do not retry together.
 */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const { initialDelayMs, maxDelayMs, random } = { ...DEFAULT_BACKOFF_OPTIONS, ...withoutUndefined(options) };
  const factory = new ExponentialBackoff<DecorrelatedJitterState>({
    generator: decorrelatedGenerator(random),
    initialDelay: initialDelayMs,
    maxDelay: maxDelayMs,
    exponent: 2,
  });
  let current: IBackoff<unknown> | undefined;
  return {
    next() {
      current = current === undefined ? factory.next() : current.next(undefined);
      return Math.round(current.duration);
    },
  };
}
