// Every jitter formula kit uses, in one place. Each spreads retries so that clients failing together
// do not retry together; they differ in how much of the exponential ceiling they keep.

/**
 * The exponential ceiling for retry number `n` (0-based): `min(maxMs, initialMs * 2^n)`. The
 * exponent stops at 30 so the product stays finite.
 */
export function exponentialCeilingMs(n: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(0, n), 30));
}

/** `random()` kept within [0, 1): an injected source that strays is clamped, never trusted. */
function unit(random: () => number): number {
  const value = random();
  return value >= 0 && value < 1 ? value : value >= 1 ? 1 - Number.EPSILON : 0;
}

/**
 * Full jitter (AWS's name): a whole number of milliseconds in `[0, ceilingMs)`. The widest spread;
 * used for WebSocket reconnects, where many clients drop at once when a venue restarts.
 */
export function fullJitterMs(ceilingMs: number, random: () => number): number {
  return Math.floor(unit(random) * Math.max(0, ceilingMs));
}

/**
 * Equal jitter: half of `ceilingMs` fixed plus up to the other half at random, rounded. Never
 * retries at once; used for the OAuth2 token endpoint's short bounded loop.
 */
export function equalJitterMs(ceilingMs: number, random: () => number): number {
  const ceiling = Math.max(0, ceilingMs);
  return Math.round(ceiling / 2 + (ceiling / 2) * unit(random));
}

/** State carried between {@link decorrelatedJitter} steps: the attempt and the previous raw value. */
export type DecorrelatedJitterState = readonly [attempt: number, previous: number] | undefined;

// Constants of Polly's "DecorrelatedJitterV2", the formula cockatiel's decorrelatedJitterGenerator uses.
const P_FACTOR = 4;
const RP_SCALING_FACTOR = 1 / 1.4;

/**
 * Decorrelated jitter (Polly's V2 formula, as cockatiel's generator computes it) with an injected
 * random source: delays grow roughly 2x per retry from `initialDelayMs`, capped at `maxDelayMs`,
 * each one correlated with the last. The REST retry policy's backoff. Returns the delay and the
 * state for the next step.
 */
export function decorrelatedJitter(
  state: DecorrelatedJitterState,
  options: { initialDelayMs: number; maxDelayMs: number; exponent: number },
  random: () => number,
): [delayMs: number, next: DecorrelatedJitterState] {
  const [attempt, previous] = state ?? [0, 0];
  const t = attempt + random();
  const next = options.exponent ** t * Math.tanh(Math.sqrt(P_FACTOR * t));
  const intrinsic = Number.isFinite(next) ? Math.max(0, next - previous) : Number.POSITIVE_INFINITY;
  return [
    Math.min(intrinsic * RP_SCALING_FACTOR * options.initialDelayMs, options.maxDelayMs),
    [attempt + 1, next],
  ];
}
