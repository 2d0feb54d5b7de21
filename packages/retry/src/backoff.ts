import { ExponentialBackoff, type GeneratorFn, type IBackoff } from 'cockatiel';
import { withoutUndefined } from './without-undefined';

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

type JitterState = readonly [attempt: number, previous: number] | undefined;

// Constants of Polly's "DecorrelatedJitterV2", the formula cockatiel's decorrelatedJitterGenerator uses.
const P_FACTOR = 4;
const RP_SCALING_FACTOR = 1 / 1.4;

/**
 * cockatiel's decorrelated-jitter generator with an injectable random source (cockatiel's own
 * calls `Math.random` directly, which makes tests depend on global state).
 */
function decorrelatedJitter(random: () => number): GeneratorFn<JitterState> {
  return (state, options) => {
    const [attempt, previous] = state ?? [0, 0];
    const t = attempt + random();
    const next = options.exponent ** t * Math.tanh(Math.sqrt(P_FACTOR * t));
    const intrinsic = Number.isFinite(next) ? Math.max(0, next - previous) : Number.POSITIVE_INFINITY;
    return [
      Math.min(intrinsic * RP_SCALING_FACTOR * options.initialDelay, options.maxDelay),
      [attempt + 1, next],
    ];
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
  const factory = new ExponentialBackoff<JitterState>({
    generator: decorrelatedJitter(random),
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
