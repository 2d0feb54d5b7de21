import type { SandboxFaults } from './sandbox-faults';

/** The named fault mixes. */
export type SandboxProfile = 'none' | 'mild' | 'harsh';

/** The profile names, for validation and `--help`. */
export const SANDBOX_PROFILES: readonly SandboxProfile[] = ['none', 'mild', 'harsh'];

/**
 * The mixes (README, "Profiles", explains each). `mild` is a normal day on a real venue: a few per
 * cent of slow answers, 5xx and 429 bursts, rare resets. `harsh` is a bad day: much more of all of it,
 * orders whose answer is lost or unknown, and a stream that drops, skips, corrupts and stalls.
 */
export const PROFILES: Readonly<Record<SandboxProfile, SandboxFaults>> = Object.freeze({
  none: {},
  mild: {
    http: {
      latency: { probability: 0.05, minMs: 20, maxMs: 250 },
      serverError: { probability: 0.02 },
      rateLimitBurst: { probability: 0.005, length: 3, retryAfterSeconds: 1 },
      resetBefore: { probability: 0.003 },
      resetAfter: { probability: 0.002 },
      htmlError: { probability: 0.003, status: 502 },
    },
    ws: {
      drop: { probability: 0.0005 },
      skipSeq: { probability: 0.001 },
    },
  },
  harsh: {
    http: {
      latency: { probability: 0.2, minMs: 50, maxMs: 1500 },
      serverError: { probability: 0.08 },
      rateLimitBurst: { probability: 0.02, length: 5, retryAfterSeconds: 1 },
      resetBefore: { probability: 0.02 },
      resetAfter: { probability: 0.02 },
      truncated: { probability: 0.02 },
      malformed: { probability: 0.02 },
      htmlError: { probability: 0.02, status: 502 },
      drift: { probability: 0.02 },
      responseLost: { probability: 0.05 },
      executionUnknown: { probability: 0.05, createdProbability: 0.5 },
    },
    ws: {
      drop: { probability: 0.005 },
      skipSeq: { probability: 0.01 },
      duplicateSeq: { probability: 0.01 },
      corruptChecksum: { probability: 0.01 },
      stallHeartbeat: { probability: 0.05 },
      slowRead: { probability: 0.05, delayMs: 200 },
    },
  },
});

/** A profile with overrides on top: each group's kinds replace the profile's kinds of the same name. */
export function resolveFaults(profile: SandboxProfile, overrides: SandboxFaults | undefined): SandboxFaults {
  const base = PROFILES[profile];
  if (overrides === undefined) return base;
  return {
    http: { ...base.http, ...overrides.http },
    ws: { ...base.ws, ...overrides.ws },
  };
}
